import type pg from 'pg';
import { MigrateError } from '../shared/errors';
import { inTransaction } from '../shared/postgres';
import { quoteIdent } from '../shared/sql';

/**
 * Indexes and constraints of the tables being loaded are dropped before the load and rebuilt after it, as pgloader
 * does: building an index once is far cheaper than maintaining it row by row, and foreign keys are checked by the
 * pipeline while reading (orphans are quarantined), so nothing unchecked goes in. Their definitions are recorded in
 * `_migrator_deferred` in the same transaction that drops them, so an interrupted run rebuilds them on --resume.
 *
 * User triggers of those tables are disabled the same way (derived data is rebuilt once after the load instead).
 * A primary key or unique constraint comes back in two steps: its unique index is built as soon as its table is
 * loaded (while later tables load), and the constraint is attached to that index at the end.
 */
export const DEFERRED_SQL = `
CREATE TABLE IF NOT EXISTS _migrator_deferred (
  id serial PRIMARY KEY,
  table_name text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  definition text NOT NULL,
  index_name text,
  index_definition text,
  indexed boolean NOT NULL DEFAULT false
)`;

/** primary key, unique, foreign key, index, trigger */
type Kind = 'p' | 'u' | 'f' | 'i' | 't';

interface Deferred {
  id: number;
  table_name: string;
  name: string;
  kind: Kind;
  /** constraint definition (p, u, f), CREATE INDEX statement (i) or trigger name (t) */
  definition: string;
  /** p, u: the unique index behind the constraint */
  index_name: string | null;
  index_definition: string | null;
  /** p, u: the index is built, the constraint not yet attached */
  indexed: boolean;
}

const DEFINITIONS_SQL = `
SELECT c.conrelid::regclass::text AS table_name, c.conname AS name, c.contype::text AS kind,
       pg_get_constraintdef(c.oid) AS definition,
       CASE WHEN c.contype IN ('p', 'u') THEN ci.relname END AS index_name,
       CASE WHEN c.contype IN ('p', 'u') THEN pg_get_indexdef(c.conindid) END AS index_definition
FROM pg_constraint c LEFT JOIN pg_class ci ON ci.oid = c.conindid
WHERE c.contype IN ('p', 'u', 'f') AND NOT ($2 AND c.contype = 'p')
  AND (c.conrelid = ANY($1::regclass[]) OR (c.contype = 'f' AND c.confrelid = ANY($1::regclass[])))
UNION ALL
SELECT i.indrelid::regclass::text, ci.relname, 'i', pg_get_indexdef(i.indexrelid), NULL, NULL
FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
WHERE i.indrelid = ANY($1::regclass[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
UNION ALL
SELECT t.tgrelid::regclass::text, t.tgname, 't', t.tgname, NULL, NULL
FROM pg_trigger t
WHERE t.tgrelid = ANY($1::regclass[]) AND NOT t.tgisinternal AND t.tgenabled <> 'D'`;

/** Foreign keys go first (they depend on the keys they reference), plain indexes last. */
const DROP_ORDER: Kind[] = ['t', 'f', 'u', 'p', 'i'];

function dropStatement(row: Omit<Deferred, 'id' | 'indexed'>): string {
  if (row.kind === 'i') return `DROP INDEX ${quoteIdent(row.name)}`;
  if (row.kind === 't') return `ALTER TABLE ${row.table_name} DISABLE TRIGGER ${quoteIdent(row.name)}`;
  return `ALTER TABLE ${row.table_name} DROP CONSTRAINT ${quoteIdent(row.name)}`;
}

/**
 * Drops the indexes and constraints of `tables` (and foreign keys pointing at them), recording each one.
 * `keepPrimaryKeys`: for a writer that looks loaded rows up by key (createMany's exact-value fixups).
 */
