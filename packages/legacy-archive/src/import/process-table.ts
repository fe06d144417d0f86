import { TableHash } from '../shared/checksum';
import { withoutLines } from '../shared/copy-text';
import { MigrateError } from '../shared/errors';
import type { ProgressEvent } from '../shared/report';
import { readFailure, type LegacySource } from '../shared/sqlite';
import type { Batch, BatchWriter, ConvertedChunk } from './batches';
import type { Checkpoint } from './bookkeeping';
import type { ChunkFeed } from './chunk-feed';
import { KeyChecks, type CheckedChunk, type TableKeys } from './key-checks';
import type { TablePlan } from './plan';
import type { QuarantineTally } from './quarantine';

/** One table of a pass, from its checkpoint on. */
export interface TableRun {
  plan: TablePlan;
  feed: ChunkFeed;
  keys: TableKeys;
  /** null: read, convert and check only */
  writer: BatchWriter | null;
  concurrency: number;
  start: Checkpoint;
  phase: ProgressEvent['phase'];
  total: number;
  tally: QuarantineTally;
  onProgress?: (event: ProgressEvent) => void;
}

export interface TableOutcome {
  checkpoint: Checkpoint;
  orphans: number;
  orphanSamples: string[];
}

/**
 * A value PostgreSQL refused: SQLSTATE data exceptions (22), a value nested too deep (54001), or Prisma's names for
 * them (P2000 too long, P2007 data validation, P2020 out of range, P2023 inconsistent column data).
 */
const REFUSED_VALUE =
  /\b(22[0-9A-Z]{3}|54001|P2000|P2007|P2020|P2023)\b|invalid input syntax|out of range for|unsupported Unicode escape|too long for the column/i;

/**
 * A batch PostgreSQL refused because of a value the conversion should have quarantined: named by table and rowid,
 * so the run stops with a message instead of a stack trace (the batch's transaction wrote nothing).
 */
function refusedBatch(error: unknown, batch: Batch): unknown {
  const { code, message = String(error) } = (error ?? {}) as { code?: string; message?: string };
  if (error instanceof MigrateError || !REFUSED_VALUE.test(`${code ?? ''} ${message}`)) return error;
  const reason = message.split('\n').filter(Boolean).pop() ?? message;
  return new MigrateError(
    'target',
    `PostgreSQL refused a value of ${batch.plan.target.table} in the batch up to rowid ${batch.checkpoint.lastRowid} (${reason.trim()}); nothing of that batch was written. This is a value the migrator should have quarantined: please report it`,
  );
}

/** Batches written up to `concurrency` at a time; each commits after the one before (BatchWriter's `previous`). */
class OrderedWrites {
  private previous: Promise<void> = Promise.resolve();
  private readonly inFlight: Promise<void>[] = [];

  constructor(
    private readonly writer: BatchWriter | null,
    private readonly concurrency: number,
  ) {}

  /** starts writing a batch, then waits while `concurrency` batches are in flight */
  async add(batch: Batch): Promise<void> {
    if (!this.writer) return;
    const write = this.writer.write(batch, this.previous).catch((error: unknown) => {
      throw refusedBatch(error, batch);
    });
    write.catch(() => undefined);
    this.previous = write;
    this.inFlight.push(write);
    if (this.inFlight.length >= this.concurrency) await this.inFlight.shift();
  }

  /** waits for every write still in flight, failed or not (after a failure) */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight);
  }

  async finish(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}

/** The chunk's converted rows, without those the checks turned away. */
function acceptedRows(chunk: ConvertedChunk, { rejected }: CheckedChunk): Pick<Batch, 'rows' | 'copyText'> {
  const rows = chunk.rows ?? [];
  if (rejected.length === 0) return { rows, copyText: chunk.copyText };
  const skip = new Set(rejected);
  return {
    rows: rows.filter((_, i) => !skip.has(i)),
    copyText: chunk.copyText.length > 0 ? withoutLines(chunk.copyText, rejected) : chunk.copyText,
  };
}

function progress(run: TableRun, state: Checkpoint, done: boolean): ProgressEvent {
  return {
    table: run.plan.target.table,
    phase: run.phase,
    read: state.read,
    total: run.total,
    written: state.written,
    quarantined: state.quarantined,
    seconds: state.seconds,
    done,
  };
}

/**
 * Reads one table from its checkpoint on in chunks of `batchSize` rows (converted ahead on the conversion threads),
 * checks keys in rowid order, and hands each chunk to the writer as one batch.
 */
export async function processTable(source: LegacySource, run: TableRun): Promise<TableOutcome> {
  const { plan } = run;
  const table = plan.target.table;
  const started = performance.now();
  const state: Checkpoint = { ...run.start, done: false };
  const hash = new TableHash(run.start.sourceHash);
  const checks = new KeyChecks(source, plan, run.keys, hash, run.start.lastRowid);
  const writes = new OrderedWrites(run.writer, run.concurrency);
  try {
    for (let last = false; !last;) {
      const next = run.feed.next(table);
      last = next.last;
      const chunk = await next.chunk;
      const checked = checks.check(chunk);
      state.read += chunk.read;
      state.quarantined += checked.quarantine.length;
      // a dry run writes nothing; verifying counts what the target should hold
      if (run.writer || run.phase === 'verify') state.written += chunk.converted - checked.rejected.length;
      run.tally.addAll(checked.quarantine);
      state.lastRowid = chunk.lastRowid;
      state.seconds = run.start.seconds + (performance.now() - started) / 1000;
      state.sourceHash = hash.value;
      const batch = { ...acceptedRows(chunk, checked), quarantine: checked.quarantine, plan };
      await writes.add({ ...batch, checkpoint: { ...state, done: last } });
      run.onProgress?.(progress(run, state, last));
    }
  } catch (error) {
    await writes.settle();
    throw readFailure(error, source.path, table, checks.lastRowid);
  }
  await writes.finish();
  const { orphans, orphanSamples } = checks;
  return { checkpoint: { ...state, sourceHash: hash.value, done: true }, orphans, orphanSamples };
}
