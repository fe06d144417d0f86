import { redactUrl } from '../shared/postgres';
import { rowRate, type TableReport } from '../shared/report';
import type { ExportReport } from './options';
import type { FileChecks } from './verify-file';
import type { WrittenTable } from './write-table';

function tableReport(written: WrittenTable, check: string): TableReport {
  const read = written.rows;
  return {
    table: written.table.layout.table,
    status: 'exported',
    read,
    written: written.rows + written.restored.size,
    quarantined: written.quarantined,
    orphans: 0,
    seconds: Math.round(written.seconds * 1000) / 1000,
    rowsPerSecond: rowRate(read, written.seconds),
    check,
    defaultedColumns: [],
  };
}

/** The export's summary: per table rows read from the snapshot, rows written (restored ones included), checks. */
export function exportReport(
  run: { out: string; databaseUrl: string; started: number; leftOut: string[] },
  written: WrittenTable[],
  checks: FileChecks,
): ExportReport {
  const tables = written.map((w) =>
    tableReport(w, checks.tables.get(w.table.layout.table) ?? 'FAILED: not checked'),
  );
  const notRestored = written.flatMap((w) => w.notRestored);
  const ok =
    tables.every((t) => t.check === 'ok') && checks.integrity === 'ok' && checks.foreignKeys === 'ok';
  const elapsedMs = performance.now() - run.started;
  const problems = [
    ...(checks.integrity === 'ok' ? [] : [`integrity_check: ${checks.integrity}`]),
    ...(checks.foreignKeys === 'ok' ? [] : [`foreign_key_check: ${checks.foreignKeys}`]),
  ];
  return {
    mode: 'export',
    out: run.out,
    source: redactUrl(run.databaseUrl),
    startedAt: new Date(Date.now() - elapsedMs).toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: Math.round(elapsedMs / 10) / 100,
    ok,
    problems,
    quarantineReasons: [],
    read: tables.reduce((sum, t) => sum + t.read, 0),
    written: tables.reduce((sum, t) => sum + t.written, 0),
    quarantined: tables.reduce((sum, t) => sum + t.quarantined, 0),
    tables,
    leftOut: run.leftOut,
    restored: written.reduce((sum, w) => sum + w.restored.size, 0),
    notRestored,
    integrity: checks.integrity,
    foreignKeys: checks.foreignKeys,
  };
}
