import type { Value } from '../shared/values';
import type { Checkpoint } from './bookkeeping';
import type { TablePlan } from './plan';

/** What the conversion hands the key checks, and what the checks hand the writers. */

/** A legacy row that cannot go in as it is, as `_migrator_quarantine` keeps it. */
export interface QuarantinedRow {
  table_name: string;
  legacy_id: string | null;
  legacy_rowid: string;
  reason: string;
  row_data: Record<string, unknown>;
}

/** One rowid range of one table to read and convert: (after, upTo]; upTo null means to the end of the table. */
export interface ChunkRequest {
  plan: TablePlan;
  /** column indexes of each key the pipeline checks (foreign, unique and registered parent keys) */
  keys: number[][];
  after: bigint;
  upTo: bigint | null;
  /** also return the converted values (for a writer that wants rows, not COPY text) */
  wantRows: boolean;
}

/**
 * A range read and converted, not yet checked against other rows: every value converted (or the row quarantined
 * with the reason), the accepted rows as COPY lines with their hashes and key texts, in rowid order.
 */
export interface ConvertedChunk {
  read: number;
  lastRowid: bigint;
  /** per row read: index of its converted row (>= 0), or -(index into `failed`) - 1 */
  outcome: Int32Array;
  rowids: BigInt64Array;
  failed: QuarantinedRow[];
  /** converted rows' COPY lines, each ending in a newline (COPY escapes every other newline), UTF-8 encoded; empty when rows are wanted instead */
  copyText: Buffer;
  /** how many rows were converted (lines in copyText) */
  converted: number;
  /** two 32-bit halves per converted row (TableHash) */
  hashes: Uint32Array;
  /** keys.length key texts per converted row; null where a key column is NULL */
  keys: (string | null)[];
  rows: Value[][] | null;
}

/** Converted rows of one table, their quarantined neighbours and the checkpoint that commits with them. */
export interface Batch {
  plan: TablePlan;
  /** the rows as values, only for writers that want them */
  rows: Value[][];
  /** the rows in COPY text form, UTF-8 */
  copyText: Buffer;
  quarantine: QuarantinedRow[];
  checkpoint: Checkpoint;
}

/**
 * Writes a batch in one transaction together with its quarantine rows and checkpoint. `previous` is the commit of
 * the batch before: inserts run in parallel, commits happen in order, so committed batches are always a prefix.
 */
export interface BatchWriter {
  readonly wantsRows: boolean;
  write(batch: Batch, previous: Promise<void>): Promise<void>;
  close?(): Promise<void>;
}
