import type pg from 'pg';
import { rebuildDerivedTables } from '@groundtruth/db';
import { MigrateError } from '../shared/errors';
import { quoteIdent } from '../shared/sql';
import type { TargetTable } from '../shared/target-schema';
import type { BatchWriter } from './batches';
import { finishRun, readBookkeeping, startRun, type Checkpoint } from './bookkeeping';
import { deferIndexes, restoreIndexes, restoreTableIndexes } from './deferred-indexes';
import { guardLoadTarget } from './guards';
import { INDEX_BUILDERS, type MigrateOptions, type RunSettings } from './options';
import { runPass, type PassContext } from './pass';
import type { TablePlan } from './plan';
import { tableResults, withSourceCheck, type CheckedTable, type TableResults } from './report';
import { verifyTable } from './verify';
import { copyWriter } from './write/copy';
import { createManyWriter } from './write/create-many-threads';

/** With --orphans fail: a pass that reads and checks every table still to load; any orphan stops the run. */
async function refuseOrphans(
  context: PassContext,
  plans: TablePlan[],
  checkpoints: Map<string, Checkpoint>,
): Promise<void> {
  const pending = plans.filter((plan) => !checkpoints.get(plan.target.table)?.done);
  const outcomes = await runPass(context, pending, {
    writer: null,
    phase: 'check',
    checkpoints: new Map([...checkpoints].filter(([, c]) => c.done)),
  });
  const samples = [...outcomes.values()].flatMap((outcome) => outcome.orphanSamples);
  const total = [...outcomes.values()].reduce((sum, outcome) => sum + outcome.orphans, 0);
  if (total > 0) {
    throw new MigrateError(
      'orphans',
      `${total} orphan row(s) and --orphans fail: nothing was written.\n  ${samples.join('\n  ')}`,
    );
  }
}

function openWriter(settings: RunSettings, pool: pg.Pool, databaseUrl: string): BatchWriter {
  const { writer, writerThreads, concurrency } = settings;
  return writer === 'copy'
    ? copyWriter(pool)
    : createManyWriter(databaseUrl, writerThreads, Math.ceil(concurrency / writerThreads) + 1);
}

/** The pass that writes. Each loaded table gets its indexes rebuilt and is verified while the next tables load. */
async function loadAndVerify(
  context: PassContext,
  plans: TablePlan[],
  checkpoints: Map<string, Checkpoint>,
  writer: BatchWriter,
): Promise<CheckedTable[]> {
  const { pool } = context;
  const finished: Omit<CheckedTable, 'check'>[] = [];
  const checks: Promise<string>[] = [];
  try {
    await runPass(context, plans, {
      writer,
      phase: 'migrate',
      checkpoints,
      onTable: (plan, outcome, status) => {
        finished.push({ plan, outcome, status });
        const check = restoreTableIndexes(pool, plan.target.table).then(() =>
          verifyTable(pool, context.source, plan, outcome.checkpoint),
        );
        check.catch(() => undefined);
        checks.push(check);
      },
    });
  } catch (error) {
    await Promise.allSettled(checks);
    throw error;
  }
  const results = await Promise.allSettled(checks);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return finished.map((table, index) => ({
    ...table,
    check: (results[index] as PromiseFulfilledResult<string>).value,
  }));
}

/**
 * Moves every id sequence past the largest legacy id, migrated or quarantined, so rows created later never collide
 * and a repaired quarantined row can go back with its legacy id (ids beyond the sequence's range are left out).
 */
/**
 * Each id sequence goes past the largest id loaded, quarantined (so a repaired row can go back with its id) or
 * handed out by the legacy app (its sqlite_sequence counter: ids of rows deleted there are not given out again).
 */
