import type { LegacySource } from '../../shared/sqlite';
import type { RawValue, Value } from '../../shared/values';
import * as checksum from '../../shared/checksum';
import * as copy from '../../shared/copy-text';
import { ConversionError } from '../../shared/errors';
import type { ChunkRequest, ConvertedChunk, QuarantinedRow } from '../batches';
import type { TablePlan } from '../plan';
import { quarantineEntry } from '../quarantine';
import * as values from './values';

// taken once: tsx's CommonJS output reaches another module's functions through getters, ~5% of the hot loop
const { converterFor } = values;
const { checksumLine, hashLine } = checksum;
const { copyField } = copy;

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

/** One row converted: its values and COPY line, or why it cannot go in. Reused from row to row. */
interface ConvertedRow {
  values: Value[];
  line: string;
  reason: string | null;
}

/** Converts a table's raw rows (rowid first) value by value against each column's Prisma type. */
function rowConverter(source: LegacySource, plan: TablePlan): (raw: RawValue[]) => ConvertedRow {
  const table = plan.target.table;
  const columns = plan.columns;
  const columnCount = columns.length;
  const converters = columns.map((column) => converterFor(column.type));
  const missingReason =
    plan.requiredMissing.length > 0
      ? `the legacy table lacks required column(s) ${plan.requiredMissing.join(', ')} (NOT NULL, no default)`
      : null;
  const row: ConvertedRow = { values: new Array<Value>(columnCount), line: '', reason: null };
  return (raw) => {
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
          const bytes = source.bytesOf(table, column.column, raw[0] as bigint);
          if (bytes) value = raw[i + 1] = bytes;
        }
        try {
          field = converters[i]!(value);
        } catch (error) {
          if (!(error instanceof ConversionError)) throw error;
          reason = `column ${column.column}: ${error.message}`;
        }
      }
      row.values[i] = field;
      line += i === 0 ? copyField(field) : `\t${copyField(field)}`;
    }
    row.line = line;
    row.reason = reason;
    return row;
  };
}

function grow<T extends Int32Array | BigInt64Array | Uint32Array>(array: T, length: number): T {
  const larger = new (array.constructor as new (length: number) => T)(length);
  larger.set(array as never);
  return larger;
}

/**
 * Reads a rowid range and converts each value against its column's Prisma type. Runs on a conversion thread or
 * inline; either way the pipeline then checks keys in rowid order.
 */
export function convertChunk(source: LegacySource, request: ChunkRequest): ConvertedChunk {
  const { plan, keys: keySpecs } = request;
  const types = plan.columns.map((column) => column.type);
  const hasJson = types.includes('Json');
  const convertRow = rowConverter(source, plan);
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
  for (const raw of source.readRange(plan.selectSql, request.after, request.upTo)) {
    if (read === outcome.length) {
      outcome = grow(outcome, read * 2);
      rowids = grow(rowids, read * 2);
      hashes = grow(hashes, read * 4);
    }
    const r = read++;
    rowids[r] = raw[0] as bigint;
    const row = convertRow(raw);
    if (row.reason) {
      outcome[r] = -failed.length - 1;
      failed.push(quarantineEntry(plan, raw, row.reason));
      continue;
    }
    hashLine(hasJson ? checksumLine(types, row.values) : row.line, hashes, converted * 2);
    if (rows) rows.push(row.values.slice());
    else text += `${row.line}\n`;
    for (const spec of keySpecs) keys.push(keyOf(row.values, spec));
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
