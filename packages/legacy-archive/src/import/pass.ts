import type pg from 'pg';
import type { ProgressEvent, TableReport } from '../shared/report';
import { readFailure, type LegacySource } from '../shared/sqlite';
import type { BatchWriter } from './batches';
import { emptyCheckpoint, type Checkpoint } from './bookkeeping';
import { ChunkFeed } from './chunk-feed';
import type { ChunkConverter } from './convert/threads';
import { keySpecs, loadKeySet, loadQuarantinedKeySet, type KeyRegister, type TableKeys } from './key-checks';
import type { RunSettings } from './options';
import { keySetName, type TablePlan } from './plan';
import { processTable, type TableOutcome } from './process-table';
import type { QuarantineTally } from './quarantine';

/** What every pass of a run reads from and goes by. */
export interface PassContext {
  source: LegacySource;
  pool: pg.Pool;
  converter: ChunkConverter;
  settings: RunSettings;
  /** counts what the pass quarantines (a dry run reports it from here) */
  tally: QuarantineTally;
  onProgress?: (event: ProgressEvent) => void;
}

export interface PassOptions {
  /** null: read, convert and check only */
  writer: BatchWriter | null;
  phase: ProgressEvent['phase'];
  /** tables already complete in the target: read nothing, load their keys from the target */
  checkpoints?: Map<string, Checkpoint>;
  onTable?: (plan: TablePlan, outcome: TableOutcome, status: TableReport['status']) => void;
}

type ParentKeys = Map<string, { table: string; columns: string[] }>;

/** The parent keys the pass's foreign keys point at, by key-set name. */
function parentKeys(plans: TablePlan[]): ParentKeys {
  const parents: ParentKeys = new Map();
  for (const plan of plans) {
    for (const fk of plan.target.foreignKeys) {
      parents.set(keySetName(fk.parentTable, fk.parentColumns), {
        table: fk.parentTable,
        columns: fk.parentColumns,
      });
    }
  }
  return parents;
}

/**
 * Parent key sets, accepted and quarantined: loaded from the target for parents outside the pass or started by an
 * earlier run, else filled as the pass reads.
 */
async function parentKeySets(
  pool: pg.Pool,
  parents: ParentKeys,
  plans: TablePlan[],
  checkpoints: PassOptions['checkpoints'],
): Promise<Pick<TableKeys, 'keySets' | 'quarantinedSets'>> {
  const keySets = new Map<string, Set<string>>();
  const quarantinedSets = new Map<string, Set<string>>();
  const planned = new Set(plans.map((plan) => plan.target.table));
  for (const [name, { table, columns }] of parents) {
    const fromTarget = !planned.has(table) || checkpoints?.has(table);
    keySets.set(name, fromTarget ? await loadKeySet(pool, table, columns) : new Set());
    quarantinedSets.set(name, fromTarget ? await loadQuarantinedKeySet(pool, table, columns) : new Set());
  }
  return { keySets, quarantinedSets };
}

/** The parent key sets a table fills: those of its own columns. */
function registersOf(plan: TablePlan, parents: ParentKeys): KeyRegister[] {
  return [...parents]
    .filter(([, parent]) => parent.table === plan.target.table)
    .map(([name, parent]) => ({
      name,
      indexes: parent.columns.map((column) => plan.columns.findIndex((c) => c.column === column)),
    }))
    .filter((register) => register.indexes.every((index) => index >= 0));
}

/** The unique keys a table has so far: those already in the target when it resumes. */
async function uniqueSets(pool: pg.Pool, plan: TablePlan, resumed: boolean): Promise<Set<string>[]> {
  if (!resumed) return plan.uniqueKeys.map(() => new Set<string>());
  return Promise.all(
    plan.uniqueKeys.map((key) =>
      loadKeySet(
        pool,
        plan.target.table,
        key.map((i) => plan.columns[i]!.column),
      ),
    ),
  );
}

function chunkFeed(
  context: PassContext,
  plans: TablePlan[],
  registers: Map<TablePlan, KeyRegister[]>,
  options: PassOptions,
): ChunkFeed {
  const { checkpoints } = options;
  const pending = plans.filter((plan) => !checkpoints?.get(plan.target.table)?.done);
  return new ChunkFeed(
    context.source,
    context.converter,
    pending.map((plan) => ({
      plan,
      keys: keySpecs(plan, registers.get(plan)!),
      after: checkpoints?.get(plan.target.table)?.lastRowid ?? 0n,
    })),
    {
      batchSize: context.settings.batchSize,
      wantRows: options.writer?.wantsRows ?? false,
      ahead: Math.max(2, context.settings.conversionThreads * 2),
    },
  );
}

/** One table of the pass: read from its checkpoint on, or taken as it is when an earlier run completed it. */
async function passTable(
  context: PassContext,
  options: PassOptions,
  plan: TablePlan,
  feed: ChunkFeed,
  keys: Omit<TableKeys, 'uniqueSets'>,
): Promise<{ outcome: TableOutcome; status: TableReport['status'] }> {
  const table = plan.target.table;
  const checkpoint = options.checkpoints?.get(table);
  if (checkpoint?.done)
    return { outcome: { checkpoint, orphans: 0, orphanSamples: [] }, status: 'already-migrated' };
  let total: number;
  try {
    total = context.source.countRows(table);
  } catch (error) {
    throw readFailure(error, context.source.path, table, checkpoint?.lastRowid ?? 0n);
  }
  const outcome = await processTable(context.source, {
    plan,
    feed,
    keys: { ...keys, uniqueSets: await uniqueSets(context.pool, plan, !!checkpoint) },
    writer: options.writer,
    concurrency: context.settings.concurrency,
    start: checkpoint ?? emptyCheckpoint(table),
    phase: options.phase,
    total,
    tally: context.tally,
    onProgress: context.onProgress,
  });
  return { outcome, status: checkpoint ? 'resumed' : 'migrated' };
}

/** One pass over the planned tables, parents first. Key sets of tables outside the pass come from the target. */
export async function runPass(
  context: PassContext,
  plans: TablePlan[],
  options: PassOptions,
): Promise<Map<string, TableOutcome>> {
  const parents = parentKeys(plans);
  const parentSets = await parentKeySets(context.pool, parents, plans, options.checkpoints);
  const registers = new Map(plans.map((plan) => [plan, registersOf(plan, parents)]));
  const feed = chunkFeed(context, plans, registers, options);
  const outcomes = new Map<string, TableOutcome>();
  try {
    for (const plan of plans) {
      const keys = { ...parentSets, registers: registers.get(plan)! };
      const { outcome, status } = await passTable(context, options, plan, feed, keys);
      outcomes.set(plan.target.table, outcome);
      options.onTable?.(plan, outcome, status);
    }
  } catch (error) {
    await feed.settle();
    throw error;
  }
  return outcomes;
}
