import { z } from 'zod';

/**
 * Request primitives of the legacy HTTP contract, shared by every feature's request schemas (api.md §1.2, §9 #18).
 */

export const MAX_INT4 = 2_147_483_647;

/** A path id like Flask's `<int:…>`: non-negative decimal digits (within PostgreSQL's INTEGER). */
export const idParam = z
  .string()
  .regex(/^\d+$/, 'expected a non-negative integer')
  .transform(Number)
  .refine((id) => id <= MAX_INT4, 'id out of range');

/** A JSON id (a row of an INTEGER key column): a non-negative integer within PostgreSQL's INTEGER. */
export const bodyId = z
  .number()
  .int('expected an integer')
  .min(0, 'must not be negative')
  .max(MAX_INT4, 'id out of range');

/** A JSON integer stored in or compared with an INTEGER column. */
export const int32 = z
  .number()
  .int('expected an integer')
  .min(-MAX_INT4 - 1)
  .max(MAX_INT4);

/** A strict integer query value (`?limit=10`); `-1` etc. allowed where the contract passes negatives through. */
export const queryInt = z
  .string()
  .regex(/^-?\d+$/, 'expected an integer')
  .transform(Number)
  .refine((n) => Math.abs(n) <= Number.MAX_SAFE_INTEGER, 'integer out of range');

/** Incoming flags, parsed strictly (§9 #18): true/false or 0/1. */
export const legacyBoolean = z
  .union([z.boolean(), z.literal(0), z.literal(1)], { error: 'expected true, false, 0 or 1' })
  .transform((value) => value === true || value === 1);

export const finiteNumber = z.number().refine(Number.isFinite, 'expected a finite number');

/**
 * The deepest JSON a request may carry (objects and arrays). The contract's deepest body (annotation tags with
 * scenario data) is a handful of levels; deeper input is refused before any recursive code sees it.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The longest text a request may put in an indexed column (PostgreSQL's btree refuses index rows over ~2.7 kB, with
 * 54000 "index row size exceeds maximum"). Names, tags, categories, URLs and ids are bounded by this.
 */
export const MAX_INDEXED_TEXT = 1000;

/** Text bound for an indexed column (see MAX_INDEXED_TEXT). */
export const indexedText = () => z.string().max(MAX_INDEXED_TEXT, `at most ${MAX_INDEXED_TEXT} characters`);

/**
 * True when the JSON text nests objects/arrays deeper than `maxDepth`. A linear scan of the raw bytes, so a body is
 * measured before JSON.parse or any recursive walk sees it (brackets inside strings do not count).
 */
export function jsonNestsDeeperThan(text: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const byte = text[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return false;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL (and encodeURIComponent) cannot take this text, or undefined when it can. */
export function unsafeTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

/**
 * The first problem in a request value (params, query or body): text PostgreSQL cannot store (NUL, lone
 * surrogates, in values and keys) or nesting deeper than MAX_JSON_DEPTH. Iterative, so any depth is safe to walk.
 * Answers `where.path: reason`, or undefined.
 */
export function findUnsafeInput(value: unknown, where: string): string | undefined {
  const stack: [unknown, string, number][] = [[value, where, 0]];
  while (stack.length) {
    const [current, path, depth] = stack.pop()!;
    if (typeof current === 'string') {
      const reason = unsafeTextReason(current);
      if (reason) return `${path}: ${reason}`;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `${path}: nested deeper than ${MAX_JSON_DEPTH} levels`;
    for (const [key, item] of Object.entries(current)) {
      const reason = unsafeTextReason(key);
      if (reason) return `${path}: a key ${reason}`;
      stack.push([item, `${path}.${key}`, depth + 1]);
    }
  }
  return undefined;
}
