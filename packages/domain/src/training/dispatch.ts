import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { z } from 'zod';
import type { Config } from '@groundtruth/config';
import { PermanentJobError, type JobContext, type JobProducer } from '@groundtruth/jobs';
import type { JobCatalog } from '../catalog';
import type { DomainDeps } from '../shared/deps';
import { exportYoloDataset } from '../yolo/export';
import type { trainingJobs } from './jobs';
import { TRAINING_REMOTE_QUEUE, type TrainingMessage } from './jobs';
import {
  failTrainingJob,
  getTrainingJob,
  markTrainingJobQueued,
  mergeTrainingJobConfig,
  trainingS3Prefix,
} from './queries';

/** The message the remote GPU worker reads (jobs.md: SQS body fields, kept for the `queue` backend too). */
export function awsClients(config: Config): { s3: S3Client; sqs: SQSClient } {
  const common = {
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    maxAttempts: 2,
  };
  return { s3: new S3Client({ ...common, forcePathStyle: true }), sqs: new SQSClient(common) };
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Legacy dispatch: every file of the export to s3://bucket/training-jobs/<job_id>/…, then one SQS message. */
export async function dispatchOverSqs(
  config: Config,
  exportPath: string,
  message: TrainingMessage,
): Promise<void> {
  if (!config.SQS_QUEUE_URL) throw new PermanentJobError('SQS_QUEUE_URL is not set (TRAINING_BACKEND=sqs)');
  const { s3, sqs } = awsClients(config);
  try {
    const prefix = trainingS3Prefix(message.job_id);
    for (const file of await filesUnder(exportPath)) {
      await s3.send(
        new PutObjectCommand({
          Bucket: config.S3_BUCKET,
          Key: `${prefix}${file.split(path.sep).join('/')}`,
          Body: await readFile(path.join(exportPath, file)),
        }),
      );
    }
    await sqs.send(
      new SendMessageCommand({ QueueUrl: config.SQS_QUEUE_URL, MessageBody: JSON.stringify(message) }),
    );
  } finally {
    s3.destroy();
    sqs.destroy();
  }
}

export interface TrainingQueueStatus {
  queue_messages: number | null;
  queue_in_flight: number | null;
  dlq_messages: number | null;
  error?: string;
}

/** Real counts: SQS attributes (sqs backend) or the remote BullMQ queue's counts (queue backend). */
export async function trainingQueueStatus(
  config: Config,
  producer: JobProducer<JobCatalog>,
): Promise<TrainingQueueStatus> {
  if (config.TRAINING_BACKEND === 'queue') {
    const counts = await producer
      .queue(TRAINING_REMOTE_QUEUE)
      .getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed');
    return {
      queue_messages: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
      queue_in_flight: counts.active ?? 0,
      dlq_messages: counts.failed ?? 0,
    };
  }
  if (!config.SQS_QUEUE_URL) {
    return {
      error: 'AWS error: SQS_QUEUE_URL is not set',
      queue_messages: null,
      queue_in_flight: null,
      dlq_messages: null,
    };
  }
  const { sqs } = awsClients(config);
  try {
    const main = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: config.SQS_QUEUE_URL,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const dlq = config.SQS_DLQ_URL
      ? await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: config.SQS_DLQ_URL,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        )
      : undefined;
    return {
      queue_messages: Number(main.Attributes?.ApproximateNumberOfMessages ?? 0),
      queue_in_flight: Number(main.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      dlq_messages: Number(dlq?.Attributes?.ApproximateNumberOfMessages ?? 0),
    };
  } catch (error) {
    return {
      error: `AWS error: ${(error as Error).message}`,
      queue_messages: null,
      queue_in_flight: null,
      dlq_messages: null,
    };
  } finally {
    sqs.destroy();
  }
}

type DispatchData = z.output<(typeof trainingJobs)['training.dispatch']['data']>;

export async function dispatchTrainingJob(deps: DomainDeps, data: DispatchData, context?: JobContext) {
  const row = await getTrainingJob(deps.db, data.job_id);
  if (!row) throw new PermanentJobError(`Training job ${data.job_id} not found`);
  // Re-delivery after a crash, or a job cancelled before we got to it: nothing to do.
  if (row.status !== 'uploading' && row.status !== 'pending') return { status: row.status };
  let exportPath = data.export_path;
  if (!exportPath) {
    if (data.export_config_id === undefined)
      throw new PermanentJobError('Either export_config_id or export_path required');
    const exported = await exportYoloDataset(
      deps,
      { config_id: data.export_config_id, ...(data.output_name ? { output_name: data.output_name } : {}) },
      context,
    );
    exportPath = exported.export_path;
    await mergeTrainingJobConfig(deps.db, data.job_id, {
      export_stats: {
        video_count: exported.video_count,
        frame_count: exported.frame_count,
        annotation_count: exported.annotation_count,
        class_mapping: exported.class_mapping,
      },
    });
  }
  const current = (await getTrainingJob(deps.db, data.job_id))!;
  const message: TrainingMessage = {
    job_id: current.job_id,
    type: current.job_type,
    created_at: new Date().toISOString(),
    data_uri: current.s3_uri ?? '',
    config: (current.config ?? {}) as Record<string, unknown>,
    callback_url: `/api/training/jobs/${current.job_id}/complete`,
  };
  const backend = deps.config.TRAINING_BACKEND;
  if (backend === 'sqs') {
    try {
      await dispatchOverSqs(deps.config, exportPath, message);
    } catch (error) {
      const text =
        error instanceof PermanentJobError ? error.message : `AWS error: ${(error as Error).message}`;
      await failTrainingJob(deps.db, data.job_id, text);
      throw new PermanentJobError(text);
    }
  } else {
    await deps.jobs.enqueue('training.remote', { ...message, data_uri: `file://${exportPath}` });
  }
  await markTrainingJobQueued(deps.db, data.job_id);
  return { status: 'queued', backend };
}

export function trainingProcessors(deps: DomainDeps) {
  return {
    'training.dispatch': (data: DispatchData, context: JobContext) =>
      dispatchTrainingJob(deps, data, context),
  };
}
