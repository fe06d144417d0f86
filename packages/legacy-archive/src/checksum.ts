import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ScalarType } from '@groundtruth/db';
import type { Value } from './convert';
import { quoteIdent } from './target';

/**
 * A row is checked in its COPY text form: the pipeline writes each value in exactly the text PostgreSQL's COPY TO
 * prints for it (timestamps without trailing zeros, t/f, COPY escapes), so the target side hashes the lines COPY
 * TO returns as they are. Only JSON (JSONB reorders keys and respaces) is normalized on both sides.
 */

const NULL_FIELD = '\\N';
const COPY_SPECIAL = /[\\\b\t\n\v\f\r]/;
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
};
const COPY_UNESCAPES: Record<string, string> = Object.fromEntries(
  Object.entries(COPY_ESCAPES).map(([char, escaped]) => [escaped[1]!, char]),
);

/** COPY text escaping, the same set PostgreSQL's COPY TO escapes. */
export function copyEscape(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\b\t\n\v\f\r]/g, (char) => COPY_ESCAPES[char]!) : text;
}

function copyUnescape(field: string): string {
  return field.includes('\\')
    ? field.replace(/\\(.)/g, (_, char: string) => COPY_UNESCAPES[char] ?? char)
    : field;
}

/**
 * A number as PostgreSQL prints a double: the same shortest round-trip digits as JavaScript, but in exponent form
 * (at least two exponent digits) when the decimal exponent is below -4 or at least 15, and -0 keeps its sign.
 */
export function pgFloat(value: number): string {
  const text = String(value);
  const magnitude = Math.abs(value);
  // JavaScript switches to exponent form below 1e-6 and from 1e21: only the ranges in between need rewriting
  if ((magnitude >= 1e-4 && magnitude < 1e15) || value === 0) return Object.is(value, -0) ? '-0' : text;
  if (!Number.isFinite(value)) return text;
  const exponential = value.toExponential();
  const e = exponential.indexOf('e');
  const exponent = Number(exponential.slice(e + 1));
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${exponential.slice(0, e)}e${exponent < 0 ? '-' : '+'}${digits}`;
}

/** A converted value in COPY text form, exactly as PostgreSQL's COPY TO prints it back. */
export function copyField(value: Value): string {
  if (value === null) return NULL_FIELD;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'string') return copyEscape(value);
  if (typeof value === 'number') return pgFloat(value);
  return String(value);
}

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

/**
 * Order-independent table checksum: per row a 64-bit hash of its line (two 32-bit multiplicative string hashes),
 * summed per half mod 2^32. An integrity check against lost or altered values, not a cryptographic one.
 */
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

/** Streams the target table with COPY TO and returns its row count and checksum over the given columns. */
export async function targetChecksum(
  pool: pg.Pool,
  table: string,
  columns: { column: string; type: ScalarType }[],
): Promise<{ rows: number; hash: bigint }> {
  const client = await pool.connect();
  const hash = new TableHash();
  let rows = 0;
  const normalizers = columns.map((column) => fieldNormalizer(column.type));
  const normalize = normalizers.some(Boolean)
    ? (line: string) => {
        const fields = line.split('\t');
        for (let i = 0; i < fields.length; i++) {
          const normalizer = normalizers[i];
          if (normalizer) fields[i] = normalizer(fields[i]!);
        }
        return fields.join('\t');
      }
    : undefined;
  const consume = (text: string, start: number, end: number) => {
    if (normalize) hash.add(normalize(text.slice(start, end)));
    else hash.addRange(text, start, end);
  };
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
        rows++;
        start = end + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest) {
      consume(rest, 0, rest.length);
      rows++;
    }
  } finally {
    client.release();
  }
  return { rows, hash: hash.value };
}
