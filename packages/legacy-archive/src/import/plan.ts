import { MigrateError } from '../shared/errors';
import { rowidRangeSql, type LegacyColumn, type LegacySource } from '../shared/sqlite';
import type { TargetColumn, TargetTable } from '../shared/target-schema';

/** How one legacy table maps onto its target table. */
export interface TablePlan {
  target: TargetTable;
  /** target columns the legacy table has, in the order rows are read and written */
  columns: TargetColumn[];
  /** target columns the legacy file lacks: the schema default applies */
  missingColumns: string[];
  /** missing columns that are NOT NULL without a default: no row can go in */
  requiredMissing: string[];
  /** SELECT rowid, <columns> … WHERE rowid > ? AND rowid <= ? ORDER BY rowid: one range of rows */
  selectSql: string;
  /** unique keys to check while reading (the rowid alias is unique by construction) */
  uniqueKeys: number[][];
  /** foreign keys as column indexes, with the parent key-set name */
  foreignKeys: { indexes: number[]; parent: string; description: string }[];
  /** index of the legacy id column, for the quarantine's legacy_id */
  idIndex: number;
}

export interface Planned {
  plans: TablePlan[];
  /** schema tables the legacy file does not have (skipped, reported) */
  missingTables: string[];
}

export function keySetName(table: string, columns: string[]): string {
  return `${table}(${columns.join(',')})`;
}

/** The one legacy column SQLite uses as the rowid (INTEGER PRIMARY KEY), if any. */
function rowidAlias(legacy: LegacyColumn[]): string | null {
  const keyColumns = legacy.filter((c) => c.primaryKey > 0);
  return keyColumns.length === 1 && keyColumns[0]!.declaredType.toUpperCase() === 'INTEGER'
    ? keyColumns[0]!.name
    : null;
}

function planTable(target: TargetTable, legacy: LegacyColumn[]): TablePlan {
  const legacyNames = new Set(legacy.map((column) => column.name));
  const columns = target.columns.filter((column) => legacyNames.has(column.column));
  const missing = target.columns.filter((column) => !legacyNames.has(column.column));
  const index = (name: string) => columns.findIndex((column) => column.column === name);
  const aliasName = rowidAlias(legacy);
  return {
    target,
    columns,
    missingColumns: missing.map((column) => column.column),
    requiredMissing: missing.filter((c) => !c.nullable && !c.hasDefault).map((c) => c.column),
    selectSql: rowidRangeSql(
      target.table,
      columns.map((column) => column.column),
    ),
    uniqueKeys: target.uniqueKeys
      .filter((key) => !(key.length === 1 && key[0] === aliasName))
      .filter((key) => key.every((name) => index(name) >= 0))
      .map((key) => key.map(index)),
    foreignKeys: target.foreignKeys
      .filter((fk) => fk.columns.every((name) => index(name) >= 0))
      .map((fk) => ({
        indexes: fk.columns.map(index),
        parent: keySetName(fk.parentTable, fk.parentColumns),
        description: `${fk.columns.join(',')} → ${fk.parentTable}.${fk.parentColumns.join(',')}`,
      })),
    idIndex: index('id'),
  };
}

function unknownLegacyTables(source: LegacySource, known: Set<string>, skipped: Set<string>): string[] {
  return [...source.tables.keys()]
    .filter((name) => !known.has(name) && !skipped.has(name))
    .map((name) => `legacy table ${name} has no table in the schema`);
}

function unknownLegacyColumns(target: TargetTable, legacy: LegacyColumn[], skipped: Set<string>): string[] {
  const known = new Set(target.columns.map((column) => column.column));
  return legacy
    .filter((column) => !known.has(column.name) && !skipped.has(`${target.table}.${column.name}`))
    .map((column) => `legacy column ${target.table}.${column.name} has no column in the schema`);
}

/**
 * Matches the legacy tables to the target schema. A legacy column or table the schema has no home for stops the
 * run (nothing is dropped unless the user skips it explicitly with `skip`: "table" or "table.column").
 */
export function planTables(
  source: LegacySource,
  targets: TargetTable[],
  { tables, skip = [] }: { tables?: string[]; skip?: string[] } = {},
): Planned {
  const known = new Set(targets.map((t) => t.table));
  const unknownSelected = (tables ?? []).filter((name) => !known.has(name));
  if (unknownSelected.length > 0) {
    throw new MigrateError('usage', `--tables: no such table in the schema: ${unknownSelected.join(', ')}`);
  }
  const skipped = new Set(skip);
  const problems = tables ? [] : unknownLegacyTables(source, known, skipped);
  const plans: TablePlan[] = [];
  const missingTables: string[] = [];
  for (const target of targets.filter((t) => !tables || tables.includes(t.table))) {
    const legacy = source.tables.get(target.table);
    if (!legacy) {
      missingTables.push(target.table);
      continue;
    }
    problems.push(...unknownLegacyColumns(target, legacy, skipped));
    plans.push(planTable(target, legacy));
  }
  if (problems.length > 0) {
    throw new MigrateError(
      'schema',
      `${problems.join('; ')}. Nothing was written. Add the column to the schema, or pass --skip ${problems
        .map((p) => p.split(' ')[2])
        .join(',')} to leave it behind on purpose.`,
    );
  }
  return { plans, missingTables };
}
