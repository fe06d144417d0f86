/** What the deploy check's steps share: settings, failing, timing, processes and folder helpers. */
import { spawn } from 'node:child_process';
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const KEEP_FOLDERS = process.env.DEPLOY_CHECK_KEEP === '1';
export const START_TIMEOUT_MS = 60_000;
export const STOP_TIMEOUT_MS = 30_000;

export type AppName = 'api' | 'worker';
export const APPS: AppName[] = ['api', 'worker'];
export const MEDIA_TOOL_PACKAGES = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
} as const;
export type MediaTool = keyof typeof MEDIA_TOOL_PACKAGES;

export class CheckFailed extends Error {}

export function fail(message: string): never {
  throw new CheckFailed(message);
}

export const timings: { step: string; seconds: number }[] = [];

export async function step<T>(name: string, run: () => Promise<T> | T): Promise<T> {
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
export function runQuietly(command: string, args: string[]): Promise<void> {
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
export function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += lstatSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

export function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
