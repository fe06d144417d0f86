import type { ProgressEvent } from '../shared/report';

export type WriterName = 'createMany' | 'copy';

/** migrate() writes (migrate), or reads, converts and checks without writing (dry-run), or compares (verify). */
export type RunMode = 'migrate' | 'dry-run' | 'verify';

export interface MigrateOptions {
  /** the legacy SQLite file */
  source: string;
  databaseUrl: string;
  writer?: WriterName;
  batchSize?: number;
  /** batches in flight at once (inserts in parallel, commits in order) */
  concurrency?: number;
  /** worker threads of the createMany writer, each with its own Prisma client */
  writerThreads?: number;
  /** threads that read and convert rows ahead of the checks (0: on the main thread) */
  conversionThreads?: number;
  dryRun?: boolean;
  verifyOnly?: boolean;
  resume?: boolean;
  orphans?: 'quarantine' | 'fail';
  tables?: string[];
  /** legacy "table" or "table.column" names to leave behind on purpose */
  skip?: string[];
  onProgress?: (event: ProgressEvent) => void;
  onLog?: (message: string) => void;
}

/** Prisma's createMany slows down more than linearly with the rows per call; COPY likes large batches. */
export const DEFAULT_BATCH_SIZE: Record<WriterName, number> = { createMany: 500, copy: 5000 };
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_WRITER_THREADS = 2;
/**
 * createMany's own threads are its bottleneck: its rows are converted on the main thread. For copy, one thread:
 * on two cores a second one gained 5–10% of wall time for ~60 MB more peak RSS (PostgreSQL needs the other core).
 */
export const DEFAULT_CONVERSION_THREADS: Record<WriterName, number> = { createMany: 0, copy: 1 };

/** Connections rebuilding indexes after the load (PostgreSQL adds its own parallel workers per build). */
export const INDEX_BUILDERS = 2;

/** The options a run goes by, every default applied. */
export interface RunSettings {
  mode: RunMode;
  writer: WriterName;
  batchSize: number;
  concurrency: number;
  writerThreads: number;
  conversionThreads: number;
  log: (message: string) => void;
}

export function runSettings(options: MigrateOptions, journalMode: string): RunSettings {
  const writer = options.writer ?? 'createMany';
  return {
    mode: options.verifyOnly ? 'verify' : options.dryRun ? 'dry-run' : 'migrate',
    writer,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE[writer],
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    writerThreads: options.writerThreads ?? DEFAULT_WRITER_THREADS,
    // a WAL-mode file lets writers commit under readers: other connections could see another snapshot
    conversionThreads:
      journalMode === 'wal' ? 0 : (options.conversionThreads ?? DEFAULT_CONVERSION_THREADS[writer]),
    log: options.onLog ?? (() => undefined),
  };
}
