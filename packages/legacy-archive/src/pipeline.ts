import type pg from 'pg';
import { createDatabase, rebuildDerivedTables, tableMetadata, type Database } from '@groundtruth/db';
import { TableHash, targetChecksum } from './checksum';
import { chunkConverter, type ChunkConverter } from './convert-threads';
import { MigrateError } from './errors';
import { deferIndexes, deferredCount, restoreIndexes, restoreTableIndexes } from './deferred';
import { keySetName, planTables, type TablePlan } from './plan';
import { quarantineEntry, readRawRow, type ConvertedChunk } from './rows';
import { openSource, quoteSqlite, sourceError, type LegacySource } from './source';
import {
  BOOKKEEPING_SQL,
  migratorDatabaseOptions,
  type Checkpoint,
  quoteIdent,
  readBookkeeping,
  readTargetSchema,
  resetSequences,
  type TargetTable,
} from './target';
import { createManyWriter } from './writer-threads';
import { copyWriter, type Batch, type BatchWriter, type QuarantinedRow, type WriterName } from './writers';

export interface MigrateOptions {
  /** the legacy SQLite file */
  source: string;
  databaseUrl: string;
  writer?: WriterName;
  batchSize?: number;
  /** batches in flight at once (inserts in parallel, commits in order) */
  concurrency?: number;
  /** worker threads of the createMany writer, each with its own Prisma client */
  writerThreads?: number;
  /** threads that read and convert rows ahead of the checks (0: on the main thread) */
  conversionThreads?: number;
  dryRun?: boolean;
  verifyOnly?: boolean;
  resume?: boolean;
  orphans?: 'quarantine' | 'fail';
  tables?: string[];
  /** legacy "table" or "table.column" names to leave behind on purpose */
  skip?: string[];
  onProgress?: (event: ProgressEvent) => void;
  onLog?: (message: string) => void;
}

export interface ProgressEvent {
  table: string;
  phase: 'migrate' | 'check' | 'verify';
  read: number;
  total: number;
  written: number;
  quarantined: number;
  seconds: number;
  done: boolean;
}

export interface TableReport {
  table: string;
  status: 'migrated' | 'resumed' | 'already-migrated' | 'missing-in-source' | 'dry-run' | 'verified';
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

export interface MigrationReport {
  source: string;
  target: string;
  mode: 'migrate' | 'dry-run' | 'verify';
  writer: WriterName;
  seconds: number;
  ok: boolean;
  read: number;
  written: number;
  quarantined: number;
  tables: TableReport[];
}

/** The database URL without its password, for messages and reports. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid URL>';
  }
}

/** Prisma's createMany slows down more than linearly with the rows per call; COPY likes large batches. */
export const DEFAULT_BATCH_SIZE: Record<WriterName, number> = { createMany: 500, copy: 5000 };
export const DEFAULT_WRITER_THREADS = 2;
/**
 * createMany's own threads are its bottleneck: its rows are converted on the main thread. For copy, one thread:
 * on two cores a second one gained 5–10% of wall time for ~60 MB more peak RSS (PostgreSQL needs the other core).
 */
export const DEFAULT_CONVERSION_THREADS: Record<WriterName, number> = { createMany: 0, copy: 1 };

/** Connections rebuilding indexes after the load (PostgreSQL adds its own parallel workers per build). */
const INDEX_BUILDERS = 2;

async function connectTarget(url: string, poolMax: number): Promise<Database> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MigrateError('usage', `--database-url is not a URL: ${redactUrl(url)}`);
  }
  const db = createDatabase(migratorDatabaseOptions(url, poolMax));
  try {
    await db.pool.query('SELECT 1');
  } catch (error) {
    await db.close().catch(() => undefined);
    throw new MigrateError(
      'target',
      `cannot connect to PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}: ${(error as Error).message || String(error)}`,
    );
  }
  return db;
}

