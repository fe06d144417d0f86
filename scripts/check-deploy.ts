// pnpm deploy:check — the api and worker images, checked without a container engine. Builds each app's folder
// with scripts/deploy-app.sh (the very script docker/Dockerfile runs), checks that every npm package the bundle
// requires and the ffmpeg/ffprobe binaries come from that folder, then starts each with plain `node dist/main.js`
// (cwd = the folder, NODE_ENV=production) against a fresh, migrated database and a unique Redis prefix: the api
// must answer /api/health ok, report the npm-shipped media tools and accept an upload; the worker must log that it
// started. Both get SIGTERM and must exit 0. The database, Redis keys and folders are removed even on failure.
//
// PostgreSQL: TEST_DATABASE_URL (a user that may create databases), else postgresql://postgres@127.0.0.1:5432/postgres.
// Redis: REDIS_URL, else redis://127.0.0.1:6379. DEPLOY_CHECK_KEEP=1 keeps the deployed folders.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { applyMigrations } from '@groundtruth/db/migrations';
import { databaseUrl, dropDatabase, quoteIdentifier, withAdminClient } from '@groundtruth/db/testing';
import { freePort } from '@groundtruth/devstack';

const REPO_ROOT = path.resolve(__dirname, '..');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEEP_FOLDERS = process.env.DEPLOY_CHECK_KEEP === '1';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

type AppName = 'api' | 'worker';
const APPS: AppName[] = ['api', 'worker'];
const MEDIA_TOOL_PACKAGES = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
} as const;
type MediaTool = keyof typeof MEDIA_TOOL_PACKAGES;

class CheckFailed extends Error {}

function fail(message: string): never {
  throw new CheckFailed(message);
}

const timings: { step: string; seconds: number }[] = [];

async function step<T>(name: string, run: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  process.stdout.write(`- ${name} ...\n`);
  try {
    return await run();
  } finally {
    const seconds = (performance.now() - started) / 1000;
    timings.push({ step: name, seconds });
    process.stdout.write(`  ${name}: ${seconds.toFixed(1)} s\n`);
  }
}

/** Runs a command to completion; its output is shown only when it fails. */
function runQuietly(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new CheckFailed(`${command} ${args.join(' ')} failed (${signal ?? code}):\n${output}`)),
    );
  });
}

/** Bytes of the files under a folder (apparent sizes: what an image layer holds). */
function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += lstatSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The bare module names the bundle leaves to node_modules (esbuild writes each external as `require("name")`). */
function bundleExternals(bundle: string): string[] {
  const names = new Set<string>();
  for (const match of readFileSync(bundle, 'utf8').matchAll(/\brequire\("([^"./][^"]*)"\)/g)) {
    const name = match[1]!;
    if (!isBuiltin(name)) names.add(name);
  }
  return [...names].sort();
}

interface DeployedFolder {
  app: AppName;
  dir: string;
  bundle: string;
}

interface Resolution {
  /** module name → resolved file, or null when node cannot find it */
  modules: Record<string, string | null>;
  /** media tool package → `{ path }` it exports, or the error requiring it gave */
  tools: Record<string, { path?: string; wrapper?: string; error?: string }>;
}

// Runs in a plain node child: the pnpm/tsx shims that start this script set NODE_PATH to the workspace's
// node_modules, which would make every package resolvable here.
const RESOLVE_FROM_BUNDLE = `
const { createRequire } = require('node:module');
const requireFromBundle = createRequire(process.argv[1]);
const modules = {}, tools = {};
for (const name of JSON.parse(process.argv[2])) {
  try { modules[name] = requireFromBundle.resolve(name); } catch { modules[name] = null; }
}
for (const name of JSON.parse(process.argv[3])) {
  try { tools[name] = { path: requireFromBundle(name).path, wrapper: requireFromBundle.resolve(name + '/package.json') }; }
  catch (error) { tools[name] = { error: String(error && error.message || error) }; }
}
process.stdout.write(JSON.stringify({ modules, tools }));
`;

