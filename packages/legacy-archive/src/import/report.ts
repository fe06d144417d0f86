import { redactUrl } from '../shared/postgres';
import { rowRate, type QuarantineReason, type RunSummary, type TableReport } from '../shared/report';
import type { RunMode, WriterName } from './options';
import type { TablePlan } from './plan';
import type { TableOutcome } from './process-table';
import type { QuarantineTally } from './quarantine';
import { checkFailed } from './verify';

export interface MigrationReport extends RunSummary {
  source: string;
  target: string;
  mode: RunMode;
  writer: WriterName;
  /** --dry-run: the rows that would be quarantined (the first 1000; quarantineReasons counts them all) */
  wouldQuarantine?: QuarantineReason['examples'];
}

/** A table at the end of a run: how it went and what its check said. */
export interface CheckedTable {
  plan: TablePlan;
  outcome: TableOutcome;
  status: TableReport['status'];
  check: string;
}

export interface TableResults {
  reports: TableReport[];
  ok: boolean;
  /** what failed outside the tables' own checks (the source changed during the run) */
  problems: string[];
}

function tableReport({ plan, outcome, status, check }: CheckedTable): TableReport {
  const { checkpoint } = outcome;
  return {
    table: plan.target.table,
    status,
    read: checkpoint.read,
    written: checkpoint.written,
    quarantined: checkpoint.quarantined,
    orphans: outcome.orphans,
    seconds: Math.round(checkpoint.seconds * 1000) / 1000,
    rowsPerSecond: rowRate(checkpoint.read, checkpoint.seconds),
    check,
    defaultedColumns: plan.missingColumns,
  };
}

/** The tables' reports; the run is ok when no check failed. */
export function tableResults(tables: CheckedTable[]): TableResults {
  return {
    reports: tables.map(tableReport),
    ok: !tables.some((table) => checkFailed(table.check)),
    problems: [],
  };
}

/** The results, failed when the legacy file changed while the run read it (source.changesSinceOpen). */
export function withSourceCheck(results: TableResults, changes: string[]): TableResults {
  if (changes.length === 0) return results;
  return {
    ...results,
    ok: false,
    problems: [
      ...results.problems,
      ...changes.map((change) => `the legacy file changed during the run: ${change}`),
    ],
  };
}

function missingTableReport(table: string): TableReport {
  return {
    table,
    status: 'missing-in-source',
    read: 0,
    written: 0,
    quarantined: 0,
    orphans: 0,
    seconds: 0,
    rowsPerSecond: null,
    check: 'skipped',
    defaultedColumns: [],
  };
}

export function migrationReport(
  run: {
    source: string;
    databaseUrl: string;
    mode: RunMode;
    writer: WriterName;
    started: number;
    startedAt: Date;
  },
  results: TableResults,
  missingTables: string[],
  tally: QuarantineTally,
): MigrationReport {
  const all = [...results.reports, ...missingTables.map(missingTableReport)];
  return {
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    source: run.source,
    target: redactUrl(run.databaseUrl),
    mode: run.mode,
    writer: run.writer,
    seconds: Math.round((performance.now() - run.started) / 10) / 100,
    ok: results.ok,
    problems: results.problems,
    read: all.reduce((sum, t) => sum + t.read, 0),
    written: all.reduce((sum, t) => sum + t.written, 0),
    quarantined: all.reduce((sum, t) => sum + t.quarantined, 0),
    quarantineReasons: tally.list(),
    ...(run.mode === 'dry-run' ? { wouldQuarantine: tally.rows } : {}),
    tables: all,
  };
}

const REASONS_SHOWN = 20;

function reasonLines(report: MigrationReport): string[] {
  const lines = report.quarantineReasons
    .slice(0, REASONS_SHOWN)
    .map((entry) => `  ${String(entry.count).padStart(7)} × ${entry.reason}`);
  const more = report.quarantineReasons.length - REASONS_SHOWN;
  return more > 0 ? [...lines, `  … and ${more} more reason(s) (see --report)`] : lines;
}

/** What the run did, in words, under the summary table: the line that tells the user where they stand. */
export function formatOutcome(report: MigrationReport): string {
  const lines: string[] = [];
  const failed = report.tables.filter((t) => checkFailed(t.check));
  if (report.mode === 'dry-run') {
    lines.push(`dry run: nothing was written; ${report.quarantined} row(s) would be quarantined`);
    lines.push(...reasonLines(report));
    const listed = report.wouldQuarantine ?? [];
    for (const row of listed) lines.push(`  ${row.table} ${row.legacyId ?? '-'}: ${row.reason}`);
    if (report.quarantined > listed.length)
      lines.push(`  … and ${report.quarantined - listed.length} more row(s) (see --report)`);
  } else if (!report.ok) {
    lines.push('verification FAILED:');
    for (const table of failed) lines.push(`  ${table.table}: ${table.check}`);
    for (const problem of report.problems) lines.push(`  ${problem}`);
  } else if (
    report.mode === 'migrate' &&
    report.tables.every((t) => t.status === 'already-migrated' || t.status === 'missing-in-source')
  ) {
    lines.push(
      'already migrated and verified: nothing was written (the target holds this file, checked again)',
    );
  } else {
    lines.push(
      report.mode === 'verify' ? 'verified: the target matches the source' : 'migrated and verified',
    );
  }
  if (report.mode !== 'dry-run' && report.quarantined > 0) {
    lines.push(`${report.quarantined} row(s) quarantined:`, ...reasonLines(report));
    lines.push(
      '  SELECT table_name, legacy_id, reason, row_data FROM _migrator_quarantine ORDER BY table_name, legacy_rowid;',
    );
  }
  return lines.join('\n');
}
