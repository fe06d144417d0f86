import { stat } from 'node:fs/promises';
import { z } from 'zod';
import {
  cancelTrainingJob,
  claimTrainingJob,
  completeTrainingJob,
  createTrainingJob,
  deleteTrainingJob,
  failTrainingJob,
  getTrainingJob,
  getYoloConfig,
  listTrainingJobs,
  trainingQueueStatus,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { badRequest, notFound } from '../errors';
import { ApiRouter } from '../route';

const TAG = 'training';
const jobIdParams = z.object({ job_id: z.string().min(1) });
const intQuery = (fallback: number) => z.coerce.number().int().default(fallback);

async function isDirectory(folder: string): Promise<boolean> {
  return stat(folder).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** Training queue (api.md §4.8): the training_jobs lifecycle, the GPU worker's callbacks, dispatch as a job. */
export function trainingRoutes(context: AppContext): ApiRouter {
  const { db, config, jobs } = context;

  /** Inserts the row (status uploading) and queues its dispatch; no row is left behind when queueing fails. */
  async function submit(input: {
    jobType: string;
    config: Record<string, unknown>;
    exportConfigId?: number | undefined;
    exportPath?: string | undefined;
    outputName?: string | undefined;
  }) {
    const row = await createTrainingJob(db, {
      jobType: input.jobType,
      config: input.config,
      exportConfigId: input.exportConfigId ?? null,
      bucket: config.S3_BUCKET,
    });
    try {
      await jobs.enqueue('training.dispatch', {
        job_id: row.job_id,
        ...(input.exportPath ? { export_path: input.exportPath } : {}),
        ...(input.exportConfigId !== undefined ? { export_config_id: input.exportConfigId } : {}),
        ...(input.outputName ? { output_name: input.outputName } : {}),
      });
    } catch (error) {
      await deleteTrainingJob(db, row.job_id);
      throw error;
    }
    return { success: true, job_id: row.job_id, s3_uri: row.s3_uri, status: 'uploading' };
  }

  async function requireExportConfig(id: number) {
    if (!(await getYoloConfig(db, id))) throw notFound(`Export configuration ${id} not found`);
  }

  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/api/training/submit',
        tag: TAG,
        summary: 'Create a training job; the worker exports (if asked), uploads and dispatches it',
        body: z.object({
          job_type: z.string().min(1).default('yolo-training'),
          config: z.record(z.string(), z.unknown()).default({}),
          export_config_id: z.number().int().nonnegative().optional(),
          export_path: z.string().min(1).optional(),
          output_name: z.string().min(1).optional(),
        }),
      },
      async ({ body }) => {
        if (body.export_config_id === undefined && !body.export_path) {
          throw badRequest('Either export_config_id or export_path required');
        }
        if (body.export_path && !(await isDirectory(body.export_path))) {
          throw badRequest(`Export path not found: ${body.export_path}`);
        }
        if (body.export_config_id !== undefined && !body.export_path)
          await requireExportConfig(body.export_config_id);
        return submit({
          jobType: body.job_type,
          config: body.config,
          exportConfigId: body.export_config_id,
          exportPath: body.export_path,
          outputName: body.output_name,
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/training/jobs',
        tag: TAG,
        summary: 'Training jobs, newest first',
        query: z.object({ limit: intQuery(50), offset: intQuery(0) }),
      },
      async ({ query }) => ({ success: true, jobs: await listTrainingJobs(db, query.limit, query.offset) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/training/queue-status',
        tag: TAG,
        summary: 'Messages waiting / in flight on the training queue and its dead-letter queue',
      },
      async () => ({ success: true, ...(await trainingQueueStatus(config, jobs)) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/training/jobs/:job_id',
        tag: TAG,
        summary: 'One training job',
        params: jobIdParams,
      },
      async ({ params }) => {
        const job = await getTrainingJob(db, params.job_id);
        if (!job) throw notFound('Job not found');
        return { success: true, job };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/training/jobs/:job_id/complete',
        tag: TAG,
        summary: 'Worker callback: the job completed (body {result}, optional)',
        params: jobIdParams,
      },
      async ({ params, req }) => {
        const result = (req.body as { result?: unknown } | undefined)?.result;
        if (!(await completeTrainingJob(db, params.job_id, result))) {
          throw notFound('Job not found or already completed');
        }
        return { success: true, job_id: params.job_id, status: 'completed' };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/training/jobs/:job_id/fail',
        tag: TAG,
        summary: 'Worker callback: the job failed (body {error}, optional)',
        params: jobIdParams,
      },
      async ({ params, req }) => {
        const given = (req.body as { error?: unknown } | undefined)?.error;
        const message =
          given === undefined || given === null || given === '' ? 'Unknown error' : String(given);
        if (!(await failTrainingJob(db, params.job_id, message.slice(0, 1000))))
          throw notFound('Job not found');
        return { success: true, job_id: params.job_id, status: 'failed' };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/training/jobs/:job_id/cancel',
        tag: TAG,
        summary: 'Cancel a job (the worker learns it through /processing)',
        params: jobIdParams,
      },
      async ({ params }) => {
        if (!(await cancelTrainingJob(db, params.job_id)))
          throw notFound('Job not found or already completed');
        return { success: true, job_id: params.job_id, status: 'cancelled' };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/training/jobs/:job_id/processing',
        tag: TAG,
        summary: 'Worker claim: queued/uploading → processing; tells the worker when the job was cancelled',
        params: jobIdParams,
      },
      async ({ params }) => {
        const claim = await claimTrainingJob(db, params.job_id);
        if (!claim.found) throw notFound('Job not found');
        if (claim.cancelled) return { success: true, cancelled: true, job_id: params.job_id };
        return { success: claim.updated, cancelled: false, job_id: params.job_id };
      },
    )
    .route(
      {
        method: 'delete',
        path: '/api/training/jobs/:job_id',
        tag: TAG,
        summary: 'Delete a job row (uploaded data stays)',
        params: jobIdParams,
      },
      async ({ params }) => {
        if (!(await deleteTrainingJob(db, params.job_id))) throw notFound('Job not found');
        return { success: true, job_id: params.job_id };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/training/export-and-train',
        tag: TAG,
        summary: 'Export a dataset (YOLO or vibration) and submit a training job for it',
        body: z.object({
          job_type: z.string().default('yolo'),
          export_config_id: z.number().int().nonnegative().optional(),
          output_name: z.string().min(1).optional(),
          tag_filter: z.string().min(1).optional(),
          formats: z.array(z.enum(['csv', 'parquet'])).optional(),
          val_split: z.number().min(0).max(1).default(0.2),
          seed: z.number().int().default(42),
          model_type: z.string().optional(),
          epochs: z.number().int().positive().default(100),
          labels: z.union([z.string(), z.array(z.string())]).default(''),
        }),
      },
      async ({ body }) => {
        const { job_type: kind } = body;
        if (!['yolo', 'bearing-fault', 'vibration'].includes(kind))
          throw badRequest(`Unknown job_type: ${kind}`);
        const common = {
          ...(body.output_name ? { output_name: body.output_name } : {}),
          val_split: body.val_split,
          seed: body.seed,
        };
        let exportResult: Record<string, unknown> & { export_path: string | null };
        if (kind === 'yolo') {
          if (body.export_config_id === undefined)
            throw badRequest('export_config_id required for YOLO jobs');
          await requireExportConfig(body.export_config_id);
          exportResult = await jobs.run('yolo.export', { config_id: body.export_config_id, ...common });
        } else {
          exportResult = await jobs.run('vibration.export', {
            ...common,
            ...(body.tag_filter ? { tag_filter: body.tag_filter } : {}),
            ...(body.formats ? { formats: body.formats } : {}),
          });
        }
        if (!exportResult.export_path) {
          throw badRequest('Export produced no data', { export_result: exportResult });
        }
        const job = await submit({
          // §9 #8: the GPU worker knows `yolo-training`, not `yolo`.
          jobType: kind === 'yolo' ? 'yolo-training' : 'bearing-fault',
          config: {
            model_type: body.model_type ?? (kind === 'yolo' ? 'yolov8n' : 'default'),
            epochs: body.epochs,
            labels: body.labels,
            ...(kind === 'yolo' ? { export_config_id: body.export_config_id } : {}),
          },
          exportConfigId: kind === 'yolo' ? body.export_config_id : undefined,
          exportPath: exportResult.export_path,
        });
        const samples = Number(exportResult.total_samples ?? exportResult.annotation_count ?? 0);
        return {
          success: true,
          job,
          export_result: exportResult,
          message: `Exported ${samples} samples and submitted training job`,
        };
      },
    );
}
