import { z } from 'zod';
import { defineJob } from '@groundtruth/jobs';

/** The message the remote GPU worker reads (jobs.md: SQS body fields, kept for the `queue` backend too). */
export const trainingMessage = z.object({
  job_id: z.string(),
  type: z.string(),
  created_at: z.string(),
  data_uri: z.string(),
  config: z.record(z.string(), z.unknown()),
  callback_url: z.string(),
});
export type TrainingMessage = z.infer<typeof trainingMessage>;

export const TRAINING_REMOTE_QUEUE = 'training-remote';

export const trainingJobs = {
  /** Export (when asked), package and dispatch one training_jobs row to the configured backend. */
  'training.dispatch': defineJob({
    queue: 'training',
    name: 'dispatch',
    data: z.object({
      job_id: z.string().min(1),
      export_path: z.string().optional(),
      export_config_id: z.number().int().optional(),
      output_name: z.string().optional(),
    }),
    result: z.object({ status: z.string(), backend: z.enum(['sqs', 'queue']).optional() }),
    jobId: (data) => `dispatch-${data.job_id}`,
  }),
  /** Consumed by the remote GPU worker (TRAINING_BACKEND=queue); no processor runs it here. */
  'training.remote': defineJob({
    queue: TRAINING_REMOTE_QUEUE,
    name: 'train',
    data: trainingMessage,
    result: z.unknown(),
    jobId: (data) => `train-${data.job_id}`,
    options: { attempts: 1, removeOnComplete: { age: 7 * 24 * 3600 } },
  }),
};
