import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

/**
 * The one job registry: every background job's queue, name, zod contracts for its data and result, and its
 * BullMQ options. The API (producer) and the worker (consumer) both read it, so a job cannot be enqueued with
 * data its processor would not accept.
 */
export interface JobDefinition<D extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  queue: string;
  name: string;
  data: D;
  result: R;
  options: JobsOptions;
  /** Deterministic job id: re-submitting the same work is a no-op while the job is known to BullMQ. */
  jobId?: (data: z.infer<D>) => string;
}

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
};

export function defineJob<D extends z.ZodType, R extends z.ZodType>(
  definition: Omit<JobDefinition<D, R>, 'options'> & { options?: JobsOptions },
): JobDefinition<D, R> {
  return { ...definition, options: { ...DEFAULT_JOB_OPTIONS, ...definition.options } };
}

// Job definitions live in one file per area (./training.ts, ./ecoeye.ts, …) and are listed here.
export const jobRegistry = {} satisfies Record<string, JobDefinition>;

export type JobKey = keyof typeof jobRegistry;