async function resetSequences(
  pool: pg.Pool,
  tables: TargetTable[],
  legacyCounters: Map<string, bigint>,
): Promise<void> {
  for (const table of tables) {
    for (const column of table.columns.filter((c) => c.serial)) {
      const quarantined =
        column.column === 'id'
          ? `(SELECT max(legacy_id::numeric) FROM _migrator_quarantine
              WHERE table_name = $4 AND legacy_id ~ '^[0-9]{1,19}$'
                AND legacy_id::numeric < (SELECT max_value FROM pg_sequences
                                          WHERE format('%I.%I', schemaname, sequencename)::regclass = seq.id))`
          : 'NULL';
      const counter = column.column === 'id' ? (legacyCounters.get(table.table) ?? 0n) : 0n;
      await pool.query(
        `SELECT setval(seq.id, LEAST(GREATEST(COALESCE((SELECT max(${quoteIdent(column.column)}) FROM ${quoteIdent(table.table)}), 0),
                                              COALESCE(${quarantined}, 0), $3::numeric) + 1,
                                     (SELECT max_value FROM pg_sequences
                                       WHERE format('%I.%I', schemaname, sequencename)::regclass = seq.id))::bigint, false)
         FROM (SELECT pg_get_serial_sequence($1, $2)::regclass AS id) seq`,
        [
          quoteIdent(table.table),
          column.column,
          counter.toString(),
          ...(column.column === 'id' ? [table.table] : []),
        ],
      );
    }
  }
}

/** After the load: what is still deferred is rebuilt, derived data refilled, id sequences moved on. */
async function completeTarget(
  pool: pg.Pool,
  targets: TargetTable[],
  legacyCounters: Map<string, bigint>,
  log: (message: string) => void,
) {
  const started = performance.now();
  const rebuilt = await restoreIndexes(pool, INDEX_BUILDERS);
  if (rebuilt > 0) {
    log(
      `rebuilt ${rebuilt} foreign keys and remaining indexes in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  // triggers were off during the load: tables they maintain are refilled from the loaded data
  await rebuildDerivedTables(pool);
  await resetSequences(pool, targets, legacyCounters);
}

/**
 * The run that writes: the target guards, the orphan check of --orphans fail, the run's bookkeeping, indexes
 * dropped for the load, the load with its verification, then the target completed. `opened` hears of the writer
 * (the caller closes it).
 */
export async function load(
  context: PassContext,
  options: MigrateOptions,
  planned: { plans: TablePlan[]; targets: TargetTable[] },
  opened: (writer: BatchWriter) => void,
): Promise<TableResults> {
  const { pool, source, settings } = context;
  const { plans, targets } = planned;
  const book = await readBookkeeping(pool);
  await guardLoadTarget(pool, {
    book,
    fingerprint: source.fingerprint,
    plans,
    targets,
    resume: !!options.resume,
  });
  const checkpoints = book?.checkpoints ?? new Map<string, Checkpoint>();
  if (options.orphans === 'fail') await refuseOrphans(context, plans, checkpoints);
  const runId = await startRun(pool, options.source, source.fingerprint, settings.writer, settings.log);
  try {
    const results = await loadRun(context, options, planned, checkpoints, opened);
    await finishRun(pool, runId, results.ok ? 'completed' : 'verification-failed');
    return results;
  } catch (error) {
    // best effort: with the server gone, the next run finds this one 'running' and marks it interrupted
    await finishRun(pool, runId, 'failed').catch(() => undefined);
    throw error;
  }
}

/** The load itself, once the run is recorded. */
async function loadRun(
  context: PassContext,
  options: MigrateOptions,
  { plans, targets }: { plans: TablePlan[]; targets: TargetTable[] },
  checkpoints: Map<string, Checkpoint>,
  opened: (writer: BatchWriter) => void,
): Promise<TableResults> {
  const { pool, source, settings } = context;
  const pending = plans.filter((plan) => !checkpoints.get(plan.target.table)?.done);
  await deferIndexes(
    pool,
    pending.map((plan) => plan.target.table),
    { keepPrimaryKeys: settings.writer === 'createMany' },
  );
  const writer = openWriter(settings, pool, options.databaseUrl);
  opened(writer);
  const loaded = tableResults(await loadAndVerify(context, plans, checkpoints, writer));
  const results = withSourceCheck(loaded, source.changesSinceOpen());
  await completeTarget(pool, targets, source.sequences, settings.log);
  return results;
}
