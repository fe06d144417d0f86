import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../migrations';

/** The env keys global-setup hands to the test workers. */
export const ENV = {
  adminUrl: 'GT_TEST_ADMIN_URL',
  template: 'GT_TEST_TEMPLATE_DB',
  runId: 'GT_TEST_RUN_ID',
} as const;

function required(key: string): string {
  const value = process.env[key];
  if (!value) {
    throw new Error(`${key} is not set: run tests through jest with @groundtruth/db/testing/global-setup`);
  }
  return value;
}

/** The same server as `adminUrl`, another database. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export async function withAdminClient<T>(
  adminUrl: string,
  run: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The PostgreSQL server the benchmarks create their scratch databases on (its user may create databases). */
export function benchAdminUrl(): string {
  return (
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgresql://postgres@127.0.0.1:5432/postgres'
  );
}

/** A scratch benchmark database on `benchAdminUrl()`, with every migration applied; `drop()` removes it. */
export async function createBenchDatabase(label: string): Promise<TestDatabase> {
  const adminUrl = benchAdminUrl();
  const name = `gt_bench_${label}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  const url = databaseUrl(adminUrl, name);
  const drop = () => dropDatabase(adminUrl, name);
  try {
    await applyMigrations(url);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url, drop };
}

/** Creates the database unless it exists; true when it existed already (a benchmark database kept for reuse). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<boolean> {
  return withAdminClient(adminUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    return (found.rowCount ?? 0) > 0;
  });
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function uniqueName(label: string): string {
  const runId = process.env[ENV.runId] ?? 'adhoc';
  return `gt_test_${runId}_${label}_${randomBytes(4).toString('hex')}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database of this test run, already migrated (a copy of the run's template) or empty (`migrated: false`).
 * Call `drop()` in afterAll; global-teardown also removes whatever a crashed test left.
 */
export async function createTestDatabase(label = 'db', { migrated = true } = {}): Promise<TestDatabase> {
  const adminUrl = required(ENV.adminUrl);
  const name = uniqueName(label);
  const template = migrated ? required(ENV.template) : 'template0';
  await withAdminClient(adminUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`);
        return;
      } catch (error) {
        // Two clones of one template at the same instant: PostgreSQL says the source is busy; try again.
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
      }
    }
  });
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => dropDatabase(adminUrl, name),
  };
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
  );
}

/** A Redis key prefix no other test run or test file uses. */
export function uniqueRedisPrefix(label = 'q'): string {
  return uniqueName(label).replace(/_/g, '-');
}

/** Redis for tests: REDIS_URL when given (CI), else the default local server. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A file under the shared folder beside the repository (`../shared`), e.g. `fixtures/legacy/video_archive.db`. */
export function sharedPath(relative: string): string {
  const root = process.env.GT_SHARED_DIR ?? path.resolve(__dirname, '../../../../../shared');
  return path.join(root, relative);
}
