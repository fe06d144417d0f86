import type { LegacySource } from '../shared/sqlite';
import type { ConvertedChunk } from './batches';
import type { ChunkConverter } from './convert/threads';
import type { TablePlan } from './plan';

/** A table of a pass: its plan, the keys its conversion computes, and the rowid its next chunk starts after. */
export interface FeedTable {
  plan: TablePlan;
  keys: number[][];
  after: bigint;
}

/**
 * The chunks of a pass's tables in order, converted up to `ahead` at a time across table boundaries, so the
 * conversion threads keep working while the pipeline finishes one table and starts the next.
 */
export class ChunkFeed {
  private readonly queued: { table: string; chunk: Promise<ConvertedChunk>; last: boolean }[] = [];
  private current = 0;

  constructor(
    private readonly source: LegacySource,
    private readonly converter: ChunkConverter,
    private readonly tables: FeedTable[],
    private readonly options: { batchSize: number; wantRows: boolean; ahead: number },
  ) {}

  private fill(): void {
    while (this.queued.length < this.options.ahead && this.current < this.tables.length) {
      const entry = this.tables[this.current]!;
      const table = entry.plan.target.table;
      const upTo = this.source.rangeEnd(table, entry.after, this.options.batchSize);
      const chunk = this.converter.convert({
        plan: entry.plan,
        keys: entry.keys,
        after: entry.after,
        upTo,
        wantRows: this.options.wantRows,
      });
      chunk.catch(() => undefined);
      this.queued.push({ table, chunk, last: upTo === null });
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
