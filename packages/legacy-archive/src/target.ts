import type pg from 'pg';
import type { ColumnMetadata, DatabaseOptions, ScalarType, TableMetadata } from '@groundtruth/db';
import { MigrateError } from './errors';

export interface TargetColumn extends ColumnMetadata {
  nullable: boolean;
  hasDefault: boolean;
  /** filled by a sequence (nextval default): set past the largest legacy id afterwards */
  serial: boolean;
}

export interface ForeignKey {
  columns: string[];
  parentTable: string;
  parentColumns: string[];
}

export interface TargetTable {
  model: string;
  table: string;
  columns: TargetColumn[];
  primaryKey: string[];
  uniqueKeys: string[][];
  foreignKeys: ForeignKey[];
}

/** How every migrator connection pool is set up: the pipeline's and each writer thread's. */
export function migratorDatabaseOptions(url: string, poolMax: number): DatabaseOptions {
  return {
    url,
    poolMax,
    connectTimeoutMs: 5000,
    idleTimeoutMs: 10_000,
    statementTimeoutMs: 0,
    statementCacheSize: 100,
    applicationName: 'groundtruth-migrator',
    // every batch commits with its checkpoint: a server crash can lose the last batches, never split one
    sessionSettings: { synchronous_commit: 'off' },
  };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The target as its catalog describes it (nullability, defaults, unique keys, foreign keys), with the column types
 * of the generated client's model metadata; tables come parents first (topological order of the FK graph).
 */
export async function readTargetSchema(pool: pg.Pool, models: TableMetadata[]): Promise<TargetTable[]> {
  const migrated = await pool.query<{ ok: boolean }>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS ok`,
  );
  const columnRows = await pool.query<{
    table_name: string;
    column_name: string;
    is_nullable: string;
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = current_schema()`,
  );
  const catalog = new Map<string, Map<string, { nullable: boolean; default: string | null }>>();
  for (const row of columnRows.rows) {
    const table = catalog.get(row.table_name) ?? new Map();
    table.set(row.column_name, { nullable: row.is_nullable === 'YES', default: row.column_default });
    catalog.set(row.table_name, table);
  }
  const missing = models.filter((model) => !catalog.has(model.table)).map((model) => model.table);
  if (!migrated.rows[0]?.ok || missing.length > 0) {
    throw new MigrateError(
      'schema',
      `target schema not migrated${missing.length ? ` (missing tables: ${missing.join(', ')})` : ''}: run \`pnpm db:migrate\` with DATABASE_URL set to the target first`,
    );
  }
  const indexRows = await pool.query<{ table_name: string; columns: string[]; is_primary: boolean }>(
    `SELECT cl.relname AS table_name, i.indisprimary AS is_primary,
            array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o) AS columns
     FROM pg_index i JOIN pg_class cl ON cl.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = cl.relnamespace
     WHERE ns.nspname = current_schema() AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL`,
  );
  const fkRows = await pool.query<{
    table_name: string;
    columns: string[];
    parent: string;
    parent_columns: string[];
  }>(
    `SELECT cl.relname AS table_name, fcl.relname AS parent,
            array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
            array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) AS parent_columns
     FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid
     JOIN pg_namespace ns ON ns.oid = cl.relnamespace JOIN pg_class fcl ON fcl.oid = con.confrelid
     WHERE ns.nspname = current_schema() AND con.contype = 'f'`,
  );
  const tables = models.map((model): TargetTable => {
    const columns = catalog.get(model.table)!;
    return {
      model: model.model,
      table: model.table,
      columns: model.columns.map((column) => {
        const info = columns.get(column.column);
        if (!info) {
          throw new MigrateError(
            'schema',
            `target column ${model.table}.${column.column} is missing: the target is not migrated to this schema`,
          );
        }
        return {
          ...column,
          type: column.type as ScalarType,
          nullable: info.nullable,
          hasDefault: info.default !== null,
          serial: info.default?.startsWith('nextval(') ?? false,
        };
      }),
      primaryKey:
        indexRows.rows.find((row) => row.table_name === model.table && row.is_primary)?.columns ?? [],
      uniqueKeys: indexRows.rows.filter((row) => row.table_name === model.table).map((row) => row.columns),
      foreignKeys: fkRows.rows
        .filter((row) => row.table_name === model.table)
        .map((row) => ({ columns: row.columns, parentTable: row.parent, parentColumns: row.parent_columns })),
    };
  });
  return topologicalOrder(tables);
}

/** Parents before children (Kahn's algorithm, stable by name); a cycle is a schema error. */
export function topologicalOrder(tables: TargetTable[]): TargetTable[] {
  const byName = new Map(tables.map((table) => [table.table, table]));
  const ordered: TargetTable[] = [];
  const placed = new Set<string>();
  const pending = [...tables].sort((a, b) => a.table.localeCompare(b.table));
  while (pending.length > 0) {
    const index = pending.findIndex((table) =>
      table.foreignKeys.every(
        (fk) => fk.parentTable === table.table || placed.has(fk.parentTable) || !byName.has(fk.parentTable),
      ),
    );
    if (index < 0) {
      throw new MigrateError(
        'schema',
        `foreign keys form a cycle among: ${pending.map((t) => t.table).join(', ')}`,
      );
    }
    const [next] = pending.splice(index, 1);
    ordered.push(next!);
    placed.add(next!.table);
  }
  return ordered;
}

