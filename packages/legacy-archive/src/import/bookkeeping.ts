import type pg from 'pg';
import type { WriterName } from './options';

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

/** How far a table is read and written; it commits with each batch. */
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

export function emptyCheckpoint(table: string): Checkpoint {
  return {
    table,
    lastRowid: 0n,
    read: 0,
    written: 0,
    quarantined: 0,
    sourceHash: 0n,
    seconds: 0,
    done: false,
  };
}

interface CheckpointRow {
  table_name: string;
  last_rowid: string;
  rows_read: string;
  rows_written: string;
  rows_quarantined: string;
  source_hash: string;
  seconds: number;
  done: boolean;
}

function checkpointOf(row: CheckpointRow): Checkpoint {
  return {
    table: row.table_name,
    lastRowid: BigInt(row.last_rowid),
    read: Number(row.rows_read),
    written: Number(row.rows_written),
    quarantined: Number(row.rows_quarantined),
    sourceHash: BigInt(row.source_hash),
    seconds: row.seconds,
    done: row.done,
  };
}

/** The earlier migrator run in this database, or undefined when no run ever wrote here. */
export async function readBookkeeping(pool: pg.Pool): Promise<Bookkeeping | undefined> {
  const exists = await pool.query<{ ok: boolean }>(`SELECT to_regclass('_migrator_runs') IS NOT NULL AS ok`);
  if (!exists.rows[0]?.ok) return undefined;
  const run = await pool.query<{ source_fingerprint: string; source_path: string }>(
    `SELECT source_fingerprint, source_path FROM _migrator_runs ORDER BY id LIMIT 1`,
  );
  if (!run.rows[0]) return undefined;
  const rows = await pool.query<CheckpointRow>(`SELECT * FROM _migrator_checkpoints`);
  return {
    fingerprint: run.rows[0].source_fingerprint,
    sourcePath: run.rows[0].source_path,
    checkpoints: new Map(rows.rows.map((row) => [row.table_name, checkpointOf(row)])),
  };
}

/**
 * Creates the bookkeeping tables where missing and records a run that starts writing; returns its id. Runs still
 * 'running' were killed (a run that ends, or fails, says so): they are marked 'interrupted', and `log` hears of them.
 */
export async function startRun(
  pool: pg.Pool,
  sourcePath: string,
  fingerprint: string,
  writer: WriterName,
  log: (message: string) => void = () => undefined,
): Promise<number> {
  await pool.query(BOOKKEEPING_SQL);
  const stale = await pool.query<{ id: number; started: string }>(
    `UPDATE _migrator_runs SET status = 'interrupted' WHERE status = 'running'
     RETURNING id, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS started`,
  );
  for (const run of stale.rows)
    log(`run ${run.id}, started ${run.started} UTC, was interrupted before it finished: marked interrupted`);
  const run = await pool.query<{ id: number }>(
    `INSERT INTO _migrator_runs (source_path, source_fingerprint, writer, status) VALUES ($1, $2, $3, 'running') RETURNING id`,
    [sourcePath, fingerprint, writer],
  );
  return run.rows[0]!.id;
}

export type RunStatus = 'completed' | 'verification-failed' | 'failed';

export async function finishRun(pool: pg.Pool, id: number, status: RunStatus): Promise<void> {
  await pool.query(`UPDATE _migrator_runs SET status = $2, finished_at = now() WHERE id = $1`, [id, status]);
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

/** How many rows of `table` are in quarantine (0 when no run created the quarantine). */
export async function quarantineCount(pool: pg.Pool, table: string): Promise<number> {
  const exists = await pool.query<{ ok: boolean }>(
    `SELECT to_regclass('_migrator_quarantine') IS NOT NULL AS ok`,
  );
  if (!exists.rows[0]?.ok) return 0;
  const result = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM _migrator_quarantine WHERE table_name = $1`,
    [table],
  );
  return Number(result.rows[0]?.n ?? 0);
}