async function loadKeySet(pool: pg.Pool, table: string, columns: string[]): Promise<Set<string>> {
  const key = columns.map((column) => `${quoteIdent(column)}::text`).join(' || chr(30) || ');
  const result = await pool.query<{ key: string | null }>(`SELECT ${key} AS key FROM ${quoteIdent(table)}`);
  return new Set(result.rows.flatMap((row) => (row.key === null ? [] : [row.key])));
}

interface TableRun {
  plan: TablePlan;
  feed: ChunkFeed;
  /** what the conversion computes per row: keySpecs(plan, registers) */
  keySpecs: number[][];
  writer: BatchWriter | null;
  concurrency: number;
  /** parent key sets by name; this table adds its accepted keys to the sets named in `registers` */
  keySets: Map<string, Set<string>>;
  registers: { name: string; indexes: number[] }[];
  uniqueSeeds: Set<string>[];
  start: Checkpoint;
  phase: ProgressEvent['phase'];
  total: number;
  onProgress?: (event: ProgressEvent) => void;
}

interface TableOutcome {
  checkpoint: Checkpoint;
  orphans: number;
  orphanSamples: string[];
}

/** COPY text without the given lines (ascending indexes); only a raw newline byte ends a line (COPY escapes others). */
function withoutLines(text: Buffer, lines: number[]): Buffer {
  const kept: Buffer[] = [];
  let keptFrom = 0;
  let lineStart = 0;
  let line = 0;
  for (const index of lines) {
    for (; line < index; line++) lineStart = text.indexOf(10, lineStart) + 1;
    kept.push(text.subarray(keptFrom, lineStart));
    keptFrom = text.indexOf(10, lineStart) + 1;
    lineStart = keptFrom;
    line++;
  }
  kept.push(text.subarray(keptFrom));
  return Buffer.concat(kept);
}

/** Where the next chunk of a table ends: `size` rows after `after`, or null for the rest of the table. */
function chunkEnd(source: LegacySource, plan: TablePlan, after: bigint, size: number): bigint | null {
  const end = source.db
    .prepare(
      `SELECT rowid FROM ${quoteSqlite(plan.target.table)} WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ?`,
    )
    .pluck()
    .safeIntegers(true)
    .get(after, size - 1) as bigint | undefined;
  return end ?? null;
}

/** The keys a table's conversion computes per row: its foreign keys, its unique keys, then the parent keys it registers. */
function keySpecs(plan: TablePlan, registers: { indexes: number[] }[]): number[][] {
  return [
    ...plan.foreignKeys.map((fk) => fk.indexes),
    ...plan.uniqueKeys,
    ...registers.map((register) => register.indexes),
  ];
}

/**
 * The chunks of a pass's tables in order, converted up to `ahead` at a time across table boundaries, so the
 * conversion threads keep working while the pipeline finishes one table and starts the next.
 */
class ChunkFeed {
  private readonly queued: { table: string; chunk: Promise<ConvertedChunk>; last: boolean }[] = [];
  private current = 0;

  constructor(
    private readonly source: LegacySource,
    private readonly converter: ChunkConverter,
    private readonly tables: { plan: TablePlan; keys: number[][]; after: bigint }[],
    private readonly options: { batchSize: number; wantRows: boolean; ahead: number },
  ) {}

  private fill(): void {
    while (this.queued.length < this.options.ahead && this.current < this.tables.length) {
      const entry = this.tables[this.current]!;
      const upTo = chunkEnd(this.source, entry.plan, entry.after, this.options.batchSize);
      const chunk = this.converter.convert({
        plan: entry.plan,
        keys: entry.keys,
        after: entry.after,
        upTo,
        wantRows: this.options.wantRows,
      });
      chunk.catch(() => undefined);
      this.queued.push({ table: entry.plan.target.table, chunk, last: upTo === null });
      if (upTo === null) this.current++;
      else entry.after = upTo;
    }
  }

