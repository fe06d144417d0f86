import { ecoeyeJobs } from './ecoeye/jobs';
import { ingestJobs } from './ingest/jobs';
import { trainingJobs } from './training/jobs';
import { vibrationJobs } from './vibration/jobs';
import { yoloJobs } from './yolo/jobs';

/**
 * The one job catalog: every background job of the platform, by key, with its queue, zod contracts and options.
 * Each feature declares its own jobs (`<feature>/jobs.ts`); this lists the features once. The API and services
 * enqueue through a producer over it, and the worker registers a processor for every job in it.
 */
export const jobCatalog = {
  ...trainingJobs,
  ...yoloJobs,
  ...vibrationJobs,
  ...ecoeyeJobs,
  ...ingestJobs,
};

export type JobCatalog = typeof jobCatalog;

/** Jobs a process outside this platform consumes (the remote GPU worker): the worker registers no processor. */
export const EXTERNALLY_PROCESSED_JOBS: readonly (keyof JobCatalog)[] = ['training.remote'];
