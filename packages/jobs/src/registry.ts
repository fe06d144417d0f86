// `./define` first: area files may import defineJob from here while this module is still loading.
import { type JobDefinition } from './define';
import type { z } from 'zod';
import { ecoeyeJobs } from './ecoeye';
import { ingestJobs } from './ingest';
import { trainingJobs } from './training';
import { vibrationJobs } from './vibration';
import { yoloJobs } from './yolo';

export { DEFAULT_JOB_OPTIONS, defineJob, type JobDefinition } from './define';

/**
 * The one job registry: every background job's queue, name, zod contracts for its data and result, and its
 * BullMQ options. The API (producer, ./producer.ts) and the worker (consumer, ./runner.ts) both read it, so a
 * job cannot be enqueued with data its processor would not accept.
 */
// Job definitions live in one file per area (./training.ts, ./ecoeye.ts, …) and are listed here.
export const jobRegistry = {
  ...trainingJobs,
  ...yoloJobs,
  ...vibrationJobs,
  ...ecoeyeJobs,
  ...ingestJobs,
} satisfies Record<string, JobDefinition>;

export type JobRegistry = typeof jobRegistry;
export type JobKey = keyof JobRegistry;
export type JobData<K extends JobKey> = z.input<JobRegistry[K]['data']>;
export type JobResult<K extends JobKey> = z.output<JobRegistry[K]['result']>;
