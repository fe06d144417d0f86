import { UnrecoverableError, type JobsOptions } from 'bullmq';
import type { z } from 'zod';

/**
 * One background job: its queue, name, zod contracts for data and result, and BullMQ options. Definitions live
 * in the feature that owns them and are listed in the application's catalog (see ./catalog.ts).
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

/** What a processor gets besides its validated data. */
export interface JobContext {
  jobId: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  /** Aborted when the worker stops and the job is to be handed back; long processors should check it. */
  signal: AbortSignal;
  /** Progress shown in Bull Board and by `job.progress`: a percentage or a small object. */
  progress(value: number | Record<string, unknown>): Promise<void>;
  log(message: string): Promise<void>;
}

/** Throw for failures a retry cannot fix (bad input, missing row): the job fails at once, without retries. */
export class PermanentJobError extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** A job `run()` waited on failed; `failedAs` names the error its processor threw when it failed for good. */
export class JobFailedError extends Error {
  constructor(
    message: string,
    readonly failedAs: string | undefined,
  ) {
    super(message);
    this.name = 'JobFailedError';
  }
}

/** No live worker consumes the job's queue (no heartbeat within its TTL): waiting for a result would hang. */
export class NoLiveWorkerError extends Error {
  constructor(readonly queue: string) {
    super(`No worker is running for the "${queue}" jobs: start the worker (apps/worker) and try again`);
    this.name = 'NoLiveWorkerError';
  }
}
