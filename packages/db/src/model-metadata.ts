import type pg from 'pg';
import type { PrismaClient } from './generated/prisma/client';

export type ScalarType =
  'Int' | 'BigInt' | 'Float' | 'Decimal' | 'String' | 'Boolean' | 'DateTime' | 'Json' | 'Bytes';

export interface ColumnMetadata {
  /** camelCase field name in TypeScript */
  field: string;
  /** legacy column name in the database */
  column: string;
  type: ScalarType;
}

export interface TableMetadata {
  model: string;
  table: string;
  columns: ColumnMetadata[];
}

interface RuntimeDataModel {
  models: Record<
    string,
    { dbName: string | null; fields: { name: string; kind: string; type: string; dbName?: string | null }[] }
  >;
}

/**
 * Tables that hold no data of their own: triggers derive them from the other tables (camera topology, see the
 * person_topology migration), and `SELECT rebuild_person_topology()` refills them after a bulk load.
 */
export const DERIVED_TABLES: ReadonlySet<string> = new Set(['person_name_detections', 'person_camera_edges']);

/** Refills every derived table from the tables it follows: after a bulk load that ran with triggers disabled. */
export async function rebuildDerivedTables(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT rebuild_person_topology()');
}

/**
 * Tables and columns as the generated client knows them (its runtime data model), so tools that walk every table
 * (the migrator, schema tests) follow the Prisma schema instead of a hand-kept list. Derived tables are left out:
 * nothing is copied into them or compared, they follow from the tables that are.
 */
export function tableMetadata(prisma: PrismaClient): TableMetadata[] {
  const dataModel = (prisma as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
  const models = Object.entries(dataModel.models).filter(
    ([model, { dbName }]) => !DERIVED_TABLES.has(dbName ?? model),
  );
  return models.map(([model, { dbName, fields }]) => ({
    model,
    table: dbName ?? model,
    columns: fields
      .filter((field) => field.kind === 'scalar')
      .map((field) => ({
        field: field.name,
        column: field.dbName ?? field.name,
        type: field.type as ScalarType,
      })),
  }));
}
