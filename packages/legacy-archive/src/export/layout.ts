import Database from 'better-sqlite3';
import { MigrateError } from '../shared/errors';
import { LEGACY_LAYOUT_SQL } from './legacy-layout';

/** The legacy layout as tables (columns in their legacy order) and the index statements built after the load. */

export interface LegacyTableLayout {
  table: string;
  sql: string;
  columns: string[];
  /** INTEGER PRIMARY KEY AUTOINCREMENT: the column ids live in, with a sqlite_sequence row */
  autoincrement: string | null;
  /** the columns the legacy table keys its rows by, for a stable read order */
  primaryKey: string[];
}

export interface LegacyLayout {
  tables: LegacyTableLayout[];
  indexes: { name: string; table: string; sql: string }[];
}

const CREATE_TABLE = /^CREATE TABLE (\w+)/;
const CREATE_INDEX = /^CREATE INDEX (\w+) ON (\w+)/;

/** Reads the layout's columns from SQLite itself (an in-memory database built from the same statements). */
function describeTables(tableSql: { table: string; sql: string }[]): LegacyTableLayout[] {
  const db = new Database(':memory:');
  try {
    return tableSql.map(({ table, sql }) => {
      db.exec(sql);
      const info = db.prepare('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid').all(table) as {
        name: string;
        pk: number;
      }[];
      const primaryKey = info
        .filter((column) => column.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((column) => column.name);
      return {
        table,
        sql,
        columns: info.map((column) => column.name),
        autoincrement: /AUTOINCREMENT/i.test(sql) && primaryKey.length === 1 ? primaryKey[0]! : null,
        primaryKey,
      };
    });
  } finally {
    db.close();
  }
}

let cached: LegacyLayout | undefined;

export function legacyLayout(): LegacyLayout {
  if (cached) return cached;
  const tables: { table: string; sql: string }[] = [];
  const indexes: LegacyLayout['indexes'] = [];
  for (const sql of LEGACY_LAYOUT_SQL) {
    const table = CREATE_TABLE.exec(sql);
    const index = CREATE_INDEX.exec(sql);
    if (table) tables.push({ table: table[1]!, sql });
    else if (index) indexes.push({ name: index[1]!, table: index[2]!, sql });
    else throw new MigrateError('schema', `unexpected statement in the legacy layout: ${sql.slice(0, 40)}`);
  }
  cached = { tables: describeTables(tables), indexes };
  return cached;
}