function resolveFromBundle(bundle: string, modules: string[], tools: string[]): Resolution {
  const child = spawnSync(
    process.execPath,
    ['-e', RESOLVE_FROM_BUNDLE, bundle, JSON.stringify(modules), JSON.stringify(tools)],
    { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: path.dirname(bundle) } },
  );
  if (child.status !== 0) fail(`resolving from ${bundle} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Resolution;
}

/** The media tools' binaries, keyed by tool. */
type MediaToolPaths = Record<MediaTool, string>;

/**
 * What node finds from dist/main.js: every npm package the bundle requires, and ffmpeg/ffprobe as
 * @groundtruth/media finds them (required from the bundle's path), executable.
 */
function inspectDeployedFolder({ app, dir, bundle }: DeployedFolder): MediaToolPaths {
  const externals = bundleExternals(bundle);
  const toolPackages = Object.values(MEDIA_TOOL_PACKAGES);
  const resolution = resolveFromBundle(bundle, externals, toolPackages);
  const unresolved = externals.filter((name) => resolution.modules[name] === null);
  if (unresolved.length > 0) {
    fail(
      `${app}: dist/main.js requires ${unresolved.join(', ')}, which the deployed folder does not provide ` +
        `(a production dependency missing from apps/${app} or from a workspace package it uses)`,
    );
  }
  for (const name of externals) {
    const resolved = resolution.modules[name]!;
    if (!isInside(path.join(dir, 'node_modules'), resolved)) {
      fail(`${app}: ${name} resolved outside the deployed folder (${resolved})`);
    }
  }
  console.log(`  ${app}: all ${externals.length} npm packages the bundle requires resolve in the folder`);

  const paths = {} as MediaToolPaths;
  for (const [tool, packageName] of Object.entries(MEDIA_TOOL_PACKAGES) as [MediaTool, string][]) {
    const found = resolution.tools[packageName];
    if (!found?.path || !found.wrapper) {
      fail(`${app}: ${packageName} does not resolve from dist/main.js: ${found?.error ?? 'no path'}`);
    }
    const binary = found.path;
    if (!isInside(dir, binary)) fail(`${app}: ${tool} is outside the deployed folder (${binary})`);
    // The image copies the folder with --chown=node:node and runs as node: the owner's execute bit must be set
    // here already (the app would try chmod at run time, which a read-only folder would refuse).
    const mode = statSync(binary).mode;
    if ((mode & 0o100) === 0) {
      fail(`${app}: ${binary} is not executable (mode ${(mode & 0o777).toString(8)})`);
    }
    const version = spawnSync(binary, ['-version'], { encoding: 'utf8', timeout: 10_000 });
    if (version.status !== 0) {
      fail(`${app}: ${binary} -version failed: ${version.error?.message ?? version.stderr}`);
    }
    // The wrapper package and the platform package that holds the binary.
    const bytes = folderBytes(path.dirname(found.wrapper)) + folderBytes(path.dirname(binary));
    console.log(
      `  ${app}: ${tool} ${version.stdout.split('\n')[0]} (${megabytes(bytes)}, mode ${(mode & 0o777).toString(8)})`,
    );
    paths[tool] = binary;
  }
  const total = folderBytes(dir);
  console.log(
    `  ${app}: folder ${megabytes(total)} (node_modules ${megabytes(folderBytes(path.join(dir, 'node_modules')))})`,
  );
  return paths;
}

interface RunningApp {
  name: AppName;
  child: ChildProcess;
  /** Everything it printed so far, for failure messages. */
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startApp(name: AppName, dir: string, env: NodeJS.ProcessEnv): RunningApp {
  // Plain node, no loader, no inherited NODE_OPTIONS/NODE_PATH: as the image's CMD runs it.
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, child, output: () => output, exited };
}

/** Polls until `probe` returns a value; fails when the app exits first or the time is up. */
async function waitFor<T>(app: RunningApp, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void app.exited.then((result) => (exit = result));
  for (;;) {
    if (exit) fail(`${app.name} exited (${exit.signal ?? exit.code}) before ${what}:\n${app.output()}`);
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      fail(`${app.name}: no ${what} within ${START_TIMEOUT_MS / 1000} s:\n${app.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function getJson(url: string): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const response = await fetch(url);
    return { status: response.status, body: await response.json() };
  } catch {
    return undefined; // not listening yet
  }
}

