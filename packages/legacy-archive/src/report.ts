import type { MigrationReport } from './pipeline';

/** The summary table printed after every run (the same figures `--report` writes as JSON). */
export function formatSummary(report: MigrationReport): string {
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
