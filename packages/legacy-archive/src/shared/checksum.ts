import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ScalarType } from '@groundtruth/db';
import { copyEscape, copyField, copyUnescape, NULL_FIELD } from './copy-text';
import { quoteIdent } from './sql';
import type { Value } from './values';

/**
 * A row is checked in its COPY text form (copy-text.ts), so the target side hashes the lines COPY TO returns as
 * they are. Only JSON (JSONB reorders keys and respaces) is normalized on both sides.
 */

/** The row as the checksum sees it when JSON is involved: JSON canonical (JSONB keeps neither order nor spacing). */
export function checksumLine(types: ScalarType[], row: Value[]): string {
  return row
    .map((value, i) =>
      types[i] === 'Json' && value !== null ? copyEscape(canonicalJson(value as string)) : copyField(value),
    )
    .join('\t');
}

/** JSON with object keys sorted, so JSONB's own key order and spacing do not matter. */
export function canonicalJson(text: string): string {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, sort((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  return JSON.stringify(sort(JSON.parse(text)));
}

/** How the checksum sees a field of a column of this type, given its COPY text; undefined: as it is. */
export function fieldNormalizer(type: ScalarType): ((field: string) => string) | undefined {
  if (type === 'Json')
    return (field) => (field === NULL_FIELD ? field : copyEscape(canonicalJson(copyUnescape(field))));
  return undefined;
}

/** The 64-bit hash of one line (two 32-bit multiplicative string hashes), written into out[offset], out[offset+1]. */
export function hashLine(line: string, out: Uint32Array, offset: number): void {
  hashRange(line, 0, line.length, out, offset);
}

/** hashLine of text.slice(start, end), without making that string */
function hashRange(text: string, start: number, end: number, out: Uint32Array, offset: number): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[offset] = h1;
  out[offset + 1] = h2;
}

/**
 * Order-independent table checksum: per row the 64-bit hash of its line (hashLine), summed per half mod 2^32.
 * An integrity check against lost or altered values, not a cryptographic one.
 */
export class TableHash {
  private low = 0;
  private high = 0;
  private readonly pair = new Uint32Array(2);

  constructor(start = 0n) {
    this.low = Number(start & 0xffffffffn);
    this.high = Number((start >> 32n) & 0xffffffffn);
  }

  add(line: string): void {
    this.addRange(line, 0, line.length);
  }

  /** adds text.slice(start, end) as a line */
  addRange(text: string, start: number, end: number): void {
    hashRange(text, start, end, this.pair, 0);
    this.addHash(this.pair[0]!, this.pair[1]!);
  }

  /** adds a line hashed elsewhere (hashLine) */
  addHash(low: number, high: number): void {
    this.low = (this.low + low) % 0x100000000;
    this.high = (this.high + high) % 0x100000000;
  }

  get value(): bigint {
    return (BigInt(this.high) << 32n) | BigInt(this.low);
  }
}

/** Adds COPY TO lines to the hash, normalizing the fields of the columns that need it. */
function lineHasher(
  hash: TableHash,
  columns: { type: ScalarType }[],
): (text: string, start: number, end: number) => void {
  const normalizers = columns.map((column) => fieldNormalizer(column.type));
  if (!normalizers.some(Boolean)) return (text, start, end) => hash.addRange(text, start, end);
  return (text, start, end) => {
    const fields = text.slice(start, end).split('\t');
    for (let i = 0; i < fields.length; i++) {
      const normalizer = normalizers[i];
      if (normalizer) fields[i] = normalizer(fields[i]!);
    }
    hash.add(fields.join('\t'));
  };
}

/** Streams the target table's rows over `columns` with COPY TO, handing each line (text, start, end) to `consume`. */
async function streamLines(
  pool: pg.Pool,
  table: string,
  columns: { column: string }[],
  consume: (text: string, start: number, end: number) => void,
): Promise<void> {
  const client = await pool.connect();
  try {
    const list = columns.map((column) => quoteIdent(column.column)).join(', ');
    const stream = client.query(copyTo(`COPY ${quoteIdent(table)} (${list}) TO STDOUT`));
    let rest = '';
    const decoder = new StringDecoder('utf8');
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        consume(text, start, end);
        start = end + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest) consume(rest, 0, rest.length);
  } finally {
    client.release();
  }
}

/** Streams the target table with COPY TO and returns its row count and checksum over the given columns. */
export async function targetChecksum(
  pool: pg.Pool,
  table: string,
  columns: { column: string; type: ScalarType }[],
): Promise<{ rows: number; hash: bigint }> {
  const hash = new TableHash();
  const hashLineRange = lineHasher(hash, columns);
  let rows = 0;
  await streamLines(pool, table, columns, (text, start, end) => {
    hashLineRange(text, start, end);
    rows++;
  });
  return { rows, hash: hash.value };
}

/** Each target row's line hash ("low:high", as hashLine over the normalized line), by the text of column `keyIndex`. */
export async function targetLineHashes(
  pool: pg.Pool,
  table: string,
  columns: { column: string; type: ScalarType }[],
  keyIndex: number,
): Promise<Map<string, string>> {
  const normalizers = columns.map((column) => fieldNormalizer(column.type));
  const pair = new Uint32Array(2);
  const hashes = new Map<string, string>();
  await streamLines(pool, table, columns, (text, start, end) => {
    const fields = text.slice(start, end).split('\t');
    for (let i = 0; i < fields.length; i++) fields[i] = normalizers[i]?.(fields[i]!) ?? fields[i]!;
    hashLine(fields.join('\t'), pair, 0);
    hashes.set(copyUnescape(fields[keyIndex]!), `${pair[0]}:${pair[1]}`);
  });
  return hashes;
}
