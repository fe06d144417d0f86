import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DERIVED_TABLES, tableMetadata, type Database } from '@groundtruth/db';
import { MigrateError } from '../shared/errors';
import { connectTarget } from '../shared/postgres';
import { quoteIdent } from '../shared/sql';
import { readTargetSchema, type TargetColumn, type TargetTable } from '../shared/target-schema';
import { legacyLayout, type LegacyTableLayout } from './layout';

/**
 * One legacy table to write: its legacy layout and its PostgreSQL columns. Rows are read and inserted in the
 * PostgreSQL column order (the import's order, so both checksums agree); the file's column order is the layout's.
 */
export interface ExportTable {
  layout: LegacyTableLayout;
  target: TargetTable;
  columns: TargetColumn[];
}

/** A quarantined legacy row as the import kept it (`_migrator_quarantine.row_data`). */
export interface QuarantineEntry {
  rowid: bigint;
  data: Record<string, unknown>;
}

/** The PostgreSQL side of an export: one REPEATABLE READ READ ONLY transaction every read goes through. */
export interface Snapshot {
  tables: ExportTable[];
  /** tables of the database the legacy app does not know: derived, bookkeeping, anything else */
  leftOut: string[];
  count(table: string): Promise<number>;
  /** the largest id the table's sequence has handed out (0 when none) */
  sequenceUsed(table: ExportTable): Promise<bigint>;
  /** COPY TO of the table's columns in legacy order, in key order */
  copyRows(table: ExportTable): AsyncIterable<Buffer>;
  /** rows of `table` quarantined at import, in legacy rowid order, `batch` at a time */
  quarantine(table: string, batch?: number): AsyncIterable<QuarantineEntry>;
  quarantineCount(table: string): Promise<number>;
  close(): Promise<void>;
}

const QUARANTINE_BATCH = 1000;

/** Each legacy table with its PostgreSQL columns; a column on one side only would lose data or invent it. */
function matchTables(targets: TargetTable[]): ExportTable[] {
  const byName = new Map(targets.map((target) => [target.table, target]));
  const problems: string[] = [];
  const tables: ExportTable[] = [];
  for (const layout of legacyLayout().tables) {
    const target = byName.get(layout.table);
    if (!target) {
      problems.push(`table ${layout.table} is missing in PostgreSQL`);
      continue;
    }
    const known = new Set(target.columns.map((column) => column.column));
    for (const name of layout.columns) {
      if (!known.has(name)) problems.push(`column ${layout.table}.${name} is missing in PostgreSQL`);
    }
    for (const column of target.columns) {
      if (!layout.columns.includes(column.column))
        problems.push(`column ${layout.table}.${column.column} has no place in the legacy layout`);
    }
    tables.push({ layout, target, columns: target.columns });
  }
  if (problems.length > 0) {
    throw new MigrateError('schema', `the database does not match the legacy layout: ${problems.join('; ')}`);
  }
  return tables;
}

async function leftOutTables(client: pg.PoolClient, legacy: Set<string>): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
  );
  return result.rows
    .map((row) => row.name)
    .filter((name) => !legacy.has(name))
    .map((name) =>
      DERIVED_TABLES.has(name)
        ? `${name} (derived)`
        : name.startsWith('_')
          ? `${name} (bookkeeping)`
          : `${name} (not a legacy table)`,
    );
}

async function refuseInterruptedImport(client: pg.PoolClient): Promise<void> {
  const exists = await client.query<{ ok: boolean }>(
    `SELECT to_regclass('_migrator_deferred') IS NOT NULL AS ok`,
  );
  if (!exists.rows[0]?.ok) return;
  const deferred = await client.query<{ n: string }>(`SELECT count(*) AS n FROM _migrator_deferred`);
  if (Number(deferred.rows[0]?.n ?? 0) > 0) {
    throw new MigrateError(
      'refused',
      'an import into this database was interrupted (its indexes are still dropped): finish it with `pnpm migrate <file> --resume` first',
    );
  }
}

