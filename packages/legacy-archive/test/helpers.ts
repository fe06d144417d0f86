import Database from 'better-sqlite3';
import pg from 'pg';
export { targetState } from '../src/testing';

export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Runs SQL on a legacy file (foreign keys off, as the legacy app ran). */
export function editLegacy(path: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path);
  db.pragma('foreign_keys = OFF');
  if (params.length > 0) db.prepare(sql).run(...params);
  else db.exec(sql);
  db.close();
}
