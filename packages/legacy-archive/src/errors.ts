/** Why the migrator stopped; the CLI maps each kind to its exit code. */
export type MigrateErrorKind = 'source' | 'target' | 'schema' | 'refused' | 'orphans' | 'usage';

export class MigrateError extends Error {
  constructor(
    readonly kind: MigrateErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'MigrateError';
  }
}

/** A value that cannot go into its column as it is; the row goes to quarantine with this reason. */
export class ConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionError';
  }
}
