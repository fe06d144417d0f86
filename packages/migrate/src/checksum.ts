import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ScalarType } from '@groundtruth/db';
import type { Value } from './convert';
import { quoteIdent } from './target';

const MASK64 = (1n << 64n) - 1n;
const NULL_MARK = '\\N';

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

/** One converted value as the checksum sees it. */
export function normalizeValue(type: ScalarType, value: Value): string {
  if (value === null) return NULL_MARK;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (type === 'Json') return canonicalJson(value as string);
  return String(value);
}

/** A value as PostgreSQL's COPY text output shows it, normalized like normalizeValue. */
export function normalizeTargetText(type: ScalarType, text: string | null): string {
  if (text === null) return NULL_MARK;
  switch (type) {
    case 'Float':
    case 'Decimal':
      return String(Number(text));
    case 'Json':
      return canonicalJson(text);
    case 'DateTime': {
      const dot = text.indexOf('.');
      return dot < 0 ? `${text}.000000` : `${text.slice(0, dot + 1)}${text.slice(dot + 1).padEnd(6, '0')}`;
    }
    default:
      return text;
  }
}

/**
 * Order-independent table checksum: the sum (mod 2^64) of each row's 64-bit hash (two 32-bit multiplicative
 * string hashes; an integrity check against lost or altered values, not a cryptographic one).
 */
export function rowHash(normalized: string[]): bigint {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let v = 0; v < normalized.length; v++) {
    const text = normalized[v]!;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0x1f, 2654435761);
    h2 = Math.imul(h2 ^ 0x1f, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (BigInt(h2 >>> 0) << 32n) | BigInt(h1 >>> 0);
}

export function addHash(sum: bigint, hash: bigint): bigint {
  return (sum + hash) & MASK64;
}

function unescapeCopy(field: string): string | null {
  if (field === NULL_MARK) return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_, char: string) => {
    switch (char) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      default:
        return char;
    }
  });
}

/** Streams the target table with COPY TO and returns its row count and checksum over the given columns. */
export async function targetChecksum(
  pool: pg.Pool,
  table: string,
  columns: { column: string; type: ScalarType }[],
): Promise<{ rows: number; hash: bigint }> {
  const client = await pool.connect();
  let rows = 0;
  let hash = 0n;
  try {
    const list = columns.map((column) => quoteIdent(column.column)).join(', ');
    const stream = client.query(copyTo(`COPY ${quoteIdent(table)} (${list}) TO STDOUT`));
    let rest = '';
    const decoder = new StringDecoder('utf8');
    const consume = (line: string) => {
      const fields = line.split('\t');
      const normalized = columns.map((column, index) =>
        normalizeTargetText(column.type, unescapeCopy(fields[index] ?? '')),
      );
      hash = addHash(hash, rowHash(normalized));
      rows++;
    };
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) consume(line);
    }
    rest += decoder.end();
    if (rest) consume(rest);
  } finally {
    client.release();
  }
  return { rows, hash };
}
