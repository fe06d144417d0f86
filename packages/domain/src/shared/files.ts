import { randomBytes } from 'node:crypto';
import { mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A folder name safe to put under EXPORTS_DIR (§9 #30: the legacy app used it unsanitised). */
export function safeFolderName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  return cleaned || 'export';
}

const LEFTOVER_AGE_MS = 24 * 60 * 60 * 1000;

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A temporary folder of an earlier attempt that can no longer finish: its process (on this host) is gone, or it is
 * a day old (another host's). A concurrent export of the same folder keeps its own.
 */
async function isLeftover(parent: string, entry: string, tempPrefix: string): Promise<boolean> {
  const [host, pid] = entry.slice(tempPrefix.length).split('~');
  if (host === os.hostname() && pid !== undefined && /^\d+$/.test(pid)) {
    return Number(pid) !== process.pid && processIsGone(Number(pid));
  }
  const stats = await stat(path.join(parent, entry)).catch(() => null);
  return stats !== null && Date.now() - stats.mtimeMs > LEFTOVER_AGE_MS;
}

/**
 * Writes a folder into a temporary sibling, then swaps it into place: a retried or killed job never leaves a
 * half-written export behind, and re-running replaces the previous one. Two exports of one folder at once both
 * succeed; the one that finishes last is what stays.
 */
export async function writeFolderAtomically(
  finalPath: string,
  write: (folder: string) => Promise<void>,
): Promise<void> {
  const parent = path.dirname(finalPath);
  const tempPrefix = `.${path.basename(finalPath)}.tmp-`;
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    if (entry.startsWith(tempPrefix) && (await isLeftover(parent, entry, tempPrefix))) {
      await rm(path.join(parent, entry), { recursive: true, force: true });
    }
  }
  const temp = path.join(
    parent,
    `${tempPrefix}${os.hostname()}~${process.pid}~${randomBytes(6).toString('hex')}`,
  );
  await mkdir(temp, { recursive: true });
  try {
    await write(temp);
    // the previous export moves aside first, so a rename never meets a folder another export just put there
    for (let attempt = 0; ; attempt++) {
      const previous = `${temp}-previous`;
      await rename(finalPath, previous).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rm(previous, { recursive: true, force: true });
      try {
        await rename(temp, finalPath);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (attempt >= 10 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw error;
      }
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Deterministic shuffle (mulberry32 + Fisher–Yates): the same seed always gives the same split. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** max(1, ⌊n × fraction⌋) validation items when there is anything at all. */
export function validationCount(total: number, fraction: number): number {
  return total === 0 ? 0 : Math.max(1, Math.floor(total * fraction));
}

/** `file` resolved inside `root`, or null when it would escape it. */
export function fileInside(root: string, file: string): string | null {
  const base = path.resolve(root);
  const resolved = path.resolve(base, file);
  return resolved.startsWith(base + path.sep) ? resolved : null;
}

/**
 * The real path of `candidate` (a relative one is taken from `root`) when, with every symlink resolved, it is `root`
 * itself or inside it; null when it escapes `root` or does not exist. The two are one answer on purpose: a caller
 * must not learn whether a path outside the folder exists.
 */
export async function realPathInside(root: string, candidate: string): Promise<string | null> {
  try {
    const base = await realpath(root);
    const real = await realpath(path.resolve(root, candidate));
    return real === base || real.startsWith(base + path.sep) ? real : null;
  } catch {
    return null;
  }
}
