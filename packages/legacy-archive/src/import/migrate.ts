import { tableMetadata, type Database } from '@groundtruth/db';
import { connectTarget, lostConnection } from '../shared/postgres';
import { openSource, type LegacySource } from '../shared/sqlite';
import { readTargetSchema, type TargetTable } from '../shared/target-schema';
import type { BatchWriter } from './batches';
import { chunkConverter, type ChunkConverter } from './convert/threads';
import { restoreIndexes } from './deferred-indexes';
import { readBookkeeping } from './bookkeeping';
import { guardDroppedIndexes, refuseAnotherSource } from './guards';
import { load } from './load';
import { INDEX_BUILDERS, runSettings, type MigrateOptions, type RunSettings } from './options';
import { runPass, type PassContext } from './pass';
import { planTables, type Planned, type TablePlan } from './plan';
import { QuarantineTally, quarantineTally } from './quarantine';
import {
  migrationReport,
  tableResults,
  withSourceCheck,
  type MigrationReport,
  type TableResults,
} from './report';
import { verifyTable } from './verify';

function logPlan(log: (message: string) => void, { plans, missingTables }: Planned): void {
  for (const table of missingTables) log(`table ${table} is not in the legacy file: skipped`);
  for (const plan of plans) {
    if (plan.missingColumns.length > 0) {
      log(
        `${plan.target.table}: legacy file lacks ${plan.missingColumns.join(', ')}; the schema default applies`,
      );
    }
  }
}

/**
 * Connects to the target while a conversion thread checks the legacy file, then reads the target's schema and
 * plans the tables. Whatever an interrupted run left deferred is rebuilt first when this run may resume it.
 */
async function prepare(
  options: MigrateOptions,
  settings: RunSettings,
  source: LegacySource,
  converter: ChunkConverter,
  connected: (db: Database) => void,
): Promise<Planned & { db: Database; targets: TargetTable[] }> {
  const checked = converter.checkIntegrity();
  checked.catch(() => undefined);
  // a problem with the legacy file is reported first, even when the database is unreachable too
  const db = await connectTarget(options.databaseUrl, settings.concurrency + 2).catch(
    async (error: unknown) => {
      await checked;
      throw error;
    },
  );
  connected(db);
  if (settings.mode === 'migrate') refuseAnotherSource(await readBookkeeping(db.pool), source.fingerprint);
  if (await guardDroppedIndexes(db.pool, settings.mode === 'migrate' && !!options.resume)) {
    settings.log('rebuilding the indexes an interrupted run had dropped');
    await restoreIndexes(db.pool, INDEX_BUILDERS);
  }
  const targets = await readTargetSchema(db.pool, tableMetadata(db.prisma));
  const planned = planTables(source, targets, { tables: options.tables, skip: options.skip });
  logPlan(settings.log, planned);
  await checked;
  return { db, targets, ...planned };
}

/** The dry run and the verify-only mode: one pass that writes nothing, then (verify) each table against the target. */
async function checkOnly(context: PassContext, plans: TablePlan[]): Promise<TableResults> {
  const verify = context.settings.mode === 'verify';
  const outcomes = await runPass(context, plans, { writer: null, phase: verify ? 'verify' : 'check' });
  const tables = [];
  for (const plan of plans) {
    const outcome = outcomes.get(plan.target.table)!;
    const check = verify
      ? await verifyTable(context.pool, context.source, plan, outcome.checkpoint)
      : 'dry-run';
    tables.push({ plan, outcome, status: verify ? ('verified' as const) : ('dry-run' as const), check });
  }
  return withSourceCheck(tableResults(tables), context.source.changesSinceOpen());
}

/**
 * The import: legacy SQLite file → the migrated PostgreSQL target, then verification. Also the dry run (read,
 * convert and check, write nothing) and the verify-only mode (compare an existing target with the source).
 */
export async function migrate(options: MigrateOptions): Promise<MigrationReport> {
  const started = performance.now();
  const startedAt = new Date();
  const source = openSource(options.source);
  const settings = runSettings(options, source.journalMode);
  const converter = chunkConverter(source, settings.conversionThreads, settings.batchSize);
  let db: Database | undefined;
  let batchWriter: BatchWriter | undefined;
  try {
    const prepared = await prepare(options, settings, source, converter, (connected) => (db = connected));
    const tally = new QuarantineTally();
    const { pool } = prepared.db;
    const context = { source, pool, converter, settings, tally, onProgress: options.onProgress };
    const results =
      settings.mode === 'migrate'
        ? await load(context, options, prepared, (opened) => (batchWriter = opened))
        : await checkOnly(context, prepared.plans);
    const { source: sourcePath, databaseUrl } = options;
    const run = {
      source: sourcePath,
      databaseUrl,
      mode: settings.mode,
      writer: settings.writer,
      started,
      startedAt,
    };
    // a dry run counts what it found; otherwise the target's quarantine holds every run's rows
    const quarantined = settings.mode === 'dry-run' ? tally : await quarantineTally(pool);
    return migrationReport(run, results, prepared.missingTables, quarantined);
  } catch (error) {
    throw lostConnection(error);
  } finally {
    // after a failure, closing must not replace the failure with its own (a dead server, a dead thread)
    const quietly = (closing: Promise<unknown> | undefined) => closing?.catch(() => undefined);
    await quietly(converter.close());
    source.close();
    await quietly(batchWriter?.close?.());
    await quietly(db?.close());
  }
}
