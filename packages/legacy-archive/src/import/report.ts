import { redactUrl } from '../shared/postgres';
import type { RunSummary, TableReport } from '../shared/report';
import type { RunMode, WriterName } from './options';
import type { TablePlan } from './plan';
import type { TableOutcome } from './process-table';
import { checkFailed } from './verify';

export interface MigrationReport extends RunSummary {
  source: string;
  target: string;
  mode: RunMode;
  writer: WriterName;
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
    rowsPerSecond: checkpoint.seconds > 0 ? Math.round(checkpoint.read / checkpoint.seconds) : 0,
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
    rowsPerSecond: 0,
    check: 'skipped',
    defaultedColumns: [],
  };
}

export function migrationReport(
  run: { source: string; databaseUrl: string; mode: RunMode; writer: WriterName; started: number },
  results: TableResults,
  missingTables: string[],
): MigrationReport {
  const all = [...results.reports, ...missingTables.map(missingTableReport)];
  return {
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
    tables: all,
  };
}
