import * as convert from './convert';
import type { RawValue, Value } from './convert';
import * as checksum from './checksum';
import { ConversionError } from './errors';
import type { TablePlan } from './plan';
import type { LegacySource } from './source';
import type { QuarantinedRow } from './writers';

const LAST_ROWID = 2n ** 63n - 1n;
// taken once: tsx's CommonJS output reaches another module's functions through getters, ~5% of the hot loop
const { converterFor } = convert;
const { checksumLine, copyField, hashLine } = checksum;

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

/** A key as text: its columns' values joined by U+001E; null when any of them is NULL. */
export function keyOf(row: Value[], indexes: number[]): string | null {
  let key = '';
  for (let i = 0; i < indexes.length; i++) {
    const value = row[indexes[i]!];
    if (value === null || value === undefined) return null;
    key += i === 0 ? String(value) : `\u001e${String(value)}`;
  }
  return key;
}

function jsonable(raw: RawValue): unknown {
  if (raw === null) return null;
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : String(raw);
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const text = bytes.toString('utf8');
  if (!bytes.includes(0) && Buffer.from(text, 'utf8').equals(bytes)) return text;
  return { base64: bytes.toString('base64') };
}

/** The whole legacy row, as JSON, with why it could not go in. */
export function quarantineEntry(plan: TablePlan, raw: RawValue[], reason: string): QuarantinedRow {
  const rowid = raw[0] as bigint;
  const rowData: Record<string, unknown> = {};
  plan.columns.forEach((column, i) => (rowData[column.column] = jsonable(raw[i + 1] ?? null)));
  return {
    table_name: plan.target.table,
    legacy_id: plan.idIndex >= 0 ? String(raw[plan.idIndex + 1] ?? '') || null : `rowid ${rowid}`,
    legacy_rowid: rowid.toString(),
    reason,
    row_data: rowData,
  };
}

function grow<T extends Int32Array | BigInt64Array | Uint32Array>(array: T, length: number): T {
  const larger = new (array.constructor as new (length: number) => T)(length);
  larger.set(array as never);
  return larger;
}

/** One legacy row as read, for a row the checks turn away after conversion. */
export function readRawRow(source: LegacySource, plan: TablePlan, rowid: bigint): RawValue[] {
  const rows = source.db
    .prepare(plan.selectSql)
    .raw(true)
    .safeIntegers(true)
    .all(rowid - 1n, rowid) as RawValue[][];
  return rows[0]!;
}

/**
 * Reads a rowid range and converts each value against its column's Prisma type. Runs on a conversion thread or
 * inline; either way the pipeline then checks keys in rowid order.
 */
export function convertChunk(source: LegacySource, request: ChunkRequest): ConvertedChunk {
  const { plan, keys: keySpecs } = request;
  const table = plan.target.table;
  const columns = plan.columns;
  const columnCount = columns.length;
  const types = columns.map((column) => column.type);
  const converters = types.map(converterFor);
  const hasJson = types.includes('Json');
  const missingReason =
    plan.requiredMissing.length > 0
      ? `the legacy table lacks required column(s) ${plan.requiredMissing.join(', ')} (NOT NULL, no default)`
      : null;
  const statement = source.db.prepare(plan.selectSql).raw(true).safeIntegers(true);
  // rows are taken one at a time, so each dies young (a chunk read whole would outlive the young generation)
  let outcome = new Int32Array(256);
  let rowids = new BigInt64Array(256);
  const failed: QuarantinedRow[] = [];
  let hashes = new Uint32Array(512);
  const keys: (string | null)[] = [];
  const rows: Value[][] | null = request.wantRows ? [] : null;
  let text = '';
  let read = 0;
  let converted = 0;
  const values: Value[] = new Array<Value>(columnCount);
  for (const raw of statement.iterate(request.after, request.upTo ?? LAST_ROWID) as Iterable<RawValue[]>) {
    if (read === outcome.length) {
      outcome = grow(outcome, read * 2);
      rowids = grow(rowids, read * 2);
      hashes = grow(hashes, read * 4);
    }
    const r = read++;
    const rowid = raw[0] as bigint;
    rowids[r] = rowid;
    let reason = missingReason;
    let line = '';
    for (let i = 0; i < columnCount && !reason; i++) {
      const column = columns[i]!;
      let value = raw[i + 1] ?? null;
      let field: Value = null;
      if (value === null) {
        if (!column.nullable) reason = `column ${column.column}: NULL in a NOT NULL column`;
      } else {
        // text is read as text (fast); SQLite hands invalid UTF-8 over as U+FFFD, so only then look at the bytes
        if (typeof value === 'string' && value.includes('\uFFFD')) {
          const bytes = source.bytesOf(table, column.column, rowid);
          if (bytes) value = raw[i + 1] = bytes;
        }
        try {
          field = converters[i]!(value);
        } catch (error) {
          if (!(error instanceof ConversionError)) throw error;
          reason = `column ${column.column}: ${error.message}`;
        }
      }
      values[i] = field;
      line += i === 0 ? copyField(field) : `\t${copyField(field)}`;
    }
    if (reason) {
      outcome[r] = -failed.length - 1;
      failed.push(quarantineEntry(plan, raw, reason));
      continue;
    }
    hashLine(hasJson ? checksumLine(types, values) : line, hashes, converted * 2);
    if (rows) rows.push(values.slice());
    else text += `${line}\n`;
    for (const spec of keySpecs) keys.push(keyOf(values, spec));
    outcome[r] = converted++;
  }
  // its own ArrayBuffer (not Node's shared pool), so a conversion thread can transfer it
  const copyText = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  copyText.write(text);
  return {
    read,
    lastRowid: read > 0 ? rowids[read - 1]! : request.after,
    outcome: outcome.slice(0, read),
    rowids: rowids.slice(0, read),
    failed,
    copyText,
    converted,
    hashes: hashes.slice(0, converted * 2),
    keys,
    rows,
  };
}
