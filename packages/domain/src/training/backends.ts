import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '@groundtruth/config';
import { PermanentJobError, type JobProducer } from '@groundtruth/jobs';
import type { JobCatalog } from '../catalog';
import { TRAINING_REMOTE_QUEUE, type TrainingMessage } from './jobs';
import { trainingS3Prefix } from './queries';
import type { TrainingQueueStatus } from './schemas';

/**
 * The two ways a training job reaches the remote GPU worker (jobs.md): S3 + SQS (`TRAINING_BACKEND=sqs`, the legacy
 * way) or a BullMQ queue it consumes (`queue`); and the message counts of each.
 */

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
