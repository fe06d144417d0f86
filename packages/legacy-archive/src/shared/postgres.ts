import type pg from 'pg';
import { createDatabase, type Database, type DatabaseOptions } from '@groundtruth/db';
import { MigrateError } from './errors';

/** How every migrator connection pool is set up: the pipeline's and each writer thread's. */
export function migratorDatabaseOptions(url: string, poolMax: number): DatabaseOptions {
  return {
    url,
    poolMax,
    connectTimeoutMs: 5000,
    idleTimeoutMs: 10_000,
    statementTimeoutMs: 0,
    statementCacheSize: 100,
    applicationName: 'groundtruth-migrator',
    // every batch commits with its checkpoint: a server crash can lose the last batches, never split one
    sessionSettings: { synchronous_commit: 'off' },
  };
}

/** The database URL without its password, for messages and reports. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid URL>';
  }
}

/** A pool on the target, known to answer; a bad URL is a usage error, an unreachable server a target error. */
export async function connectTarget(url: string, poolMax: number): Promise<Database> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MigrateError('usage', `--database-url is not a URL: ${redactUrl(url)}`);
  }
  const db = createDatabase(migratorDatabaseOptions(url, poolMax));
  try {
    await db.pool.query('SELECT 1');
  } catch (error) {
    await db.close().catch(() => undefined);
    throw new MigrateError(
      'target',
      `cannot connect to PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}: ${(error as Error).message || String(error)}`,
    );
  }
  return db;
}

/** Runs `work` in one transaction on a client of the pool: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
