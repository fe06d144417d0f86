import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import { PermanentJobError, type JobContext, type JobProcessors } from '@groundtruth/jobs';
import type { DomainDeps } from '../shared/deps';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import { realPathInside } from '../shared/files';
import { exportYoloDataset } from '../yolo/export';
import type { YoloExportInput } from '../yolo/jobs';
import { getYoloConfig } from '../yolo/queries';
import { dispatchOverSqs, trainingQueueStatus } from './backends';
import type { TrainingMessage, trainingJobs } from './jobs';
import {
  cancelTrainingJob,
  claimTrainingJob,
  completeTrainingJob,
  createTrainingJob,
  deleteTrainingJob,
  failTrainingJob,
  getTrainingJob,
  listTrainingJobs,
  markTrainingJobQueued,
  mergeTrainingJobConfig,
} from './queries';
import type {
  ExportAndTrain,
  ExportAndTrainAnswer,
  ExportResult,
  SubmittedTraining,
  SubmitTraining,
  TrainingJobRow,
} from './schemas';

type DispatchData = z.output<(typeof trainingJobs)['training.dispatch']['data']>;

const EXPORT_KINDS = ['yolo', 'bearing-fault', 'vibration'];

interface NewTrainingJob {
  jobType: string;
  config: Record<string, unknown>;
  exportConfigId?: number | undefined;
  exportPath?: string | undefined;
  outputName?: string | undefined;
}

