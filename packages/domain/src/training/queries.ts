import { randomUUID } from 'node:crypto';
import type { Database } from '@groundtruth/db';
import type { TrainingJobRow } from './schemas';

/** `training_jobs` (api.md §4.8): the lifecycle's writes, guarded by the status they may change. */

// config_json/result_json are JSONB; the legacy API returned the raw JSON text plus the parsed value.
const JOB_COLUMNS = `id, job_id, job_type, status, s3_uri, config_json::text AS config_json,
  result_json::text AS result_json, error_message,
  to_char(submitted_at, 'YYYY-MM-DD HH24:MI:SS') AS submitted_at,
  to_char(completed_at, 'YYYY-MM-DD HH24:MI:SS') AS completed_at, export_config_id`;

const UTC_NOW = `timezone('utc', now())`;

function withParsed(row: TrainingJobRow): TrainingJobRow {
  const out: TrainingJobRow = { ...row };
  if (row.config_json) out.config = JSON.parse(row.config_json) as unknown;
  if (row.result_json) out.result = JSON.parse(row.result_json) as unknown;
  return out;
}

export function trainingS3Prefix(jobId: string): string {
  return `training-jobs/${jobId}/`;
}

export async function createTrainingJob(
  db: Database,
  input: { jobType: string; config: Record<string, unknown>; exportConfigId: number | null; bucket: string },
): Promise<TrainingJobRow> {
  const jobId = randomUUID();
  const { rows } = await db.pool.query<TrainingJobRow>(
    `INSERT INTO training_jobs (job_id, job_type, status, s3_uri, config_json, export_config_id)
     VALUES ($1, $2, 'uploading', $3, $4::jsonb, $5) RETURNING ${JOB_COLUMNS}`,
    [
      jobId,
      input.jobType,
      `s3://${input.bucket}/${trainingS3Prefix(jobId)}`,
      JSON.stringify(input.config),
      input.exportConfigId,
    ],
  );
  return withParsed(rows[0]!);
}

export async function listTrainingJobs(
  db: Database,
  limit: number,
  offset: number,
): Promise<TrainingJobRow[]> {
  // Negative limits meant "no limit" in SQLite (api.md §1.3).
  const { rows } = await db.pool.query<TrainingJobRow>(
    `SELECT ${JOB_COLUMNS} FROM training_jobs ORDER BY submitted_at DESC, id DESC
     LIMIT $1 OFFSET $2`,
    [limit < 0 ? null : limit, Math.max(0, offset)],
  );
  return rows.map(withParsed);
}

export async function getTrainingJob(db: Database, jobId: string): Promise<TrainingJobRow | undefined> {
  const { rows } = await db.pool.query<TrainingJobRow>(
    `SELECT ${JOB_COLUMNS} FROM training_jobs WHERE job_id = $1`,
    [jobId],
  );
  return rows[0] ? withParsed(rows[0]) : undefined;
}

/** Worker callback: completes unless already completed, failed or cancelled. */
export async function completeTrainingJob(db: Database, jobId: string, result: unknown): Promise<boolean> {
  const { rowCount } = await db.pool.query(
    `UPDATE training_jobs SET status = 'completed', completed_at = ${UTC_NOW}, result_json = $2::jsonb
     WHERE job_id = $1 AND status NOT IN ('completed', 'failed', 'cancelled')`,
    [jobId, result ? JSON.stringify(result) : null],
  );
  return rowCount === 1;
}

/** Worker callback (and dispatch errors): fails unconditionally, as the legacy app did (§9 #27). */
export async function failTrainingJob(db: Database, jobId: string, message: string): Promise<boolean> {
  const { rowCount } = await db.pool.query(
    `UPDATE training_jobs SET status = 'failed', error_message = $2, completed_at = ${UTC_NOW} WHERE job_id = $1`,
    [jobId, message],
  );
  return rowCount === 1;
}

export async function cancelTrainingJob(db: Database, jobId: string): Promise<boolean> {
  const { rowCount } = await db.pool.query(
    `UPDATE training_jobs SET status = 'cancelled', error_message = 'Cancelled by user', completed_at = ${UTC_NOW}
     WHERE job_id = $1 AND status NOT IN ('completed', 'cancelled')`,
    [jobId],
  );
  return rowCount === 1;
}

/** Worker claim: `found` false for an unknown job; `updated` only from queued/uploading. */
export async function claimTrainingJob(
  db: Database,
  jobId: string,
): Promise<{ found: boolean; cancelled: boolean; updated: boolean }> {
  const { rows } = await db.pool.query<{ status: string; updated: boolean }>(
    `WITH claimed AS (
       UPDATE training_jobs SET status = 'processing'
       WHERE job_id = $1 AND status IN ('queued', 'uploading') RETURNING job_id)
     SELECT t.status, EXISTS (SELECT 1 FROM claimed) AS updated FROM training_jobs t WHERE t.job_id = $1`,
    [jobId],
  );
  const row = rows[0];
  if (!row) return { found: false, cancelled: false, updated: false };
  return { found: true, cancelled: row.status === 'cancelled', updated: row.updated };
}

export async function deleteTrainingJob(db: Database, jobId: string): Promise<boolean> {
  const { rowCount } = await db.pool.query(`DELETE FROM training_jobs WHERE job_id = $1`, [jobId]);
  return rowCount === 1;
}

/** After dispatch: uploading → queued (a job cancelled meanwhile stays cancelled). */
export async function markTrainingJobQueued(db: Database, jobId: string): Promise<boolean> {
  const { rowCount } = await db.pool.query(
    `UPDATE training_jobs SET status = 'queued' WHERE job_id = $1 AND status IN ('pending', 'uploading')`,
    [jobId],
  );
  return rowCount === 1;
}

/** Merges keys into config_json (export statistics added by the worker). */
export async function mergeTrainingJobConfig(
  db: Database,
  jobId: string,
  patch: Record<string, unknown>,
): Promise<void> {
  await db.pool.query(
    `UPDATE training_jobs SET config_json = COALESCE(config_json, '{}'::jsonb) || $2::jsonb WHERE job_id = $1`,
    [jobId, JSON.stringify(patch)],
  );
}