export async function deferIndexes(
  pool: pg.Pool,
  tables: string[],
  { keepPrimaryKeys = false } = {},
): Promise<number> {
  if (tables.length === 0) return 0;
  return inTransaction(pool, async (client) => {
    await client.query(DEFERRED_SQL);
    const found = await client.query<Omit<Deferred, 'id' | 'indexed'>>(DEFINITIONS_SQL, [
      tables.map(quoteIdent),
      keepPrimaryKeys,
    ]);
    const ordered = DROP_ORDER.flatMap((kind) => found.rows.filter((row) => row.kind === kind));
    for (const row of ordered) {
      await client.query(
        `INSERT INTO _migrator_deferred (table_name, name, kind, definition, index_name, index_definition)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.table_name, row.name, row.kind, row.definition, row.index_name, row.index_definition],
      );
      await client.query(dropStatement(row));
    }
    return ordered.length;
  });
}

const LOCK_NOT_AVAILABLE = '55P03';

const DELETE_DEFERRED = `DELETE FROM _migrator_deferred WHERE id = $1`;

/** The next rebuild step of a deferred row, and how its bookkeeping row records that step. */
function rebuildStatement(row: Deferred): { statement: string; bookkeeping: string } {
  const attach = row.kind === 'p' || row.kind === 'u';
  if (attach && !row.indexed) {
    return {
      statement: row.index_definition!,
      bookkeeping: `UPDATE _migrator_deferred SET indexed = true WHERE id = $1`,
    };
  }
  if (row.kind === 't') {
    return {
      statement: `ALTER TABLE ${row.table_name} ENABLE TRIGGER ${quoteIdent(row.name)}`,
      bookkeeping: DELETE_DEFERRED,
    };
  }
  if (row.kind === 'i') return { statement: row.definition, bookkeeping: DELETE_DEFERRED };
  const constraint = attach
    ? `${row.kind === 'p' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(row.index_name!)}`
    : row.definition;
  return {
    statement: `ALTER TABLE ${row.table_name} ADD CONSTRAINT ${quoteIdent(row.name)} ${constraint}`,
    bookkeeping: DELETE_DEFERRED,
  };
}

/**
 * One step of the rebuild in its own transaction, its bookkeeping row updated in the same one. With `lockTimeout`
 * (while other tables still load) a step that would wait for a lock is left for the final rebuild instead: a
 * loading batch can hold locks on a loaded table (a trigger writing into it) while it waits for the batch before it.
 */
async function rebuildStep(pool: pg.Pool, row: Deferred, lockTimeout?: string): Promise<boolean> {
  const { statement, bookkeeping } = rebuildStatement(row);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    if (lockTimeout) await client.query(`SET LOCAL lock_timeout = '${lockTimeout}'`);
    await client.query(statement);
    await client.query(bookkeeping, [row.id]);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (lockTimeout && (error as { code?: string }).code === LOCK_NOT_AVAILABLE) return false;
    throw new MigrateError(
      'target',
      `rebuilding ${{ i: 'index', t: 'trigger' }[row.kind as string] ?? 'constraint'} ${row.name} on ${row.table_name} failed: ${(error as Error).message}`,
    );
  } finally {
    client.release();
  }
}

async function deferredTableExists(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ ok: boolean }>(
    `SELECT to_regclass('_migrator_deferred') IS NOT NULL AS ok`,
  );
  return rows[0]?.ok ?? false;
}

async function readDeferred(pool: pg.Pool, table?: string): Promise<Deferred[]> {
  if (!(await deferredTableExists(pool))) return [];
  const { rows } = await pool.query<Deferred>(
    `SELECT * FROM _migrator_deferred WHERE $1::text IS NULL OR table_name = $1::regclass::text ORDER BY id`,
    [table === undefined ? null : quoteIdent(table)],
  );
  return rows;
}

/**
 * Builds the indexes of one loaded table (unique ones included; constraints are attached at the end) and analyzes
 * it. Runs while the next tables load, so PostgreSQL builds indexes while the pipeline converts rows.
 */
export async function restoreTableIndexes(pool: pg.Pool, table: string): Promise<void> {
  const rows = (await readDeferred(pool, table)).filter(
    (row) => row.kind !== 'f' && row.kind !== 't' && !row.indexed,
  );
  for (const row of rows) await rebuildStep(pool, row, '1s');
  if (rows.length > 0) await pool.query(`ANALYZE ${quoteIdent(table)}`);
}

/**
 * Rebuilds everything still deferred (also what an interrupted run left): indexes on `parallel` connections, then
 * primary keys and unique constraints on their indexes, then the foreign keys, which need the keys they reference.
 */
export async function restoreIndexes(pool: pg.Pool, parallel: number): Promise<number> {
  const rows = await readDeferred(pool);
  const queue = rows.filter((row) => row.kind !== 'f' && row.kind !== 't' && !row.indexed);
  const built = new Set<number>();
  await Promise.all(
    Array.from({ length: Math.max(1, parallel) }, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        await rebuildStep(pool, row);
        built.add(row.id);
      }
    }),
  );
  for (const row of rows.filter((r) => r.kind === 'p' || r.kind === 'u'))
    await rebuildStep(pool, { ...row, indexed: true });
  for (const row of rows.filter((r) => r.kind === 'f' || r.kind === 't')) await rebuildStep(pool, row);
  const analyze = [...new Set(rows.filter((row) => built.has(row.id)).map((row) => row.table_name))];
  if (analyze.length > 0) await pool.query(`ANALYZE ${analyze.join(', ')}`);
  return rows.length;
}

/** Indexes and constraints an earlier run dropped and has not rebuilt yet. */
export async function deferredCount(pool: pg.Pool): Promise<number> {
  if (!(await deferredTableExists(pool))) return 0;
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM _migrator_deferred`);
  return rows[0]?.n ?? 0;
}
