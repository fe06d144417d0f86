import { isUtf8 } from 'node:buffer';
import Database from 'better-sqlite3';
import type { ScalarType } from '@groundtruth/db';
import { convertValue } from '../src/import/convert/values';
import { canonicalJson } from '../src/shared/checksum';
import { ConversionError } from '../src/shared/errors';
import { quoteIdent } from '../src/shared/sql';

/** Reading legacy files back for the round-trip tests: every row of every table, value by value. */

export interface StoredValue {
  /** SQLite's storage class: integer, real, text, blob, null */
  kind: string;
  /** numbers as SQLite holds them (integers as bigint); text and blobs as their bytes */
  value: bigint | number | Buffer | null;
}

/** Every row of a table by rowid, each value with its storage class and exact bytes. */
export function storedRows(file: string, table: string): Map<bigint, Map<string, StoredValue>> {
  const db = new Database(file, { readonly: true });
  try {
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
    const select = columns
      .map(
        (c) =>
          `typeof(${quoteIdent(c)}), CASE WHEN typeof(${quoteIdent(c)}) IN ('text', 'blob') THEN CAST(${quoteIdent(c)} AS BLOB) ELSE ${quoteIdent(c)} END`,
      )
      .join(', ');
    const rows = new Map<bigint, Map<string, StoredValue>>();
    for (const raw of db
      .prepare(`SELECT rowid, ${select} FROM ${quoteIdent(table)}`)
      .raw(true)
      .safeIntegers(true)
      .iterate() as Iterable<unknown[]>) {
      const row = new Map<string, StoredValue>();
      columns.forEach((column, i) =>
        row.set(column, { kind: raw[1 + 2 * i] as string, value: raw[2 + 2 * i] as StoredValue['value'] }),
      );
      rows.set(raw[0] as bigint, row);
    }
    return rows;
  } finally {
    db.close();
  }
}

export function tableColumns(file: string, table: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
  } finally {
    db.close();
  }
}

export function tableNames(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}

/** What the import makes of a stored value (its own conversion; JSON canonical, as jsonb holds no key order). */
export function imported(type: ScalarType, stored: StoredValue): unknown {
  if (stored.value === null) return null;
  try {
    const value = convertValue(type, stored.value);
    return type === 'Json' && typeof value === 'string' ? canonicalJson(value) : value;
  } catch (error) {
    if (error instanceof ConversionError) return { unconvertible: stored };
    throw error;
  }
}

/** A row keyed by its legacy id when it has one (a rowid-alias id), else by the values of its key columns. */
export function rowKey(row: Map<string, StoredValue>, keyColumns: string[]): string {
  return keyColumns.map((c) => String(row.get(c)?.value)).join('|');
}

export function sqliteMaster(
  file: string,
): { type: string; name: string; tbl_name: string; sql: string | null }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`)
      .all() as never;
  } finally {
    db.close();
  }
}

export function sqliteSequence(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[];
    return Object.fromEntries(rows.map((row) => [row.name, row.seq]));
  } finally {
    db.close();
  }
}

/**
 * A quarantined row as `_migrator_quarantine.row_data` can give it back: exact, except that the import keeps the
 * bytes of invalid UTF-8 only in the column that failed; in a row quarantined for another column, such text is
 * kept as SQLite decoded it (U+FFFD for each bad sequence), so that is what both sides are compared as.
 */
export function importedBytes(row: Map<string, StoredValue>): Map<string, StoredValue> {
  return new Map(
    [...row].map(([column, stored]) => [
      column,
      stored.kind === 'text' && Buffer.isBuffer(stored.value) && !isUtf8(stored.value)
        ? { kind: 'text', value: Buffer.from(stored.value.toString('utf8')) }
        : stored,
    ]),
  );
}
