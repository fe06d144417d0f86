import type pg from 'pg';
import { MigrateError } from '../shared/errors';
import { quoteIdent } from '../shared/sql';
import type { TargetTable } from '../shared/target-schema';
import { readBookkeeping, type Bookkeeping, type Checkpoint } from './bookkeeping';
import { deferredCount } from './deferred-indexes';
import type { TablePlan } from './plan';

/** The rules that refuse a target before anything is written to it. */

async function nonEmptyTables(pool: pg.Pool, tables: TargetTable[]): Promise<string[]> {
  const result = await pool.query<{ name: string }>(
    tables
      .map((t) => `SELECT '${t.table}' AS name WHERE EXISTS (SELECT 1 FROM ${quoteIdent(t.table)})`)
      .join(' UNION ALL '),
  );
  return result.rows.map((row) => row.name);
}

/**
 * An earlier run was interrupted before it rebuilt the indexes it had dropped: only a run that may resume it
 * goes on (and rebuilds them first). Returns whether there are such indexes.
 */
export async function guardDroppedIndexes(pool: pg.Pool, mayResume: boolean): Promise<boolean> {
  if ((await deferredCount(pool)) === 0) return false;
  if (mayResume) return true;
  const unfinished = [...((await readBookkeeping(pool))?.checkpoints.values() ?? [])]
    .filter((checkpoint) => !checkpoint.done)
    .map((checkpoint) => checkpoint.table);
  throw new MigrateError(
    'refused',
    `an earlier run was interrupted${unfinished.length > 0 ? ` in ${unfinished.join(', ')}` : ''} before it rebuilt the indexes it had dropped: pass --resume to continue it`,
  );
}

/**
 * The target holds a migration of another legacy file (by content: a copy, or the same file with a new mtime, is
 * the same source). Checked before anything in the target is touched, deferred indexes included.
 */
export function refuseAnotherSource(book: Bookkeeping | undefined, fingerprint: string): void {
  if (book && book.fingerprint !== fingerprint) {
    throw new MigrateError(
      'refused',
      `the target holds a migration of another legacy file (${book.sourcePath}), or of this file before it changed; use an empty database`,
    );
  }
}

/** The target must be empty, or hold an earlier run of this same file. */
async function refuseForeignContent(
  pool: pg.Pool,
  book: Bookkeeping | undefined,
  fingerprint: string,
  targets: TargetTable[],
): Promise<void> {
  refuseAnotherSource(book, fingerprint);
  if (book) return;
  const filled = await nonEmptyTables(pool, targets);
  if (filled.length > 0) {
    throw new MigrateError(
      'refused',
      `refusing to write into a non-empty database that no migrator run created (rows in: ${filled.join(', ')})`,
    );
  }
}

/** Tables an earlier run did not touch must still be empty. */
async function refuseRowsNotWritten(
  pool: pg.Pool,
  plans: TablePlan[],
  checkpoints: Map<string, Checkpoint>,
): Promise<void> {
  const untouched = plans.filter((plan) => !checkpoints.has(plan.target.table));
  const filled =
    untouched.length > 0
      ? await nonEmptyTables(
          pool,
          untouched.map((p) => p.target),
        )
      : [];
  if (filled.length > 0) {
    throw new MigrateError(
      'refused',
      `tables not written by the migrator already hold rows: ${filled.join(', ')}`,
    );
  }
}

/**
 * Before a load: the target is empty, or holds an earlier run of the same file (then an interrupted table goes on
 * only with --resume, and the tables that run did not touch are still empty).
 */
export async function guardLoadTarget(
  pool: pg.Pool,
  run: {
    book: Bookkeeping | undefined;
    fingerprint: string;
    plans: TablePlan[];
    targets: TargetTable[];
    resume: boolean;
  },
): Promise<void> {
  const { book, plans } = run;
  await refuseForeignContent(pool, book, run.fingerprint, run.targets);
  const checkpoints = book?.checkpoints ?? new Map<string, Checkpoint>();
  const interrupted = plans.filter((plan) => {
    const checkpoint = checkpoints.get(plan.target.table);
    return checkpoint && !checkpoint.done;
  });
  if (interrupted.length > 0 && !run.resume) {
    throw new MigrateError(
      'refused',
      `an earlier run was interrupted in ${interrupted.map((p) => p.target.table).join(', ')}: pass --resume to continue it`,
    );
  }
  if (book) await refuseRowsNotWritten(pool, plans, checkpoints);
}
