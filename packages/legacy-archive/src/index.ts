/** The legacy SQLite archive: its import into PostgreSQL (`migrate`), and what the CLI prints of a run. */
export { migrate } from './import/migrate';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_CONVERSION_THREADS,
  DEFAULT_WRITER_THREADS,
  type MigrateOptions,
  type RunMode,
  type WriterName,
} from './import/options';
export { formatOutcome, type MigrationReport } from './import/report';
export { EXIT_CODES, ConversionError, MigrateError, type MigrateErrorKind } from './shared/errors';
export { progressPrinter } from './shared/progress';
export {
  formatSummary,
  type ProgressEvent,
  type QuarantineReason,
  type RunSummary,
  type TableReport,
} from './shared/report';
export type { RawValue, Value } from './shared/values';
export { exportArchive } from './export/export';
export type { ExportOptions, ExportReport } from './export/options';
