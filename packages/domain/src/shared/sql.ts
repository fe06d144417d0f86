import type { Database } from '@groundtruth/db';

/** SQL fragments that give the legacy column formats (api.md §1.5, §1.6) straight from PostgreSQL. */
export const sqlTimestamp = (column: string) => `to_char(${column}, 'YYYY-MM-DD HH24:MI:SS')`;
export const sqlFlag = (column: string) => `(${column})::int`;

/**
 * A fixed SQL text as a named statement: pg prepares it once per pooled connection, so the hot reads are parsed and
 * planned once instead of on every call.
 */
export const preparedStatement = (name: string, text: string) => ({ name: `gt_domain_${name}`, text });

/** A LIKE pattern matching `term` as a literal substring (`%`, `_` and `\` escaped). */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A pool or a checked-out client: anything that runs SQL. */
export type Queryable = Pick<Database['pool'], 'query'>;

/**
 * Runs `run` on one pooled connection inside BEGIN … COMMIT (ROLLBACK on error). `readOnlyAnalytics` makes it a
 * read-only transaction without JIT: the topology queries are planned as large but run in milliseconds, and JIT
 * compilation alone would cost far more than the query.
 */
export async function withPgTransaction<T>(
  db: Database,
  run: (client: Queryable) => Promise<T>,
  { readOnlyAnalytics = false } = {},
): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query(readOnlyAnalytics ? 'BEGIN READ ONLY' : 'BEGIN');
    if (readOnlyAnalytics) await client.query('SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1');
    const result = await run(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
