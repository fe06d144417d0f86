import { createArchiveFile, writeFailure, type ArchiveFile } from './archive-file';
import { legacyLayout } from './layout';
import type { ExportOptions, ExportReport } from './options';
import { exportReport } from './report';
import { openSnapshot, type Snapshot } from './snapshot';
import { checkFinishedFile, startVerifier, type FileVerifier } from './verify-file';
import { writeTable, type WrittenTable } from './write-table';

const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While the export runs, a signal removes the temporary file before the process ends the way the signal says
 * (the handler steps aside and raises it again, so the exit status is the usual 128 + signal).
 */
function removeOnSignals(file: ArchiveFile): () => void {
  const handler = (signal: NodeJS.Signals) => {
    file.discard();
    for (const name of SIGNALS) process.removeListener(name, handler);
    process.kill(process.pid, signal);
  };
  for (const name of SIGNALS) process.on(name, handler);
  return () => {
    for (const name of SIGNALS) process.removeListener(name, handler);
  };
}

function buildIndexes(file: ArchiveFile): void {
  for (const index of legacyLayout().indexes) file.db.exec(index.sql);
}

async function writeAll(
  snapshot: Snapshot,
  file: ArchiveFile,
  verifier: FileVerifier,
  options: ExportOptions,
): Promise<WrittenTable[]> {
  const written: WrittenTable[] = [];
  for (const table of snapshot.tables) {
    written.push(
      await writeTable(file.db, snapshot, table, {
        withQuarantine: !!options.withQuarantine,
        onProgress: options.onProgress,
        onCommitted: (after, upTo, skip) => verifier.committed(table, after, upTo, skip),
      }),
    );
  }
  // built once the rows are in: one sorted pass per index instead of a B-tree insert per row
  buildIndexes(file);
  return written;
}

/**
 * The way back: the migrated PostgreSQL database → a legacy SQLite archive the legacy app opens as its own, read
 * from one snapshot, written to a temporary file, read back and checked, then renamed onto OUT.
 */
export async function exportArchive(options: ExportOptions): Promise<ExportReport> {
  const started = performance.now();
  const log = options.onLog ?? (() => undefined);
  const snapshot = await openSnapshot(options.databaseUrl);
  let file: ArchiveFile | undefined;
  let verifier: FileVerifier | undefined;
  let stopCleanup = () => {};
  try {
    file = createArchiveFile(options.out, { force: !!options.force, log });
    stopCleanup = removeOnSignals(file);
    for (const table of snapshot.leftOut) log(`left out: ${table}`);
    for (const table of legacyLayout().tables) file.db.exec(table.sql);
    const opened = (verifier = startVerifier(file.tempPath, snapshot.tables));
    const written = await writeAll(snapshot, file, opened, options).catch((error: unknown) => {
      throw writeFailure(options.out, error);
    });
    const wroteAt = performance.now();
    const rows = written.reduce((n, w) => n + w.rows + w.restored.size, 0);
    log(`wrote ${rows} rows in ${seconds(started, wroteAt)} s`);
    // every range read back first: the journal mode can only change once no thread has the file open
    const tables = await opened.settle(written, options.onProgress);
    file.finish();
    const checks = checkFinishedFile(file.tempPath, written, tables);
    log(`finished the file and its checks ${seconds(wroteAt, performance.now())} s later`);
    file.publish();
    return exportReport(
      { out: file.out, databaseUrl: options.databaseUrl, started, leftOut: snapshot.leftOut },
      written,
      checks,
    );
  } finally {
    await verifier?.close();
    file?.discard();
    stopCleanup();
    await snapshot.close();
  }
}
