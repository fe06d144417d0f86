import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@groundtruth/db/testing';
export { targetState } from '../src/testing';

/** A test file's scratch folder and test databases, created as it needs them and removed after it. */
export function scratch(prefix: string) {
  let dir: string;
  const databases: TestDatabase[] = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.drop()));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    file: (name: string) => path.join(dir, name),
    async database(label: string, migrated = true): Promise<TestDatabase> {
      const db = await createTestDatabase(label, { migrated });
      databases.push(db);
      return db;
    },
  };
}

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
