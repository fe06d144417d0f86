/** What a run reports: progress while it runs, a table per table at the end, and the summary printed from it. */

export interface ProgressEvent {
  table: string;
  phase: 'migrate' | 'check' | 'verify' | 'export';
  read: number;
  total: number;
  written: number;
  quarantined: number;
  seconds: number;
  done: boolean;
}

export interface TableReport {
  table: string;
  status:
    'migrated' | 'resumed' | 'already-migrated' | 'missing-in-source' | 'dry-run' | 'verified' | 'exported';
  read: number;
  written: number;
  quarantined: number;
  orphans: number;
  seconds: number;
  rowsPerSecond: number;
  check: string;
  /** target columns the legacy table lacks (their schema default applied) */
  defaultedColumns: string[];
}

/** The totals of a run and its tables, as the summary table shows them. */
export interface RunSummary {
  seconds: number;
  ok: boolean;
  read: number;
  written: number;
  quarantined: number;
  tables: TableReport[];
}

/** The summary table printed after every run (the same figures `--report` writes as JSON). */
export function formatSummary(report: RunSummary): string {
  const header = ['table', 'read', 'written', 'quarantined', 'seconds', 'rows/s', 'check'];
  const rows = report.tables.map((t) => [
    t.status === 'missing-in-source' ? `${t.table} (not in file)` : t.table,
    String(t.read),
    String(t.written),
    String(t.quarantined),
    t.seconds.toFixed(2),
    String(t.rowsPerSecond),
    t.check,
  ]);
  rows.push([
    'total',
    String(report.read),
    String(report.written),
    String(report.quarantined),
    report.seconds.toFixed(2),
    report.seconds > 0 ? String(Math.round(report.read / report.seconds)) : '0',
    report.ok ? 'ok' : 'FAILED',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 || i === 6 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