  /** The next chunk of `table`; tables are consumed in the order the feed was given them. */
  next(table: string): { chunk: Promise<ConvertedChunk>; last: boolean } {
    this.fill();
    const item = this.queued.shift();
    if (item?.table !== table) throw new Error(`chunk feed: expected ${table}, next is ${item?.table}`);
    this.fill();
    return item;
  }

  /** waits for the conversions still running (after a failure) */
  async settle(): Promise<void> {
    await Promise.allSettled(this.queued.map((item) => item.chunk));
  }
}

/**
 * Reads one table from its checkpoint on in chunks of `batchSize` rows (converted ahead on the conversion threads),
 * checks keys in rowid order, and hands each chunk to the writer as one batch.
 */
async function processTable(source: LegacySource, run: TableRun): Promise<TableOutcome> {
  const { plan } = run;
  const table = plan.target.table;
  const started = performance.now();
  const state: Checkpoint = { ...run.start, done: false };
  const uniqueSets = run.uniqueSeeds;
  let orphans = 0;
  const orphanSamples: string[] = [];
  const hash = new TableHash(run.start.sourceHash);
  let previous: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  const emit = (done: boolean) =>
    run.onProgress?.({
      table,
      phase: run.phase,
      read: state.read,
      total: run.total,
      written: state.written,
      quarantined: state.quarantined,
      seconds: state.seconds,
      done,
    });

  const flush = async (batch: Omit<Batch, 'plan' | 'checkpoint'>, done: boolean) => {
    state.seconds = run.start.seconds + (performance.now() - started) / 1000;
    state.sourceHash = hash.value;
    if (run.writer) {
      const write = run.writer.write({ ...batch, plan, checkpoint: { ...state, done } }, previous);
      write.catch(() => undefined);
      previous = write;
      inFlight.push(write);
      if (inFlight.length >= run.concurrency) await inFlight.shift();
    }
    emit(done);
  };

  const { keySpecs } = run;
  const keyCount = keySpecs.length;
  const uniqueOffset = plan.foreignKeys.length;
  const registerOffset = uniqueOffset + plan.uniqueKeys.length;
  const parentSets = plan.foreignKeys.map((fk) => run.keySets.get(fk.parent));
  const registerSets = run.registers.map((register) => run.keySets.get(register.name)!);
  let lastRowid = run.start.lastRowid;
  try {
    for (let last = false; !last;) {
      const next = run.feed.next(table);
      last = next.last;
      const chunk = await next.chunk;
      const quarantine: QuarantinedRow[] = [];
      const rejected: number[] = [];
      for (let r = 0; r < chunk.read; r++) {
        const outcome = chunk.outcome[r]!;
        lastRowid = chunk.rowids[r]!;
        if (outcome < 0) {
          quarantine.push(chunk.failed[-outcome - 1]!);
          continue;
        }
        const keyBase = outcome * keyCount;
        let reason: string | null = null;
        let orphan = false;
        for (let f = 0; f < parentSets.length; f++) {
          const key = chunk.keys[keyBase + f]!;
          if (key !== null && !parentSets[f]?.has(key)) {
            reason = `orphan: ${plan.foreignKeys[f]!.description} = ${key.split('\u001e').join(',')} does not exist`;
            orphan = true;
            break;
          }
        }
        for (let k = 0; !reason && k < uniqueSets.length; k++) {
          const key = chunk.keys[keyBase + uniqueOffset + k]!;
          if (key !== null && uniqueSets[k]!.has(key)) {
            const names = plan.uniqueKeys[k]!.map((i) => plan.columns[i]!.column).join(',');
            reason = `duplicate of unique key (${names}) = ${key.split('\u001e').join(',')}`;
          }
        }
        if (reason) {
          if (orphan) {
            orphans++;
            if (orphanSamples.length < 10) orphanSamples.push(`${table} rowid ${lastRowid}: ${reason}`);
          }
          quarantine.push(quarantineEntry(plan, readRawRow(source, plan, lastRowid), reason));
          rejected.push(outcome);
          continue;
        }
        for (let k = 0; k < uniqueSets.length; k++) {
          const key = chunk.keys[keyBase + uniqueOffset + k]!;
          if (key !== null) uniqueSets[k]!.add(key);
        }
        for (let g = 0; g < registerSets.length; g++) {
          const key = chunk.keys[keyBase + registerOffset + g]!;
          if (key !== null) registerSets[g]!.add(key);
        }
        hash.addHash(chunk.hashes[outcome * 2]!, chunk.hashes[outcome * 2 + 1]!);
      }
      const { converted } = chunk;
      state.read += chunk.read;
      state.quarantined += quarantine.length;
      state.written += converted - rejected.length;
      state.lastRowid = chunk.lastRowid;
      let { copyText } = chunk;
      let rows = chunk.rows ?? [];
      if (rejected.length > 0) {
        const skip = new Set(rejected);
        if (copyText.length > 0) copyText = withoutLines(copyText, rejected);
        rows = rows.filter((_, i) => !skip.has(i));
      }
      await flush({ rows, copyText, quarantine }, last);
    }
  } catch (error) {
    await Promise.allSettled(inFlight);
    if (error instanceof MigrateError) throw error;
    if ((error as { code?: string }).code?.startsWith('SQLITE_')) {
      throw sourceError(source.path, table, lastRowid, error);
    }
    throw error;
  }
  await Promise.all(inFlight);
  return { checkpoint: { ...state, sourceHash: hash.value, done: true }, orphans, orphanSamples };
}

