import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { requireDatabaseUrl, type Config } from '@groundtruth/config';
import { PrismaClient } from './generated/prisma/client';

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  statementTimeoutMs: number;
  /** Distinct SQL texts that get a named (server-side prepared) statement on each connection; 0 disables. */
  statementCacheSize: number;
  applicationName: string;
  /** Extra per-session settings (e.g. the migrator's synchronous_commit=off). */
  sessionSettings?: Record<string, string>;
  /** Prisma's compiled-query cache; 0 for clients whose queries never repeat (bulk createMany). */
  queryPlanCacheMaxSize?: number;
}

export function databaseOptionsFromConfig(config: Config, applicationName: string): DatabaseOptions {
  return {
    url: requireDatabaseUrl(config),
    poolMax: config.DATABASE_POOL_MAX,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: config.DATABASE_IDLE_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    statementCacheSize: config.DATABASE_STATEMENT_CACHE_SIZE,
    applicationName,
  };
}

export function createPool(options: DatabaseOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs,
    application_name: options.applicationName,
    // Sessions run in UTC: TIMESTAMP columns hold UTC wall-clock values, as in the legacy file.
    options: Object.entries({
      TimeZone: 'UTC',
      ...(options.statementTimeoutMs > 0 ? { statement_timeout: String(options.statementTimeoutMs) } : {}),
      ...options.sessionSettings,
    })
      .map(([name, value]) => `-c ${name}=${value}`)
      .join(' '),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

/** Names the first `size` distinct SQL texts so pg prepares them once per connection; the rest run unnamed. */
function boundedStatementNames(size: number): ((query: { sql: string }) => string) | undefined {
  if (size <= 0) return undefined;
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= size) return '';
    const name = `gt_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
    return name;
  };
}

export interface Database {
  prisma: PrismaClient;
  /** The pool Prisma runs on; for raw SQL and COPY beside Prisma. */
  pool: pg.Pool;
  close(): Promise<void>;
}

/** The one way to open the database: a pg pool and a Prisma client on top of it, closed together. */
export function createDatabase(options: DatabaseOptions): Database {
  const pool = createPool(options);
  const statementNameGenerator = boundedStatementNames(options.statementCacheSize);
  const adapter = new PrismaPg(pool, statementNameGenerator ? { statementNameGenerator } : undefined);
  const prisma = new PrismaClient({
    adapter,
    ...(options.queryPlanCacheMaxSize === undefined
      ? {}
      : { queryPlanCacheMaxSize: options.queryPlanCacheMaxSize }),
  });
  let closing: Promise<void> | undefined;
  return {
    prisma,
    pool,
    close: () =>
      (closing ??= (async () => {
        await prisma.$disconnect();
        await pool.end();
      })()),
  };
}

/** Reachability and migration state, for health endpoints. */
export async function checkDatabase(
  pool: pg.Pool,
): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  try {
    await pool.query('SELECT 1 FROM _prisma_migrations LIMIT 1');
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}
