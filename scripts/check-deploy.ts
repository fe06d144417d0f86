// pnpm deploy:check — the api and worker images, checked without a container engine. Builds each app's folder
// with scripts/deploy-app.sh (the very script docker/Dockerfile runs), checks that every npm package the bundle
// requires and the ffmpeg/ffprobe binaries come from that folder, then starts each with plain `node dist/main.js`
// (cwd = the folder, NODE_ENV=production) against a fresh, migrated database and a unique Redis prefix: the api
// must answer /api/health ok, report the npm-shipped media tools and accept an upload; the worker must log that it
// started. Both get SIGTERM and must exit 0. The database, Redis keys and folders are removed even on failure.
//
// PostgreSQL: TEST_DATABASE_URL (a user that may create databases), else postgresql://postgres@127.0.0.1:5432/postgres.
// Redis: REDIS_URL, else redis://127.0.0.1:6379. DEPLOY_CHECK_KEEP=1 keeps the deployed folders.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations } from '@groundtruth/db/migrations';
import { databaseUrl, dropDatabase, quoteIdentifier, withAdminClient } from '@groundtruth/db/testing';
import { freePort } from '@groundtruth/devstack';
import {
  ADMIN_URL,
  APPS,
  CheckFailed,
  fail,
  KEEP_FOLDERS,
  REDIS_URL,
  runQuietly,
  step,
  timings,
} from './deploy/common';
import { type DeployedFolder, inspectDeployedFolder } from './deploy/inspect-folder';
import {
  type HealthBody,
  type RunningApp,
  checkSystemStatus,
  checkUpload,
  deleteRedisKeys,
  getJson,
  logLine,
  startApp,
  stop,
  waitFor,
} from './deploy/run-app';

async function main(): Promise<void> {
  const started = performance.now();
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  // Node looks for node_modules in every parent folder: one there would hide a dependency the folder lacks.
  for (let parent = os.tmpdir(); ; parent = path.dirname(parent)) {
    if (existsSync(path.join(parent, 'node_modules'))) {
      fail(`${parent}/node_modules exists: it would mask missing dependencies of the deployed folders`);
    }
    if (parent === path.dirname(parent)) break;
  }
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'gt-deploy-check-'));
  const database = `gt_deploy_check_${runId}`;
  const queuePrefix = `gt-deploy-check-${runId}`;
  const running: RunningApp[] = [];
  let databaseCreated = false;

  const removeEverything = async (): Promise<void> => {
    for (const app of running) {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    }
    await Promise.all(running.map((app) => app.exited));
    const problems: string[] = [];
    if (databaseCreated) {
      await dropDatabase(ADMIN_URL, database).catch((error: Error) => problems.push(error.message));
    }
    await deleteRedisKeys(queuePrefix).catch((error: Error) => problems.push(`redis: ${error.message}`));
    if (KEEP_FOLDERS) console.log(`deploy:check: kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
    if (problems.length) console.error(`deploy:check: cleanup: ${problems.join('; ')}`);
  };
  let cleanedUp: Promise<void> | undefined;
  const cleanup = () => (cleanedUp ??= removeEverything());
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`deploy:check: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const folders: DeployedFolder[] = [];
    for (const app of APPS) {
      const dir = path.join(workDir, app);
      await step(`build and deploy ${app} (scripts/deploy-app.sh)`, () =>
        runQuietly('bash', ['scripts/deploy-app.sh', app, dir]),
      );
      folders.push({ app, dir, bundle: path.join(dir, 'dist', 'main.js') });
    }
    const [apiFolder, workerFolder] = folders as [DeployedFolder, DeployedFolder];
    const apiTools = await step('inspect api folder', () => inspectDeployedFolder(apiFolder));
    await step('inspect worker folder', () => inspectDeployedFolder(workerFolder));

    const url = databaseUrl(ADMIN_URL, database);
    await step('create the database and apply the deployed migrations', async () => {
      await withAdminClient(ADMIN_URL, (client) =>
        client.query(`CREATE DATABASE ${quoteIdentifier(database)}`),
      );
      databaseCreated = true;
      const applied = await applyMigrations(url, path.join(apiFolder.dir, 'prisma', 'migrations'));
      console.log(`  ${applied.length} migrations applied to ${database}`);
    });

    const mediaDir = path.join(workDir, 'media');
    const dirs = { DOWNLOADS_DIR: 'downloads', THUMBNAILS_DIR: 'thumbnails', EXPORTS_DIR: 'exports' };
    const mediaEnv = Object.fromEntries(
      Object.entries(dirs).map(([key, name]) => [key, path.join(mediaDir, name)]),
    );
    for (const dir of Object.values(mediaEnv)) mkdirSync(dir, { recursive: true });
    const appEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: mediaDir,
      NODE_ENV: 'production',
      // production refuses the legacy default secret
      GROUNDTRUTH_ENCRYPTION_SECRET: randomBytes(16).toString('hex'),
      LOG_LEVEL: 'info',
      DATABASE_URL: url,
      REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      ...mediaEnv,
    };

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = await step('start api, wait for /api/health ok', async () => {
      const app = startApp('api', apiFolder.dir, {
        ...appEnv,
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
      });
      running.push(app);
      const health = await waitFor(app, '/api/health', async () => {
        const response = await getJson(`${baseUrl}/api/health`);
        return response?.status === 200 ? (response.body as HealthBody) : undefined;
      });
      if (health.status !== 'ok' || !health.database?.ok || health.queue?.backend !== 'redis') {
        fail(`api: /api/health answered ${JSON.stringify(health)}`);
      }
      console.log(`  api: ${JSON.stringify(health)}`);
      return app;
    });
    await step('api: media tools in /api/system/status', () => checkSystemStatus(baseUrl, apiFolder.dir));
    await step('api: upload a video (ffprobe, ffmpeg, PostgreSQL)', () =>
      checkUpload(baseUrl, apiTools.ffmpeg, mediaDir, mediaEnv.THUMBNAILS_DIR!),
    );

    const worker = await step('start worker, wait for "worker started"', async () => {
      const app = startApp('worker', workerFolder.dir, appEnv);
      running.push(app);
      const started = await waitFor(app, '"worker started"', async () =>
        logLine(app.output(), 'worker started'),
      );
      if (started.ok !== true || started.backend !== 'redis') {
        fail(`worker: started with ${JSON.stringify(started)}`);
      }
      console.log(`  worker: ${JSON.stringify({ backend: started.backend, queues: started.queues })}`);
      return app;
    });

    await step('SIGTERM api and worker, both exit 0', () => Promise.all([stop(api), stop(worker)]));
  } finally {
    await step('clean up', cleanup);
  }

  const total = (performance.now() - started) / 1000;
  console.log('\ndeploy:check passed');
  for (const { step: name, seconds } of timings) {
    console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${name}`);
  }
  console.log(`  ${total.toFixed(1).padStart(6)} s  total`);
}

main().catch((error: unknown) => {
  console.error(
    `\ndeploy:check FAILED: ${error instanceof CheckFailed ? error.message : String((error as Error).stack ?? error)}`,
  );
  process.exit(1);
});