function emptyCheckpoint(table: string): Checkpoint {
  return {
    table,
    lastRowid: 0n,
    read: 0,
    written: 0,
    quarantined: 0,
    sourceHash: 0n,
    seconds: 0,
    done: false,
  };
}

function countRows(source: LegacySource, table: string): number {
  return Number(
    source.db
      .prepare(`SELECT count(*) FROM "${table.replace(/"/g, '""')}"`)
      .pluck()
      .safeIntegers(false)
      .get(),
  );
}

interface PassOptions {
  converter: ChunkConverter;
  converterThreads: number;
  writer: BatchWriter | null;
  batchSize: number;
  concurrency: number;
  phase: ProgressEvent['phase'];
  /** tables already complete in the target: read nothing, load their keys from the target */
  checkpoints?: Map<string, Checkpoint>;
  onProgress?: (event: ProgressEvent) => void;
  onTable?: (plan: TablePlan, outcome: TableOutcome, status: TableReport['status']) => void;
}

/** One pass over the planned tables, parents first. Key sets of tables outside the pass come from the target. */
async function runPass(source: LegacySource, pool: pg.Pool, plans: TablePlan[], options: PassOptions) {
  const needed = new Map<string, { table: string; columns: string[] }>();
  for (const plan of plans) {
    for (const fk of plan.target.foreignKeys) {
      needed.set(keySetName(fk.parentTable, fk.parentColumns), {
        table: fk.parentTable,
        columns: fk.parentColumns,
      });
    }
  }
  const keySets = new Map<string, Set<string>>();
  const planned = new Set(plans.map((plan) => plan.target.table));
  for (const [name, { table, columns }] of needed) {
    const fromTarget = !planned.has(table) || options.checkpoints?.has(table);
    keySets.set(name, fromTarget ? await loadKeySet(pool, table, columns) : new Set());
  }
  const registersOf = (plan: TablePlan) =>
    [...needed]
      .filter(([, parent]) => parent.table === plan.target.table)
      .map(([name, parent]) => ({
        name,
        indexes: parent.columns.map((column) => plan.columns.findIndex((c) => c.column === column)),
      }))
      .filter((register) => register.indexes.every((index) => index >= 0));
  const pending = plans
    .filter((plan) => !options.checkpoints?.get(plan.target.table)?.done)
    .map((plan) => {
      const registers = registersOf(plan);
      return { plan, registers, keys: keySpecs(plan, registers) };
    });
  const feed = new ChunkFeed(
    source,
    options.converter,
    pending.map(({ plan, keys }) => ({
      plan,
      keys,
      after: options.checkpoints?.get(plan.target.table)?.lastRowid ?? 0n,
    })),
    {
      batchSize: options.batchSize,
      wantRows: options.writer?.wantsRows ?? false,
      ahead: Math.max(2, options.converterThreads * 2),
    },
  );
  const outcomes = new Map<string, TableOutcome>();
  try {
    for (const plan of plans) {
      const table = plan.target.table;
      const checkpoint = options.checkpoints?.get(table);
      if (checkpoint?.done) {
        outcomes.set(table, { checkpoint, orphans: 0, orphanSamples: [] });
        options.onTable?.(plan, outcomes.get(table)!, 'already-migrated');
        continue;
      }
      const { registers, keys } = pending.find((entry) => entry.plan === plan)!;
      const uniqueSeeds = checkpoint
        ? await Promise.all(
            plan.uniqueKeys.map((key) =>
              loadKeySet(
                pool,
                table,
                key.map((i) => plan.columns[i]!.column),
              ),
            ),
          )
        : plan.uniqueKeys.map(() => new Set<string>());
      const outcome = await processTable(source, {
        plan,
        feed,
        keySpecs: keys,
        writer: options.writer,
        concurrency: options.concurrency,
        keySets,
        registers,
        uniqueSeeds,
        start: checkpoint ?? emptyCheckpoint(table),
        phase: options.phase,
        total: countRows(source, table),
        onProgress: options.onProgress,
      });
      outcomes.set(table, outcome);
      options.onTable?.(plan, outcome, checkpoint ? 'resumed' : 'migrated');
    }
  } catch (error) {
    await feed.settle();
    throw error;
  }
  return outcomes;
}

