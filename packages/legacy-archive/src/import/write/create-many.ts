import { Prisma, type PrismaClient } from '@groundtruth/db';
import { pgFloat } from '../../shared/copy-text';
import { quoteIdent } from '../../shared/sql';
import type { TargetColumn } from '../../shared/target-schema';
import type { Value } from '../../shared/values';
import type { BatchWriter } from '../batches';
import { inspectJson } from '../convert/json';
import { CHECKPOINT_UPSERT, checkpointParams, QUARANTINE_INSERT } from '../bookkeeping';
import type { TablePlan } from '../plan';

/** Prisma rounds doubles to 16 digits on the way: the largest ones overflow, and -0 loses its sign. */
const PRISMA_MAX_EXACT_FLOAT = 1e308;

/**
 * Rows per createMany call; a batch makes several in its one transaction. Prisma's debug module keeps its last 100
 * entries even with logging off, and they hold whole query plans with their values: 500-row calls kept ~50 MB of
 * them alive per client, 100-row calls ~10 MB at the same CPU per row (50-row calls cost ~12% more CPU).
 */
const CREATE_MANY_ROWS = 100;

/** A value Prisma cannot write exactly, set afterwards by primary key. */
interface Fixup {
  column: string;
  cast: string;
  value: string;
  key: Value[];
}

type Transaction = Prisma.TransactionClient;

/** A converted value as Prisma's createMany takes it. */
function prismaValue(column: TargetColumn, value: Value): unknown {
  if (value === null) return column.type === 'Json' ? Prisma.DbNull : null;
  if (column.type === 'Float' && inexactFloat(value as number)) return 0; // set exactly afterwards
  if (column.type === 'DateTime') {
    // 'YYYY-MM-DD HH:MM:SS[.ffffff]': a Date keeps milliseconds, finer fractions are set afterwards
    const text = value as string;
    const fraction = text.slice(20);
    return new Date(`${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction.slice(0, 3).padEnd(3, '0')}Z`);
  }
  if (column.type === 'Json') {
    const parsed: unknown = JSON.parse(value as string);
    return parsed === null ? Prisma.JsonNull : parsed;
  }
  return value;
}

function inexactFloat(value: number): boolean {
  return Object.is(value, -0) || Math.abs(value) >= PRISMA_MAX_EXACT_FLOAT;
}

/**
 * The cast and text that set a value Prisma would not write exactly (microseconds, JSON numbers that JavaScript
 * reads differently from their text, extreme doubles and -0); else null.
 */
function exactCast(column: TargetColumn, value: Value): { cast: string; text: string } | null {
  if (value === null) return null;
  if (column.type === 'DateTime')
    return (value as string).slice(20).length > 3 ? { cast: 'timestamp', text: value as string } : null;
  if (column.type === 'Json')
    return inspectJson(value as string).numbersExact ? null : { cast: 'jsonb', text: value as string };
  if (column.type === 'Float' && inexactFloat(value as number))
    return { cast: 'float8', text: pgFloat(value as number) };
  return null;
}

/** A converted row as a createMany record; values Prisma cannot write exactly are added to `fixups`. */
function recordOf(
  plan: TablePlan,
  row: Value[],
  keyIndexes: number[],
  fixups: Fixup[],
): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  plan.columns.forEach((column, index) => {
    const value = row[index] ?? null;
    record[column.field] = prismaValue(column, value);
    const exact = exactCast(column, value);
    if (exact) {
      fixups.push({
        column: column.column,
        cast: exact.cast,
        value: exact.text,
        key: keyIndexes.map((i) => row[i] ?? null),
      });
    }
  });
  return record;
}

async function createMany(tx: Transaction, model: string, data: Record<string, unknown>[]): Promise<void> {
  if (data.length === 0) return;
  const delegateName = model.charAt(0).toLowerCase() + model.slice(1);
  const delegate = (
    tx as unknown as Record<string, { createMany(args: { data: unknown[] }): Promise<unknown> }>
  )[delegateName];
  if (!delegate) throw new Error(`no Prisma model delegate ${delegateName}`);
  for (let start = 0; start < data.length; start += CREATE_MANY_ROWS)
    await delegate.createMany({ data: data.slice(start, start + CREATE_MANY_ROWS) });
}

async function applyFixups(tx: Transaction, plan: TablePlan, fixups: Fixup[]): Promise<void> {
  for (const fixup of fixups) {
    const where = plan.target.primaryKey.map((name, i) => `${quoteIdent(name)} = $${i + 2}`).join(' AND ');
    await tx.$executeRawUnsafe(
      `UPDATE ${quoteIdent(plan.target.table)} SET ${quoteIdent(fixup.column)} = $1::${fixup.cast} WHERE ${where}`,
      fixup.value,
      ...fixup.key,
    );
  }
}

/**
 * Prisma createMany per batch. Prisma's DateTime keeps milliseconds, its Json goes through JavaScript numbers and its
 * doubles through 16 digits, so the rare timestamp with microseconds, JSON number JavaScript cannot hold as written,
 * extreme double or -0 is set exactly afterwards in the same
 * transaction; both writers therefore produce identical targets. Runs inside the writer threads
 * (create-many-worker.ts): Prisma's client costs a fraction of a millisecond of CPU per row.
 */
export function prismaBatchWriter(prisma: PrismaClient): BatchWriter {
  return {
    wantsRows: true,
    async write(batch, previous) {
      const { plan } = batch;
      const keyIndexes = plan.target.primaryKey.map((name) =>
        plan.columns.findIndex((c) => c.column === name),
      );
      const fixups: Fixup[] = [];
      const data = batch.rows.map((row) => recordOf(plan, row, keyIndexes, fixups));
      await prisma.$transaction(
        async (tx) => {
          await createMany(tx, plan.target.model, data);
          await applyFixups(tx, plan, fixups);
          if (batch.quarantine.length > 0)
            await tx.$executeRawUnsafe(QUARANTINE_INSERT, JSON.stringify(batch.quarantine));
          // after the previous batch committed: the checkpoint row is then free to update
          await previous;
          await tx.$executeRawUnsafe(CHECKPOINT_UPSERT, ...checkpointParams(batch.checkpoint));
        },
        { maxWait: 120_000, timeout: 600_000 },
      );
    },
  };
}
