/** Why the migrator stopped; the CLI exits with EXIT_CODES[kind]. */
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

/** 2 bad arguments; 3 cannot run (file, database, schema, refused target); 4 orphans with --orphans fail. */
export const EXIT_CODES: Record<MigrateErrorKind, number> = {
  usage: 2,
  source: 3,
  target: 3,
  schema: 3,
  refused: 3,
  orphans: 4,
};

/** A value that cannot go into its column as it is; the row goes to quarantine with this reason. */
export class ConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionError';
  }
}
