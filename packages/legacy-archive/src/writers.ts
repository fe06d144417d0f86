import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Prisma, type PrismaClient } from '@groundtruth/db';
import type { Value } from './convert';
import {
  CHECKPOINT_UPSERT,
  checkpointParams,
  type Checkpoint,
  QUARANTINE_INSERT,
  quoteIdent,
} from './target';
import type { TablePlan } from './plan';

export type WriterName = 'createMany' | 'copy';

export interface QuarantinedRow {
  table_name: string;
  legacy_id: string | null;
  legacy_rowid: string;
  reason: string;
  row_data: Record<string, unknown>;
}

/** Converted rows of one table, their quarantined neighbours and the checkpoint that commits with them. */
export interface Batch {
  plan: TablePlan;
  /** the rows as values, only for writers that want them */
  rows: Value[][];
  /** the rows in COPY text form, UTF-8 */
  copyText: Buffer;
  quarantine: QuarantinedRow[];
  checkpoint: Checkpoint;
}

/**
 * Writes a batch in one transaction together with its quarantine rows and checkpoint. `previous` is the commit of
 * the batch before: inserts run in parallel, commits happen in order, so committed batches are always a prefix.
 */
export interface BatchWriter {
  readonly wantsRows: boolean;
  write(batch: Batch, previous: Promise<void>): Promise<void>;
  close?(): Promise<void>;
}

/** COPY FROM STDIN over the shared pool. */
export function copyWriter(pool: pg.Pool): BatchWriter {
  return {
    wantsRows: false,
    async write(batch, previous) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        if (batch.copyText.length > 0) {
          const columns = batch.plan.columns.map((column) => quoteIdent(column.column)).join(', ');
          const stream = client.query(
            copyFrom(`COPY ${quoteIdent(batch.plan.target.table)} (${columns}) FROM STDIN`),
          );
          await new Promise<void>((resolve, reject) => {
            stream.on('finish', resolve);
            stream.on('error', reject);
            stream.end(batch.copyText);
          });
        }
        if (batch.quarantine.length > 0)
          await client.query(QUARANTINE_INSERT, [JSON.stringify(batch.quarantine)]);
        await previous;
        await client.query(CHECKPOINT_UPSERT, checkpointParams(batch.checkpoint));
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

const LONG_NUMBER = /\d{16,}/;

/**
 * Rows per createMany call; a batch makes several in its one transaction. Prisma's debug module keeps its last 100
 * entries even with logging off, and they hold whole query plans with their values: 500-row calls kept ~50 MB of
 * them alive per client, 100-row calls ~10 MB at the same CPU per row (50-row calls cost ~12% more CPU).
 */
const CREATE_MANY_ROWS = 100;

interface Fixup {
  column: string;
  cast: string;
  value: string;
  key: Value[];
}

/**
 * Prisma createMany per batch. Prisma's DateTime keeps milliseconds and its Json goes through JavaScript numbers,
 * so the rare timestamp with microseconds or JSON with 16+ digit numbers is set exactly afterwards in the same
 * transaction; both writers therefore produce identical targets. Runs inside the writer threads
 * (create-many-worker.ts): Prisma's client costs a fraction of a millisecond of CPU per row.
 */
export function prismaBatchWriter(prisma: PrismaClient): BatchWriter {
  return {
    wantsRows: true,
    async write(batch, previous) {
      const { plan } = batch;
      const delegateName = plan.target.model.charAt(0).toLowerCase() + plan.target.model.slice(1);
      const keyIndexes = plan.target.primaryKey.map((name) =>
        plan.columns.findIndex((c) => c.column === name),
      );
      const fixups: Fixup[] = [];
      const data = batch.rows.map((row) => {
        const record: Record<string, unknown> = {};
        plan.columns.forEach((column, index) => {
          const value = row[index] ?? null;
          if (value === null) {
            record[column.field] = column.type === 'Json' ? Prisma.DbNull : null;
            return;
          }
          if (column.type === 'DateTime') {
            // 'YYYY-MM-DD HH:MM:SS[.ffffff]': a Date keeps milliseconds, finer fractions are set afterwards
            const text = value as string;
            const fraction = text.slice(20);
            record[column.field] = new Date(
              `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction.slice(0, 3).padEnd(3, '0')}Z`,
            );
            if (fraction.length > 3) {
              fixups.push({
                column: column.column,
                cast: 'timestamp',
                value: text,
                key: keyIndexes.map((i) => row[i] ?? null),
              });
            }
          } else if (column.type === 'Json') {
            const parsed: unknown = JSON.parse(value as string);
            record[column.field] = parsed === null ? Prisma.JsonNull : parsed;
            if (LONG_NUMBER.test(value as string)) {
              fixups.push({
                column: column.column,
                cast: 'jsonb',
                value: value as string,
                key: keyIndexes.map((i) => row[i] ?? null),
              });
            }
          } else {
            record[column.field] = value;
          }
        });
        return record;
      });
      await prisma.$transaction(
        async (tx) => {
          if (data.length > 0) {
            const delegate = (
              tx as unknown as Record<string, { createMany(args: { data: unknown[] }): Promise<unknown> }>
            )[delegateName];
            if (!delegate) throw new Error(`no Prisma model delegate ${delegateName}`);
            for (let start = 0; start < data.length; start += CREATE_MANY_ROWS)
              await delegate.createMany({ data: data.slice(start, start + CREATE_MANY_ROWS) });
          }
          for (const fixup of fixups) {
            const where = plan.target.primaryKey
              .map((name, i) => `${quoteIdent(name)} = $${i + 2}`)
              .join(' AND ');
            await tx.$executeRawUnsafe(
              `UPDATE ${quoteIdent(plan.target.table)} SET ${quoteIdent(fixup.column)} = $1::${fixup.cast} WHERE ${where}`,
              fixup.value,
              ...fixup.key,
            );
          }
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