/** Columns of the legacy tables in the catalog that the legacy layout has no place for (added outside Prisma too). */
async function columnsWithoutPlace(client: pg.PoolClient, tables: ExportTable[]): Promise<string[]> {
  const result = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY table_name, ordinal_position`,
    [tables.map((table) => table.layout.table)],
  );
  const layouts = new Map(tables.map((table) => [table.layout.table, new Set(table.layout.columns)]));
  return result.rows
    .filter((row) => !layouts.get(row.table_name)?.has(row.column_name))
    .map((row) => `column ${row.table_name}.${row.column_name} has no place in the legacy layout`);
}

async function* quarantineRows(
  client: pg.PoolClient,
  hasQuarantine: boolean,
  table: string,
  batch: number,
): AsyncIterable<QuarantineEntry> {
  if (!hasQuarantine) return;
  let after = -1n;
  for (;;) {
    // keyset pages: a quarantine can be large, and the index (table_name, legacy_rowid) serves the order
    const page = await client.query<{ rowid: string; data: Record<string, unknown> }>(
      `SELECT legacy_rowid::text AS rowid, row_data AS data FROM _migrator_quarantine
       WHERE table_name = $1 AND legacy_rowid > $2 ORDER BY legacy_rowid, id LIMIT $3`,
      [table, after.toString(), batch],
    );
    for (const row of page.rows) yield { rowid: BigInt(row.rowid), data: row.data };
    if (page.rows.length < batch) return;
    after = BigInt(page.rows[page.rows.length - 1]!.rowid);
  }
}

function snapshotOn(
  db: Database,
  client: pg.PoolClient,
  tables: ExportTable[],
  leftOut: string[],
  hasQuarantine: boolean,
): Snapshot {
  return {
    tables,
    leftOut,
    count: async (table) =>
      Number(
        (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`)).rows[0]!.n,
      ),
    sequenceUsed: async ({ target, layout }) => {
      if (!layout.autoincrement) return 0n;
      const result = await client.query<{ seq: string | null }>(
        `SELECT pg_get_serial_sequence($1, $2) AS seq`,
        [quoteIdent(target.table), layout.autoincrement],
      );
      const seq = result.rows[0]?.seq;
      if (!seq) return 0n;
      const state = await client.query<{ last_value: string; is_called: boolean }>(
        `SELECT last_value::text AS last_value, is_called FROM ${seq}`,
      );
      const { last_value: last, is_called: called } = state.rows[0]!;
      return called ? BigInt(last) : BigInt(last) - 1n;
    },
    copyRows: ({ target, columns, layout }) => {
      const list = columns.map((column) => quoteIdent(column.column)).join(', ');
      const order = (layout.primaryKey.length > 0 ? layout.primaryKey : columns.map((c) => c.column))
        .map(quoteIdent)
        .join(', ');
      return client.query(
        copyTo(`COPY (SELECT ${list} FROM ${quoteIdent(target.table)} ORDER BY ${order}) TO STDOUT`),
      ) as AsyncIterable<Buffer>;
    },
    quarantine: (table, batch = QUARANTINE_BATCH) => quarantineRows(client, hasQuarantine, table, batch),
    quarantineCount: async (table) =>
      hasQuarantine
        ? Number(
            (
              await client.query<{ n: string }>(
                `SELECT count(*) AS n FROM _migrator_quarantine WHERE table_name = $1`,
                [table],
              )
            ).rows[0]!.n,
          )
        : 0,
    close: async () => {
      await client.query('COMMIT').catch(() => undefined);
      client.release();
      await db.close();
    },
  };
}

/**
 * Connects, checks that the schema is migrated and matches the legacy layout, and opens the one snapshot every
 * read of the export sees: REPEATABLE READ READ ONLY on a single connection, with the text forms pinned.
 */
export async function openSnapshot(url: string): Promise<Snapshot> {
  const db = await connectTarget(url, 2);
  let client: pg.PoolClient | undefined;
  try {
    const targets = await readTargetSchema(db.pool, tableMetadata(db.prisma));
    const tables = matchTables(targets);
    client = await db.pool.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // COPY prints timestamps as YYYY-MM-DD HH:MM:SS[.ffffff] and floats in their shortest exact digits
    await client.query(`SET LOCAL DateStyle = 'ISO, YMD'`);
    await client.query(`SET LOCAL extra_float_digits = 1`);
    await client.query(`SET LOCAL statement_timeout = 0`);
    await refuseInterruptedImport(client);
    const homeless = await columnsWithoutPlace(client, tables);
    if (homeless.length > 0) {
      throw new MigrateError(
        'schema',
        `the database does not match the legacy layout: ${homeless.join('; ')} (the legacy app could not hold it)`,
      );
    }
    const leftOut = await leftOutTables(client, new Set(tables.map((table) => table.layout.table)));
    const quarantine = await client.query<{ ok: boolean }>(
      `SELECT to_regclass('_migrator_quarantine') IS NOT NULL AS ok`,
    );
    return snapshotOn(db, client, tables, leftOut, quarantine.rows[0]!.ok);
  } catch (error) {
    client?.release();
    await db.close().catch(() => undefined);
    throw error;
  }
}
