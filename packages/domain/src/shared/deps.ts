import type { Config } from '@groundtruth/config';
import type { Database } from '@groundtruth/db';
import { createJobProducer, JobFailedError, NoLiveWorkerError, type JobProducer } from '@groundtruth/jobs';
import { mediaTools, type MediaTools } from '@groundtruth/media';
import type { QueueBackend } from '@groundtruth/queue';
import { jobCatalog, type JobCatalog } from '../catalog';
import {
  ConflictError,
  InvalidInputError,
  NotConfiguredError,
  NotFoundError,
  UnavailableError,
  type DomainError,
} from './errors';

/** The permanent failures a job can end with, by the name of the error its processor threw. */
const JOB_FAILURES: Record<string, new (message: string) => DomainError> = {
  NotFoundError,
  InvalidInputError,
  NotConfiguredError,
  ConflictError,
};

/** What every service gets, built once per process (apps/api and apps/worker main.ts, or tests). */
export interface DomainDeps {
  config: Config;
  /** The database: Prisma and its pg pool (see ARCHITECTURE.md, "Data access"). */
  db: Database;
  /** Enqueues the catalog's background jobs. */
  jobs: JobProducer<JobCatalog>;
  media: MediaTools;
}

/** The one composition of the services' dependencies: a producer over the job catalog and this process's media tools. */
export function createDomainDeps(parts: { config: Config; db: Database; queue: QueueBackend }): DomainDeps {
  return {
    config: parts.config,
    db: parts.db,
    jobs: withUnavailableWorkers(createJobProducer(parts.queue, jobCatalog)),
    media: mediaTools(parts.config),
  };
}

/** `run` on a queue no live worker consumes is the domain's UnavailableError (503), not a 10-minute wait. */
function withUnavailableWorkers(producer: JobProducer<JobCatalog>): JobProducer<JobCatalog> {
  return {
    ...producer,
    run: async (key, data, options) => {
      try {
        return await producer.run(key, data, options);
      } catch (error) {
        if (error instanceof NoLiveWorkerError) throw new UnavailableError(error.message);
        // a job that failed for good on the caller's input answers as that error would have (a 4xx, not a 500)
        if (error instanceof JobFailedError && error.failedAs) {
          const failure = JOB_FAILURES[error.failedAs];
          if (failure) throw new failure(error.message);
        }
        throw error;
      }
    },
  };
}
