import pg from 'pg';
import { createDatabase, tableMetadata } from '@groundtruth/db';
import { targetChecksum } from '../shared/checksum';
import { readTargetSchema } from '../shared/target-schema';

const CATALOG_SQL = `
SELECT 'index' AS kind, tablename AS table_name, indexname AS name, indexdef AS definition
FROM pg_indexes WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_%'
UNION ALL
SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND conrelid::regclass::text NOT LIKE '\\_%'
ORDER BY 1, 2, 3`;

/** The indexes and constraints of the schema's tables (the migrator's own and Prisma's tables left out). */
export async function targetCatalog(url: string): Promise<Record<string, string>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, string>>(CATALOG_SQL)).rows;
  } finally {
    await client.end();
  }
}

/** Everything a migration leaves in the target: per-table checksums, quarantine rows, next ids, the catalog. */
export async function targetState(url: string): Promise<Record<string, unknown>> {
  const db = createDatabase({
    url,
    poolMax: 2,
    connectTimeoutMs: 5000,
    idleTimeoutMs: 1000,
    statementTimeoutMs: 0,
    statementCacheSize: 0,
    applicationName: 'migrator-snapshot',
  });
  try {
    const state: Record<string, unknown> = {};
    for (const table of await readTargetSchema(db.pool, tableMetadata(db.prisma))) {
      const { rows, hash } = await targetChecksum(db.pool, table.table, table.columns);
      state[table.table] = `${rows}:${hash}`;
      if (table.columns.some((c) => c.serial)) {
        const seq = await db.pool.query<{ v: string }>(
          `SELECT (pg_sequence_last_value(pg_get_serial_sequence('"${table.table}"', 'id')))::text AS v`,
        );
        state[`${table.table}.next`] = seq.rows[0]?.v;
      }
    }
    const quarantine = await db.pool.query(
      `SELECT table_name, legacy_id, legacy_rowid::text, reason, row_data::text FROM _migrator_quarantine
       ORDER BY table_name, legacy_rowid`,
    );
    state.quarantine = quarantine.rows;
    state.catalog = await targetCatalog(url);
    return state;
  } finally {
    await db.close();
  }
}
