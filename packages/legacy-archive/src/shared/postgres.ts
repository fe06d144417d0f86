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

/**
 * A migrator pool (createDatabase) whose every client, checked out or idle, has an error listener: a server that
 * dies mid-run fails the query in flight (reported by lostConnection) instead of crashing the process with an
 * unhandled 'error' event.
 */
export function migratorDatabase(
  url: string,
  poolMax: number,
  extra: Partial<DatabaseOptions> = {},
): Database {
  const db = createDatabase({ ...migratorDatabaseOptions(url, poolMax), ...extra });
  db.pool.on('connect', (client) => client.on('error', () => undefined));
  return db;
}

/** SQLSTATE classes and socket codes of a connection that went away (57P0x: the server shut down or crashed). */
const LOST_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'P1001',
  'P1017',
]);
const LOST_MESSAGE =
  /connection terminated|terminating connection|server (?:has )?closed the connection|connection (?:is )?(?:closed|refused)|not queryable|ECONNRESET|ECONNREFUSED|EPIPE|can't reach database server|the database system is (?:shutting down|starting up|in recovery mode)/i;

/** The error as the user should see it when it means the connection to PostgreSQL was lost; else as it is. */
export function lostConnection(error: unknown): unknown {
  if (error instanceof MigrateError) return error;
  const { code, message = String(error) } = (error ?? {}) as { code?: string; message?: string };
  if (!(code !== undefined && LOST_CODES.has(code)) && !LOST_MESSAGE.test(message)) return error;
  const reason = message.split('\n').find((line) => LOST_MESSAGE.test(line)) ?? message.split('\n')[0];
  return new MigrateError(
    'target',
    `the connection to PostgreSQL was lost (${reason!.trim()}): what was committed is kept; run again with --resume to continue`,
  );
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
  const db = migratorDatabase(url, poolMax);
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
