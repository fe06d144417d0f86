import { createDatabase, tableMetadata } from '@groundtruth/db';
import { targetChecksum } from './checksum';
import { readTargetSchema } from './target';

/** Everything a migration leaves in the target: per-table checksums, quarantine rows, next ids. */
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
    return state;
  } finally {
    await db.close();
  }
}
