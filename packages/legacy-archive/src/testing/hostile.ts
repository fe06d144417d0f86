import Database from 'better-sqlite3';
import { random } from './generate';

/** Values a legacy file can hold that no column type takes as they are, or only just: for property tests. */

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const text = (bytes: number[]) => ({ bytesAsText: Buffer.from(bytes) });

/** Each entry is bound as it is; `bytesAsText` is stored as TEXT with exactly those bytes (any encoding). */
type Hostile = unknown;

const HOSTILE: Hostile[] = [
  // storage classes and integer extremes
  null,
  0,
  -1,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  // doubles: the largest, the smallest subnormal, fractions where integers go
  1.7976931348623157e308,
  -1.7976931348623157e308,
  5e-324,
  2.2250738585072014e-308,
  0.1,
  10.5,
  1e-7,
  123456789012345.67,
  1e20,
  // text: padding, Unicode digits and spaces, NUL, flags in words, specials COPY escapes
  '',
  ' ',
  '\u00a03',
  '3\u2007',
  '\u0663',
  ' 42 ',
  '10.0',
  '1e5',
  '99999999999999999999',
  'true',
  'TRUE ',
  'yes',
  'a\u0000b',
  'caf\u00e9 \u{1f600}',
  '"quoted"\t\n\\ back\\slash \r\b\f\v',
  'x'.repeat(5000),
  // JSON: lone surrogates, \u0000, nesting, numbers JavaScript or NUMERIC cannot hold as written
  '{"a": "\\ud800"}',
  '["\\udc00"]',
  '["\\ud83d\\ude00", "\\\\u0000"]',
  '{"a": "\\u0000"}',
  deep(5000),
  deep(999),
  '{"n": 1.0, "e": 1E+2, "m": -0}',
  '[12345678901234567890, 0.1, 1e-7]',
  '{"a": 1, "a": 2}',
  '[1e400]',
  '[1e131072]',
  'null',
  '"str"',
  '{bad json',
  // timestamps in every form
  1700000000,
  1700000000123,
  1700000000.25,
  20250101,
  '20250101',
  -1.5,
  '2026-01-20 01:50:58.1234567',
  '2026-02-30 00:00:00',
  '2026-01-20T03:50:58+02:00',
  '2026-01-20T01:50:58.5Z',
  '\u00a02026-01-20 01:50:58',
  '0001-01-01 00:00:00',
  '9999-12-31 23:59:59',
  '10000-01-01 00:00:00',
  // encodings: invalid UTF-8, CESU-8 surrogates, overlong forms, NUL bytes; blobs
  text([0x63, 0x61, 0x66, 0xff]),
  text([0xed, 0xa0, 0x80]),
  text([0xc0, 0xaf]),
  text([0x61, 0x00, 0x62]),
  text([0xef, 0xbf, 0xbd]),
  Buffer.from('blob'),
  Buffer.from([0x00, 0x01, 0xff]),
];

/** Legacy TEXT columns that hold JSON (JSONB in the target): a column kind of their own here. */
const JSON_COLUMNS = new Set(['details', 'metadata', 'config_json', 'result_json', 'class_mapping']);

export interface HostileEdit {
  table: string;
  column: string;
  rowid: number;
  value: string;
}

/**
 * Overwrites `count` random values of a legacy file (any table, any column but the rowid alias) with hostile ones,
 * drawn from `seed`. An edit SQLite itself refuses (NOT NULL, UNIQUE) is left out: no legacy file can hold it.
 */
export function sprinkleHostileValues(path: string, seed: number, count: number): HostileEdit[] {
  const rand = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)]!;
  const db = new Database(path);
  db.pragma('foreign_keys = OFF');
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  // columns by kind (declared type, or JSON), so that every kind is hit as often, however few columns it has
  const kinds = new Map<string, { table: string; column: string; rowids: number[] }[]>();
  for (const table of tables) {
    const rowids = db.prepare(`SELECT rowid FROM "${table}" ORDER BY rowid`).pluck().all() as number[];
    if (rowids.length === 0) continue;
    const columns = db.prepare('SELECT name, type, pk FROM pragma_table_info(?)').all(table) as {
      name: string;
      type: string;
      pk: number;
    }[];
    for (const column of columns.filter((c) => c.pk === 0)) {
      const kind = JSON_COLUMNS.has(column.name) ? 'JSON' : column.type.toUpperCase();
      kinds.set(kind, [...(kinds.get(kind) ?? []), { table, column: column.name, rowids }]);
    }
  }
  const kindNames = [...kinds.keys()].sort();
  const edits: HostileEdit[] = [];
  for (let i = 0; i < count; i++) {
    const { table, column, rowids } = pick(kinds.get(pick(kindNames))!);
    const rowid = pick(rowids);
    const value = pick(HOSTILE);
    const asText = value !== null && typeof value === 'object' && 'bytesAsText' in value;
    try {
      db.prepare(
        `UPDATE "${table}" SET "${column}" = ${asText ? 'CAST(? AS TEXT)' : '?'} WHERE rowid = ?`,
      ).run(asText ? (value as { bytesAsText: Buffer }).bytesAsText : value, rowid);
      const shown = asText
        ? `bytes ${(value as { bytesAsText: Buffer }).bytesAsText.toString('hex')}`
        : String(value);
      edits.push({ table, column, rowid, value: shown.length > 40 ? `${shown.slice(0, 37)}...` : shown });
    } catch {
      // a constraint of the legacy DDL refuses it: not a value a legacy file can hold
    }
  }
  db.close();
  return edits;
}
