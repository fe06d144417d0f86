import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

/**
 * Chromium for browser tests: `CHROMIUM_PATH` when set, else the build shipped in the `@sparticuz/chromium` npm
 * package (unpacked once per version), so every machine runs the same browser with nothing installed.
 */

/**
 * Flags chosen for a test of the real UI. Left out on purpose from the npm package's serverless set:
 * `--single-process` (the renderer in the browser process is not how the UI runs) and `--disable-web-security`,
 * `--disable-site-isolation-trials`, `--allow-running-insecure-content` (they would hide CORS, origin and
 * mixed-content bugs). The rest of the list: this sandbox runs as root (no setuid sandbox), has no GPU and a closed
 * network that refuses every background connection. Playwright adds some of them itself; they are pinned here.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const UNPACK_TIMEOUT_MS = 120_000;

function npmChromiumPackage(): { entry: string; version: string } {
  const entry = require.resolve('@sparticuz/chromium');
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { entry, version };
}

/**
 * Unpacks the npm package's Chromium into `<tmpdir>/groundtruth-chromium-<version>/` and returns the executable.
 * The package itself unpacks to `<tmpdir>/chromium` and reuses whatever file is there, whatever its version, even
 * one another process is still writing; here each version gets its own folder, written aside and renamed into
 * place whole. The package is ESM only, so a child process runs it (with TMPDIR pointing at the staging folder).
 */
async function unpackNpmChromium(): Promise<string> {
  const { entry, version } = npmChromiumPackage();
  const folder = path.join(tmpdir(), `groundtruth-chromium-${version}`);
  const executable = path.join(folder, 'chromium');
  if (existsSync(executable)) return executable;

  const staging = await mkdtemp(`${folder}.`);
  try {
    const script = `const { default: chromium } = await import(${JSON.stringify(pathToFileURL(entry).href)});
      process.stdout.write(await chromium.executablePath());`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TMPDIR: staging },
      timeout: UNPACK_TIMEOUT_MS,
    });
    if (path.relative(staging, stdout) !== 'chromium') {
      throw new Error(`@sparticuz/chromium unpacked to ${stdout}, not into ${staging}`);
    }
    // Another process may have finished first: then its copy stays and this one goes.
    await rename(staging, folder).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(executable)) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return executable;
}

/** The Chromium executable browser tests run: `CHROMIUM_PATH`, else the npm-shipped build. */
export async function chromiumExecutable(): Promise<string> {
  return process.env.CHROMIUM_PATH || unpackNpmChromium();
}

/** A headless Chromium (a fresh temporary profile, removed on close) with {@link CHROMIUM_ARGS}. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumExecutable(), args: CHROMIUM_ARGS, headless: true });
}
