import type pg from 'pg';
import { targetChecksum, targetLineHashes } from '../shared/checksum';
import type { LegacySource } from '../shared/sqlite';
import { quarantineCount, type Checkpoint } from './bookkeeping';
import { convertChunk, keyOf } from './convert/chunk';
import type { TablePlan } from './plan';

const DIFFERENCES_NAMED = 5;
const DIFFERENCE_CHUNK_ROWS = 10_000;

/** Each source row's line hash by its id, as the pipeline converted it, without the rows in quarantine. */
async function sourceLineHashes(
  pool: pg.Pool,
  source: LegacySource,
  plan: TablePlan,
): Promise<Map<string, string>> {
  const quarantined = await pool.query<{ rowid: string }>(
    `SELECT legacy_rowid::text AS rowid FROM _migrator_quarantine WHERE table_name = $1`,
    [plan.target.table],
  );
  const skip = new Set(quarantined.rows.map((row) => row.rowid));
  const hashes = new Map<string, string>();
  for (let after = 0n, done = false; !done;) {
    const upTo = source.rangeEnd(plan.target.table, after, DIFFERENCE_CHUNK_ROWS);
    const chunk = convertChunk(source, { plan, keys: [], after, upTo, wantRows: true });
    for (let r = 0; r < chunk.read; r++) {
      const row = chunk.outcome[r]!;
      if (row < 0 || skip.has(String(chunk.rowids[r]))) continue;
      const id = keyOf(chunk.rows![row]!, [plan.idIndex]);
      if (id !== null) hashes.set(id, `${chunk.hashes[row * 2]}:${chunk.hashes[row * 2 + 1]}`);
    }
    done = upTo === null;
    after = upTo ?? after;
  }
  return hashes;
}

/** The first ids (in id order) whose row differs between source and target, each with how. */
async function firstDifferences(pool: pg.Pool, source: LegacySource, plan: TablePlan): Promise<string[]> {
  if (plan.idIndex < 0) return [];
  const expected = await sourceLineHashes(pool, source, plan);
  const found = await targetLineHashes(pool, plan.target.table, plan.columns, plan.idIndex);
  const differences: [string, string][] = [];
  for (const [id, hash] of expected) {
    const there = found.get(id);
    if (there === undefined) differences.push([id, 'missing in the target']);
    else if (there !== hash) differences.push([id, 'values differ']);
  }
  for (const id of found.keys()) if (!expected.has(id)) differences.push([id, 'not in the source']);
  const byId = (a: string, b: string) =>
    /^-?\d+$/.test(a) && /^-?\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b);
  return differences
    .sort(([a], [b]) => byId(a, b))
    .slice(0, DIFFERENCES_NAMED)
    .map(([id, how]) => `id ${id} (${how})`);
}

/**
 * Source rows = migrated + quarantined, and the checksums of the normalized values agree: 'ok' or 'FAILED: …',
 * naming the first differing ids when the rows do not agree.
 */
export async function verifyTable(
  pool: pg.Pool,
  source: LegacySource,
  plan: TablePlan,
  expected: Checkpoint,
): Promise<string> {
  const target = await targetChecksum(pool, plan.target.table, plan.columns);
  const quarantined = await quarantineCount(pool, plan.target.table);
  const problems: string[] = [];
  if (expected.read !== target.rows + quarantined) {
    problems.push(`source ${expected.read} rows ≠ target ${target.rows} + quarantined ${quarantined}`);
  } else if (expected.written !== target.rows) {
    problems.push(`expected ${expected.written} rows in the target, found ${target.rows}`);
  }
  if (target.hash !== expected.sourceHash) problems.push('content checksum differs');
  if (problems.length === 0) return 'ok';
  // a diagnosis only: the check has failed either way
  const differences = await firstDifferences(pool, source, plan).catch(() => []);
  if (differences.length > 0) problems.push(`first differing rows: ${differences.join(', ')}`);
  return `FAILED: ${problems.join('; ')}`;
}

export function checkFailed(check: string): boolean {
  return check.startsWith('FAILED');
}
