import type pg from 'pg';
import type { ColumnMetadata, TableMetadata } from '@groundtruth/db';
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

type ColumnCatalog = Map<string, Map<string, { nullable: boolean; default: string | null }>>;

/** Nullability and default of every column of the current schema, by table and column. */
async function readColumnCatalog(pool: pg.Pool): Promise<ColumnCatalog> {
  const columnRows = await pool.query<{
    table_name: string;
    column_name: string;
    is_nullable: string;
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = current_schema()`,
  );
  const catalog: ColumnCatalog = new Map();
  for (const row of columnRows.rows) {
    const table =
      catalog.get(row.table_name) ?? new Map<string, { nullable: boolean; default: string | null }>();
    table.set(row.column_name, { nullable: row.is_nullable === 'YES', default: row.column_default });
    catalog.set(row.table_name, table);
  }
  return catalog;
}

/** Plain unique indexes (no predicate, no expression), the primary keys among them. */
async function readUniqueIndexes(pool: pg.Pool) {
  const indexRows = await pool.query<{ table_name: string; columns: string[]; is_primary: boolean }>(
    `SELECT cl.relname AS table_name, i.indisprimary AS is_primary,
            array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o) AS columns
     FROM pg_index i JOIN pg_class cl ON cl.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = cl.relnamespace
     WHERE ns.nspname = current_schema() AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL`,
  );
  return indexRows.rows;
}

async function readForeignKeys(pool: pg.Pool) {
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
  return fkRows.rows;
}

/** A model's columns with what the catalog says of them; a column the catalog lacks means an unmigrated target. */
function targetColumns(model: TableMetadata, catalog: ColumnCatalog): TargetColumn[] {
  const columns = catalog.get(model.table)!;
  return model.columns.map((column) => {
    const info = columns.get(column.column);
    if (!info) {
      throw new MigrateError(
        'schema',
        `target column ${model.table}.${column.column} is missing: the target is not migrated to this schema`,
      );
    }
    return {
      ...column,
      type: column.type,
      nullable: info.nullable,
      hasDefault: info.default !== null,
      serial: info.default?.startsWith('nextval(') ?? false,
    };
  });
}

/**
 * The target as its catalog describes it (nullability, defaults, unique keys, foreign keys), with the column types
 * of the generated client's model metadata; tables come parents first (topological order of the FK graph).
 */
export async function readTargetSchema(pool: pg.Pool, models: TableMetadata[]): Promise<TargetTable[]> {
  const migrated = await pool.query<{ ok: boolean }>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS ok`,
  );
  const catalog = await readColumnCatalog(pool);
  const missing = models.filter((model) => !catalog.has(model.table)).map((model) => model.table);
  if (!migrated.rows[0]?.ok || missing.length > 0) {
    throw new MigrateError(
      'schema',
      `target schema not migrated${missing.length ? ` (missing tables: ${missing.join(', ')})` : ''}: run \`pnpm db:migrate\` with DATABASE_URL set to the target first`,
    );
  }
  const indexRows = await readUniqueIndexes(pool);
  const fkRows = await readForeignKeys(pool);
  const tables = models.map((model): TargetTable => ({
    model: model.model,
    table: model.table,
    columns: targetColumns(model, catalog),
    primaryKey: indexRows.find((row) => row.table_name === model.table && row.is_primary)?.columns ?? [],
    uniqueKeys: indexRows.filter((row) => row.table_name === model.table).map((row) => row.columns),
    foreignKeys: fkRows
      .filter((row) => row.table_name === model.table)
      .map((row) => ({ columns: row.columns, parentTable: row.parent, parentColumns: row.parent_columns })),
  }));
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