async function quarantineCount(pool: pg.Pool, table: string): Promise<number> {
  const exists = await pool.query<{ ok: boolean }>(
    `SELECT to_regclass('_migrator_quarantine') IS NOT NULL AS ok`,
  );
  if (!exists.rows[0]?.ok) return 0;
  const result = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM _migrator_quarantine WHERE table_name = $1`,
    [table],
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** Source rows = migrated + quarantined, and the checksums of the normalized values agree. */
async function verifyTable(pool: pg.Pool, plan: TablePlan, expected: Checkpoint): Promise<string> {
  const target = await targetChecksum(pool, plan.target.table, plan.columns);
  const quarantined = await quarantineCount(pool, plan.target.table);
  const problems: string[] = [];
  if (expected.read !== target.rows + quarantined) {
    problems.push(`source ${expected.read} rows ≠ target ${target.rows} + quarantined ${quarantined}`);
  } else if (expected.written !== target.rows) {
    problems.push(`expected ${expected.written} rows in the target, found ${target.rows}`);
  }
  if (target.hash !== expected.sourceHash) problems.push('content checksum differs');
  return problems.length === 0 ? 'ok' : `FAILED: ${problems.join('; ')}`;
}

async function nonEmptyTables(pool: pg.Pool, tables: TargetTable[]): Promise<string[]> {
  const result = await pool.query<{ name: string }>(
    tables
      .map((t) => `SELECT '${t.table}' AS name WHERE EXISTS (SELECT 1 FROM ${quoteIdent(t.table)})`)
      .join(' UNION ALL '),
  );
  return result.rows.map((row) => row.name);
}

function tableReport(
  plan: TablePlan,
  outcome: TableOutcome,
  status: TableReport['status'],
  check: string,
): TableReport {
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

/**
 * The migration: legacy SQLite file → the migrated PostgreSQL target, then verification. Also the dry run (read,
 * convert and check, write nothing) and the verify-only mode (compare an existing target with the source).
 */
export async function migrate(options: MigrateOptions): Promise<MigrationReport> {
  const started = performance.now();
  const writerName = options.writer ?? 'createMany';
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE[writerName];
  const concurrency = options.concurrency ?? 4;
  const log = options.onLog ?? (() => undefined);
  const mode = options.verifyOnly ? 'verify' : options.dryRun ? 'dry-run' : 'migrate';
  const source = openSource(options.source);
  // a WAL-mode file lets writers commit under readers: other connections could see another snapshot
  const threads =
    source.journalMode === 'wal' ? 0 : (options.conversionThreads ?? DEFAULT_CONVERSION_THREADS[writerName]);
  const converter = chunkConverter(source, threads, batchSize);
  const passOptions = { converter, converterThreads: threads };
  let db: Database | undefined;
  let writer: BatchWriter | undefined;
  try {
    const checked = converter.checkIntegrity();
    checked.catch(() => undefined);
    // a problem with the legacy file is reported first, even when the database is unreachable too
    db = await connectTarget(options.databaseUrl, concurrency + 2).catch(async (error: unknown) => {
      await checked;
      throw error;
    });
    const { pool, prisma } = db;
    if ((await deferredCount(pool)) > 0) {
      if (mode !== 'migrate' || !options.resume) {
        const unfinished = [...((await readBookkeeping(pool))?.checkpoints.values() ?? [])]
          .filter((checkpoint) => !checkpoint.done)
          .map((checkpoint) => checkpoint.table);
        throw new MigrateError(
          'refused',
          `an earlier run was interrupted${unfinished.length > 0 ? ` in ${unfinished.join(', ')}` : ''} before it rebuilt the indexes it had dropped: pass --resume to continue it`,
        );
      }
      log('rebuilding the indexes an interrupted run had dropped');
      await restoreIndexes(pool, INDEX_BUILDERS);
    }
    const targets = await readTargetSchema(pool, tableMetadata(prisma));
    const { plans, missingTables } = planTables(source, targets, {
      tables: options.tables,
      skip: options.skip,
    });
    for (const table of missingTables) log(`table ${table} is not in the legacy file: skipped`);
    for (const plan of plans) {
      if (plan.missingColumns.length > 0) {
        log(
          `${plan.target.table}: legacy file lacks ${plan.missingColumns.join(', ')}; the schema default applies`,
        );
      }
    }
    await checked;
    const reports: TableReport[] = [];
    const finish = (ok: boolean): MigrationReport => {
      const missing = missingTables.map((table): TableReport => ({
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
      }));
      const all = [...reports, ...missing];
      return {
        source: options.source,
        target: redactUrl(options.databaseUrl),
        mode,
        writer: writerName,
        seconds: Math.round((performance.now() - started) / 10) / 100,
        ok,
        read: all.reduce((sum, t) => sum + t.read, 0),
        written: all.reduce((sum, t) => sum + t.written, 0),
        quarantined: all.reduce((sum, t) => sum + t.quarantined, 0),
        tables: all,
      };
    };

    if (mode !== 'migrate') {
      const outcomes = await runPass(source, pool, plans, {
        ...passOptions,
        writer: null,
        batchSize,
        concurrency,
        phase: mode === 'verify' ? 'verify' : 'check',
        onProgress: options.onProgress,
      });
      let ok = true;
      for (const plan of plans) {
        const outcome = outcomes.get(plan.target.table)!;
        const check = mode === 'verify' ? await verifyTable(pool, plan, outcome.checkpoint) : 'dry-run';
        if (check.startsWith('FAILED')) ok = false;
        reports.push(tableReport(plan, outcome, mode === 'verify' ? 'verified' : 'dry-run', check));
      }
      return finish(ok);
    }

    const book = await readBookkeeping(pool);
    if (book && book.fingerprint !== source.fingerprint) {
      throw new MigrateError(
        'refused',
        `the target holds a migration of another legacy file (${book.sourcePath}); use an empty database`,
      );
    }
    if (!book) {
      const filled = await nonEmptyTables(pool, targets);
      if (filled.length > 0) {
        throw new MigrateError(
          'refused',
          `refusing to write into a non-empty database that no migrator run created (rows in: ${filled.join(', ')})`,
        );
      }
    }
    const checkpoints = book?.checkpoints ?? new Map<string, Checkpoint>();
    const interrupted = plans.filter((plan) => {
      const checkpoint = checkpoints.get(plan.target.table);
      return checkpoint && !checkpoint.done;
    });
    if (interrupted.length > 0 && !options.resume) {
      throw new MigrateError(
        'refused',
        `an earlier run was interrupted in ${interrupted.map((p) => p.target.table).join(', ')}: pass --resume to continue it`,
      );
    }
    if (book) {
      const untouched = plans.filter((plan) => !checkpoints.has(plan.target.table));
      const filled =
        untouched.length > 0
          ? await nonEmptyTables(
              pool,
              untouched.map((p) => p.target),
            )
          : [];
      if (filled.length > 0) {
        throw new MigrateError(
          'refused',
          `tables not written by the migrator already hold rows: ${filled.join(', ')}`,
        );
      }
    }

    if (options.orphans === 'fail') {
      const pending = plans.filter((plan) => !checkpoints.get(plan.target.table)?.done);
      const outcomes = await runPass(source, pool, pending, {
        ...passOptions,
        writer: null,
        batchSize,
        concurrency,
        phase: 'check',
        checkpoints: new Map([...checkpoints].filter(([, c]) => c.done)),
        onProgress: options.onProgress,
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

    await pool.query(BOOKKEEPING_SQL);
    const run = await pool.query<{ id: number }>(
      `INSERT INTO _migrator_runs (source_path, source_fingerprint, writer, status) VALUES ($1, $2, $3, 'running') RETURNING id`,
      [options.source, source.fingerprint, writerName],
    );
    const pending = plans.filter((plan) => !checkpoints.get(plan.target.table)?.done);
    await deferIndexes(
      pool,
      pending.map((plan) => plan.target.table),
      { keepPrimaryKeys: writerName === 'createMany' },
    );
    const writerThreads = options.writerThreads ?? DEFAULT_WRITER_THREADS;
    writer =
      writerName === 'copy'
        ? copyWriter(pool)
        : createManyWriter(options.databaseUrl, writerThreads, Math.ceil(concurrency / writerThreads) + 1);
    // Each loaded table gets its indexes rebuilt and is verified while the next tables load.
    const finished: { plan: TablePlan; outcome: TableOutcome; status: TableReport['status'] }[] = [];
    const checks: Promise<string>[] = [];
    try {
      await runPass(source, pool, plans, {
        ...passOptions,
        writer,
        batchSize,
        concurrency,
        phase: 'migrate',
        checkpoints,
        onProgress: options.onProgress,
        onTable: (plan, outcome, status) => {
          finished.push({ plan, outcome, status });
          const check = restoreTableIndexes(pool, plan.target.table).then(() =>
            verifyTable(pool, plan, outcome.checkpoint),
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
    const indexStarted = performance.now();
    const rebuilt = await restoreIndexes(pool, INDEX_BUILDERS);
    if (rebuilt > 0) {
      log(
        `rebuilt ${rebuilt} foreign keys and remaining indexes in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`,
      );
    }
    // triggers were off during the load: tables they maintain are refilled from the loaded data
    await rebuildDerivedTables(pool);
    await resetSequences(pool, targets);
    let ok = true;
    finished.forEach(({ plan, outcome, status }, index) => {
      const check = (results[index] as PromiseFulfilledResult<string>).value;
      if (check.startsWith('FAILED')) ok = false;
      reports.push(tableReport(plan, outcome, status, check));
    });
    await pool.query(`UPDATE _migrator_runs SET status = $2, finished_at = now() WHERE id = $1`, [
      run.rows[0]!.id,
      ok ? 'completed' : 'verification-failed',
    ]);
    return finish(ok);
  } finally {
    await converter.close();
    source.close();
    await writer?.close?.();
    await db?.close();
  }
}
