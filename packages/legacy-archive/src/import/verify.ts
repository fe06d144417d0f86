import type pg from 'pg';
import { targetChecksum } from '../shared/checksum';
import { quarantineCount, type Checkpoint } from './bookkeeping';
import type { TablePlan } from './plan';

/** Source rows = migrated + quarantined, and the checksums of the normalized values agree: 'ok' or 'FAILED: …'. */
export async function verifyTable(pool: pg.Pool, plan: TablePlan, expected: Checkpoint): Promise<string> {
  const target = await targetChecksum(pool, plan.target.table, plan.columns);
  const quarantined = await quarantineCount(pool, plan.target.table);
  const problems: string[] = [];
  if (expected.read !== target.rows + quarantined) {
    problems.push(`source ${expected.read} rows ≠ target ${target.rows} + quarantined ${quarantined}`);
  } else if (expected.written !== target.rows) {
    problems.push(`expected ${expected.written} rows in the target, found ${target.rows}`);
  }
  if (target.hash !== expected.sourceHash) problems.push('content checksum differs');
  return problems.length === 0 ? 'ok' : `FAILED: ${problems.join('; ')}`;
}

export function checkFailed(check: string): boolean {
  return check.startsWith('FAILED');
}
