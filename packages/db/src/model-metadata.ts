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
 * Tables and columns as the generated client knows them (its runtime data model), so tools that walk every table
 * (the migrator, schema tests) follow the Prisma schema instead of a hand-kept list.
 */
export function tableMetadata(prisma: PrismaClient): TableMetadata[] {
  const dataModel = (prisma as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
  return Object.entries(dataModel.models).map(([model, { dbName, fields }]) => ({
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
