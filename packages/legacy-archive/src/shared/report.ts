/** What a run reports: progress while it runs, a table per table at the end, and the summary printed from it. */

/** below this, a rate says more about timer noise than about the table (300 rows in 50 µs is not 6M rows/s) */
export const MIN_RATE_SECONDS = 0.5;

/** rows per second, or null when too little time has passed to tell */
export function rowRate(rows: number, seconds: number): number | null {
  return seconds >= MIN_RATE_SECONDS ? Math.round(rows / seconds) : null;
}

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
  /** null when the table took too little time for a meaningful rate */
  rowsPerSecond: number | null;
  check: string;
  /** target columns the legacy table lacks (their schema default applied) */
  defaultedColumns: string[];
}

/** How many quarantined rows share a reason (its values left out), with the first few of them. */
export interface QuarantineReason {
  reason: string;
  count: number;
  examples: { table: string; legacyId: string | null; reason: string }[];
}

/** The totals of a run and its tables, as the summary table shows them. */
export interface RunSummary {
  /** ISO 8601 */
  startedAt: string;
  finishedAt: string;
  seconds: number;
  ok: boolean;
  /** failures beyond the tables' checks, each a sentence */
  problems: string[];
  read: number;
  written: number;
  quarantined: number;
  /** quarantined rows by reason, most frequent first (with --dry-run: the rows that would be quarantined) */
  quarantineReasons: QuarantineReason[];
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
    t.rowsPerSecond === null ? '-' : String(t.rowsPerSecond),
    t.check,
  ]);
  rows.push([
    'total',
    String(report.read),
    String(report.written),
    String(report.quarantined),
    report.seconds.toFixed(2),
    String(rowRate(report.read, report.seconds) ?? '-'),
    report.ok ? 'ok' : 'FAILED',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 || i === 6 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...report.problems.map((problem) => `FAILED: ${problem}`),
  ].join('\n');
}
