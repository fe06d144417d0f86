import { mkdir, readdir, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** A folder name safe to put under EXPORTS_DIR (§9 #30: the legacy app used it unsanitised). */
export function safeFolderName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  return cleaned || 'export';
}

/**
 * Writes a folder into a temporary sibling, then swaps it into place: a retried or killed job never leaves a
 * half-written export behind, and re-running replaces the previous one.
 */
export async function writeFolderAtomically(
  finalPath: string,
  write: (folder: string) => Promise<void>,
): Promise<void> {
  const parent = path.dirname(finalPath);
  const tempPrefix = `.${path.basename(finalPath)}.tmp-`;
  // Leftovers of a killed attempt at the same export.
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    if (entry.startsWith(tempPrefix)) await rm(path.join(parent, entry), { recursive: true, force: true });
  }
  const temp = path.join(parent, `${tempPrefix}${process.pid}-${Date.now()}`);
  await mkdir(temp, { recursive: true });
  try {
    await write(temp);
    await rm(finalPath, { recursive: true, force: true });
    await rename(temp, finalPath);
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
