// `pnpm dev`: the whole local stack on a machine with nothing but Node.
// Without DATABASE_URL an embedded PostgreSQL (data in .data/, kept between runs) serves the database; queues use
// Redis when REDIS_URL is set, else BullMQ's PostgreSQL backend on the same database.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { loadConfig } from '@groundtruth/config';
import { applyMigrations } from '@groundtruth/db/migrations';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@groundtruth/devstack';

const DEV_DATABASE = 'groundtruth';

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

async function videoCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM videos');
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  let embedded: EmbeddedPostgresHandle | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    console.log(`Starting embedded PostgreSQL (data in ${config.EMBEDDED_POSTGRES_DIR}) …`);
    embedded = await startEmbeddedPostgres({
      dataDir: config.EMBEDDED_POSTGRES_DIR,
      port: config.EMBEDDED_POSTGRES_PORT,
      persistent: true,
    });
    await ensureDatabase(embedded.adminUrl, DEV_DATABASE);
    databaseUrl = embedded.urlFor(DEV_DATABASE);
  }
  const applied = await applyMigrations(databaseUrl);
  console.log(
    applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date.',
  );

  const apiUrl = `http://localhost:${config.API_PORT}`;
  const empty = (await videoCount(databaseUrl)) === 0;
  console.log(
    [
      '',
      `  API          ${apiUrl}   (health: ${apiUrl}/api/health)`,
      `  Database     ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}${embedded ? '   (embedded)' : ''}`,
      `  Queues       ${config.REDIS_URL ? `Redis ${config.REDIS_URL}` : 'PostgreSQL (BullMQ backend, same database)'}`,
      '',
      ...(empty
        ? [
            '  The database holds no videos yet. To import a legacy archive, run in another terminal:',
            // the embedded server's URL is local and fixed; a DATABASE_URL of the user's own is already in the env
            `    ${embedded ? `DATABASE_URL='${databaseUrl}' ` : ''}pnpm migrate /path/to/video_archive.db`,
            '',
          ]
        : []),
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  const child = spawn('pnpm', ['exec', 'turbo', 'run', 'dev', '--filter=api', '--filter=worker'], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nStopping (${signal}) …`);
    child.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const code = await new Promise<number>((resolve) => child.on('exit', (exitCode) => resolve(exitCode ?? 0)));
  if (embedded) {
    await embedded.stop();
    console.log('Embedded PostgreSQL stopped.');
  }
  process.exit(stopping ? 0 : code);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