interface HealthBody {
  status?: string;
  database?: { ok?: boolean };
  queue?: { ok?: boolean; backend?: string };
}

interface ToolReport {
  path: string;
  source: string;
  available: boolean;
  version: string | null;
}

async function checkSystemStatus(baseUrl: string, apiDir: string): Promise<void> {
  const response = await getJson(`${baseUrl}/api/system/status`);
  const tools = (response?.body as { tools?: Record<string, ToolReport> } | undefined)?.tools;
  for (const tool of ['ffmpeg', 'ffprobe']) {
    const report = tools?.[tool];
    if (!report || report.source !== 'npm' || !report.available || !isInside(apiDir, report.path)) {
      fail(
        `api: /api/system/status reports ${tool} as ${JSON.stringify(report)}; expected the npm binary, available`,
      );
    }
    console.log(`  api: ${tool} source ${report.source}, ${report.version}`);
  }
}

/** An upload goes through ffprobe (metadata), ffmpeg (thumbnail) and Prisma (the videos row). */
async function checkUpload(
  baseUrl: string,
  ffmpeg: string,
  mediaDir: string,
  thumbnailsDir: string,
): Promise<void> {
  const video = path.join(mediaDir, 'deploy-check.mp4');
  const encode = spawnSync(
    ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=duration=1:size=160x120:rate=10',
      '-c:v',
      'mpeg4',
      '-y',
      video,
    ],
    { encoding: 'utf8' },
  );
  if (encode.status !== 0) fail(`ffmpeg could not make a test video: ${encode.stderr}`);
  const form = new FormData();
  form.append('file', new Blob([readFileSync(video)], { type: 'video/mp4' }), 'deploy-check.mp4');
  form.append('title', 'deploy check');
  const upload = await fetch(`${baseUrl}/api/upload`, { method: 'POST', body: form });
  const uploaded = (await upload.json()) as { success?: boolean; video_id?: number };
  if (upload.status !== 200 || !uploaded.success || typeof uploaded.video_id !== 'number') {
    fail(`api: POST /api/upload answered ${upload.status} ${JSON.stringify(uploaded)}`);
  }
  const found = await getJson(`${baseUrl}/api/videos/${uploaded.video_id}`);
  const row = (
    found?.body as {
      video?: { duration: number | null; width: number | null; thumbnail_path: string | null };
    }
  )?.video;
  if (!row || !row.duration || row.width !== 160 || !row.thumbnail_path) {
    fail(`api: the uploaded video lacks metadata or a thumbnail: ${JSON.stringify(found?.body)}`);
  }
  if (!existsSync(path.join(thumbnailsDir, path.basename(row.thumbnail_path)))) {
    fail(`api: thumbnail ${row.thumbnail_path} was not written to ${thumbnailsDir}`);
  }
  console.log(
    `  api: upload stored video ${uploaded.video_id} (${row.duration} s, ${row.width} px, thumbnail)`,
  );
}

/** The first JSON log line with this message. */
function logLine(output: string, message: string): Record<string, unknown> | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === message) return entry;
    } catch {
      // a partial line: the rest is still on its way
    }
  }
  return undefined;
}

async function stop(app: RunningApp): Promise<void> {
  app.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS).unref(),
  );
  const result = await Promise.race([app.exited, timeout]);
  if (result === 'timeout') fail(`${app.name} did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM`);
  if (result.code !== 0) {
    fail(`${app.name} exited with ${result.signal ?? result.code} after SIGTERM:\n${app.output()}`);
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

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