async function isDirectory(folder: string): Promise<boolean> {
  return stat(folder).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/**
 * The training queue (api.md §4.8): the training_jobs lifecycle, the remote GPU worker's callbacks, and the
 * `training.dispatch` job that exports (when asked), packages and hands a job to the configured backend.
 */
export class TrainingService {
  readonly processors: JobProcessors<typeof trainingJobs> = {
    'training.dispatch': (data: DispatchData, context: JobContext) => this.dispatch(data, context),
  };

  constructor(private readonly deps: Pick<DomainDeps, 'config' | 'db' | 'jobs' | 'media'>) {}

  /** Route: creates a job from an export folder or an export configuration (exported by the dispatch job). */
  async submit(input: SubmitTraining): Promise<SubmittedTraining> {
    if (input.export_config_id === undefined && !input.export_path) {
      throw new InvalidInputError('Either export_config_id or export_path required');
    }
    let exportPath: string | undefined;
    if (input.export_path) {
      // Only folders under EXPORTS_DIR (symlinks resolved); outside and missing get the same answer.
      const real = await realPathInside(this.deps.config.EXPORTS_DIR, input.export_path);
      if (!real || !(await isDirectory(real))) {
        throw new InvalidInputError(`Export path not found: ${input.export_path}`);
      }
      exportPath = real;
    }
    if (input.export_config_id !== undefined) await this.requireExportConfig(input.export_config_id);
    return this.create({
      jobType: input.job_type,
      config: input.config,
      exportConfigId: input.export_config_id,
      exportPath,
      outputName: input.output_name,
    });
  }

  /** Exports a YOLO or vibration dataset now (as a job, waiting for it), then submits a training job for it. */
  async exportAndTrain(input: ExportAndTrain): Promise<ExportAndTrainAnswer> {
    const kind = input.job_type;
    if (!EXPORT_KINDS.includes(kind)) throw new InvalidInputError(`Unknown job_type: ${kind}`);
    const common = {
      ...(input.output_name ? { output_name: input.output_name } : {}),
      val_split: input.val_split,
      seed: input.seed,
    };
    let exportResult: ExportResult;
    if (kind === 'yolo') {
      if (input.export_config_id === undefined) {
        throw new InvalidInputError('export_config_id required for YOLO jobs');
      }
      await this.requireExportConfig(input.export_config_id);
      exportResult = await this.deps.jobs.run('yolo.export', {
        config_id: input.export_config_id,
        ...common,
      });
    } else {
      exportResult = await this.deps.jobs.run('vibration.export', {
        ...common,
        ...(input.tag_filter ? { tag_filter: input.tag_filter } : {}),
        ...(input.formats ? { formats: input.formats } : {}),
      });
    }
    if (!exportResult.export_path) {
      throw new InvalidInputError('Export produced no data', { export_result: exportResult });
    }
    const job = await this.create({
      // §9 #8: the GPU worker knows `yolo-training`, not `yolo`.
      jobType: kind === 'yolo' ? 'yolo-training' : 'bearing-fault',
      config: {
        model_type: input.model_type ?? (kind === 'yolo' ? 'yolov8n' : 'default'),
        epochs: input.epochs,
        labels: input.labels,
        ...(kind === 'yolo' ? { export_config_id: input.export_config_id } : {}),
      },
      exportConfigId: kind === 'yolo' ? input.export_config_id : undefined,
      exportPath: exportResult.export_path,
    });
    const samples =
      'total_samples' in exportResult ? exportResult.total_samples : exportResult.annotation_count;
    return {
      success: true,
      job,
      export_result: exportResult,
      message: `Exported ${samples} samples and submitted training job`,
    };
  }

  list(limit: number, offset: number): Promise<TrainingJobRow[]> {
    return listTrainingJobs(this.deps.db, limit, offset);
  }

  async get(jobId: string): Promise<TrainingJobRow> {
    const job = await getTrainingJob(this.deps.db, jobId);
    if (!job) throw new NotFoundError('Job not found');
    return job;
  }

  /** Messages waiting / in flight on the backend's queue and its dead-letter queue. */
  queueStatus() {
    return trainingQueueStatus(this.deps.config, this.deps.jobs);
  }

  /** Worker callback: completes unless already completed, failed or cancelled. */
  async complete(jobId: string, result: unknown): Promise<void> {
    if (!(await completeTrainingJob(this.deps.db, jobId, result))) {
      throw new NotFoundError('Job not found or already completed');
    }
  }

  /** Worker callback: fails the job (unconditionally, §9 #27) with the first 1000 characters of its message. */
  async fail(jobId: string, message: string): Promise<void> {
    if (!(await failTrainingJob(this.deps.db, jobId, message.slice(0, 1000)))) {
      throw new NotFoundError('Job not found');
    }
  }

  /** The user cancels; the worker learns it through `claim`. */
  async cancel(jobId: string): Promise<void> {
    if (!(await cancelTrainingJob(this.deps.db, jobId))) {
      throw new NotFoundError('Job not found or already completed');
    }
  }

  /** Worker claim: queued/uploading → processing; tells the worker when the job was cancelled. */
  async claim(jobId: string): Promise<{ success: boolean; cancelled: boolean; job_id: string }> {
    const claim = await claimTrainingJob(this.deps.db, jobId);
    if (!claim.found) throw new NotFoundError('Job not found');
    if (claim.cancelled) return { success: true, cancelled: true, job_id: jobId };
    return { success: claim.updated, cancelled: false, job_id: jobId };
  }

  /** Deletes the row (uploaded data stays). */
  async delete(jobId: string): Promise<void> {
    if (!(await deleteTrainingJob(this.deps.db, jobId))) throw new NotFoundError('Job not found');
  }

  /** Inserts the row (status uploading) and queues its dispatch; no row is left behind when queueing fails. */
  private async create(input: NewTrainingJob): Promise<SubmittedTraining> {
    const { config, db, jobs } = this.deps;
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

  /**
   * `training.dispatch`: exports the dataset when the job names an export configuration (its statistics go into
   * the job's config), then sends the legacy message over S3 + SQS or onto the remote queue and marks the job
   * queued. A re-delivered job, or one cancelled before it ran, is left as it is.
   */
  private async dispatch(data: DispatchData, context: JobContext) {
    const { config, db, jobs } = this.deps;
    const row = await getTrainingJob(db, data.job_id);
    if (!row) throw new PermanentJobError(`Training job ${data.job_id} not found`);
    if (row.status !== 'uploading' && row.status !== 'pending') return { status: row.status };
    let exportPath = data.export_path;
    if (!exportPath) {
      if (data.export_config_id === undefined)
        throw new PermanentJobError('Either export_config_id or export_path required');
      const exported = await this.exportYolo(
        { config_id: data.export_config_id, ...(data.output_name ? { output_name: data.output_name } : {}) },
        context,
      );
      exportPath = exported.export_path;
      await mergeTrainingJobConfig(db, data.job_id, {
        export_stats: {
          video_count: exported.video_count,
          frame_count: exported.frame_count,
          annotation_count: exported.annotation_count,
          class_mapping: exported.class_mapping,
        },
      });
    }
    const current = (await getTrainingJob(db, data.job_id))!;
    const message: TrainingMessage = {
      job_id: current.job_id,
      type: current.job_type,
      created_at: new Date().toISOString(),
      data_uri: current.s3_uri ?? '',
      config: (current.config ?? {}) as Record<string, unknown>,
      callback_url: `/api/training/jobs/${current.job_id}/complete`,
    };
    const backend = config.TRAINING_BACKEND;
    if (backend === 'sqs') {
      try {
        await dispatchOverSqs(config, exportPath, message);
      } catch (error) {
        const text =
          error instanceof PermanentJobError ? error.message : `AWS error: ${(error as Error).message}`;
        await failTrainingJob(db, data.job_id, text);
        throw new PermanentJobError(text);
      }
    } else {
      await jobs.enqueue('training.remote', { ...message, data_uri: `file://${exportPath}` });
    }
    await markTrainingJobQueued(db, data.job_id);
    return { status: 'queued', backend };
  }

  // ---- the YOLO feature's part: the export configuration and the export itself

  private async requireExportConfig(id: number): Promise<void> {
    if (!(await getYoloConfig(this.deps.db, id)))
      throw new NotFoundError(`Export configuration ${id} not found`);
  }

  private exportYolo(input: YoloExportInput, context: JobContext) {
    return exportYoloDataset(this.deps, input, context);
  }
}
