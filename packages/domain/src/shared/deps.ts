import type { Config } from '@groundtruth/config';
import type { Database } from '@groundtruth/db';
import { createJobProducer, NoLiveWorkerError, type JobProducer } from '@groundtruth/jobs';
import { mediaTools, type MediaTools } from '@groundtruth/media';
import type { QueueBackend } from '@groundtruth/queue';
import { jobCatalog, type JobCatalog } from '../catalog';
import { UnavailableError } from './errors';

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
        throw error;
      }
    },
  };
}