/** The migrator's own bookkeeping; the schema does not own these tables. */
export const BOOKKEEPING_SQL = `
CREATE TABLE IF NOT EXISTS _migrator_runs (
  id serial PRIMARY KEY,
  source_path text NOT NULL,
  source_fingerprint text NOT NULL,
  writer text NOT NULL,
  status text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE TABLE IF NOT EXISTS _migrator_checkpoints (
  table_name text PRIMARY KEY,
  last_rowid bigint NOT NULL,
  rows_read bigint NOT NULL,
  rows_written bigint NOT NULL,
  rows_quarantined bigint NOT NULL,
  source_hash text NOT NULL,
  seconds double precision NOT NULL,
  done boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS _migrator_quarantine (
  id bigserial PRIMARY KEY,
  table_name text NOT NULL,
  legacy_id text,
  legacy_rowid bigint NOT NULL,
  reason text NOT NULL,
  row_data jsonb NOT NULL,
  quarantined_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS _migrator_quarantine_table ON _migrator_quarantine (table_name, legacy_rowid);
`;

export interface Checkpoint {
  table: string;
  lastRowid: bigint;
  read: number;
  written: number;
  quarantined: number;
  sourceHash: bigint;
  seconds: number;
  done: boolean;
}

export interface Bookkeeping {
  fingerprint: string;
  sourcePath: string;
  checkpoints: Map<string, Checkpoint>;
}

/** The earlier migrator run in this database, or undefined when no run ever wrote here. */
export async function readBookkeeping(pool: pg.Pool): Promise<Bookkeeping | undefined> {
  const exists = await pool.query<{ ok: boolean }>(`SELECT to_regclass('_migrator_runs') IS NOT NULL AS ok`);
  if (!exists.rows[0]?.ok) return undefined;
  const run = await pool.query<{ source_fingerprint: string; source_path: string }>(
    `SELECT source_fingerprint, source_path FROM _migrator_runs ORDER BY id LIMIT 1`,
  );
  if (!run.rows[0]) return undefined;
  const rows = await pool.query<{
    table_name: string;
    last_rowid: string;
    rows_read: string;
    rows_written: string;
    rows_quarantined: string;
    source_hash: string;
    seconds: number;
    done: boolean;
  }>(`SELECT * FROM _migrator_checkpoints`);
  return {
    fingerprint: run.rows[0].source_fingerprint,
    sourcePath: run.rows[0].source_path,
    checkpoints: new Map(
      rows.rows.map((row) => [
        row.table_name,
        {
          table: row.table_name,
          lastRowid: BigInt(row.last_rowid),
          read: Number(row.rows_read),
          written: Number(row.rows_written),
          quarantined: Number(row.rows_quarantined),
          sourceHash: BigInt(row.source_hash),
          seconds: row.seconds,
          done: row.done,
        },
      ]),
    ),
  };
}

export const CHECKPOINT_UPSERT = `
INSERT INTO _migrator_checkpoints
  (table_name, last_rowid, rows_read, rows_written, rows_quarantined, source_hash, seconds, done)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (table_name) DO UPDATE SET last_rowid = EXCLUDED.last_rowid, rows_read = EXCLUDED.rows_read,
  rows_written = EXCLUDED.rows_written, rows_quarantined = EXCLUDED.rows_quarantined,
  source_hash = EXCLUDED.source_hash, seconds = EXCLUDED.seconds, done = EXCLUDED.done`;

export function checkpointParams(checkpoint: Checkpoint): unknown[] {
  return [
    checkpoint.table,
    checkpoint.lastRowid.toString(),
    checkpoint.read,
    checkpoint.written,
    checkpoint.quarantined,
    checkpoint.sourceHash.toString(),
    checkpoint.seconds,
    checkpoint.done,
  ];
}

export const QUARANTINE_INSERT = `
INSERT INTO _migrator_quarantine (table_name, legacy_id, legacy_rowid, reason, row_data)
SELECT table_name, legacy_id, legacy_rowid, reason, row_data
FROM jsonb_to_recordset($1::jsonb) AS x(table_name text, legacy_id text, legacy_rowid bigint, reason text, row_data jsonb)`;

/** Moves every id sequence past the largest legacy id, so rows created later never collide. */
export async function resetSequences(pool: pg.Pool, tables: TargetTable[]): Promise<void> {
  for (const table of tables) {
    for (const column of table.columns.filter((c) => c.serial)) {
      await pool.query(
        `SELECT setval(pg_get_serial_sequence($1, $2),
                       COALESCE((SELECT max(${quoteIdent(column.column)}) FROM ${quoteIdent(table.table)}), 0) + 1, false)`,
        [quoteIdent(table.table), column.column],
      );
    }
  }
}
