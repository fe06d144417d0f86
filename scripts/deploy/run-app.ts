import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { type AppName, REDIS_URL, START_TIMEOUT_MS, STOP_TIMEOUT_MS, fail, isInside } from './common';

export interface RunningApp {
  name: AppName;
  child: ChildProcess;
  /** Everything it printed so far, for failure messages. */
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startApp(name: AppName, dir: string, env: NodeJS.ProcessEnv): RunningApp {
  // Plain node, no loader, no inherited NODE_OPTIONS/NODE_PATH: as the image's CMD runs it.
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, child, output: () => output, exited };
}

/** Polls until `probe` returns a value; fails when the app exits first or the time is up. */
export async function waitFor<T>(
  app: RunningApp,
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
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

export async function getJson(url: string): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const response = await fetch(url);
    return { status: response.status, body: await response.json() };
  } catch {
    return undefined; // not listening yet
  }
}

export interface HealthBody {
  status?: string;
  database?: { ok?: boolean };
  queue?: { ok?: boolean; backend?: string };
}

export interface ToolReport {
  path: string;
  source: string;
  available: boolean;
  version: string | null;
}

export async function checkSystemStatus(baseUrl: string, apiDir: string): Promise<void> {
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
export async function checkUpload(
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
export function logLine(output: string, message: string): Record<string, unknown> | undefined {
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

export async function stop(app: RunningApp): Promise<void> {
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

export async function deleteRedisKeys(prefix: string): Promise<void> {
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
