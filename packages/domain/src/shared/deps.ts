import type { Config } from '@groundtruth/config';
import type { Database } from '@groundtruth/db';
import { createJobProducer, type JobProducer } from '@groundtruth/jobs';
import { mediaTools, type MediaTools } from '@groundtruth/media';
import type { QueueBackend } from '@groundtruth/queue';
import { jobCatalog, type JobCatalog } from '../catalog';

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
    jobs: createJobProducer(parts.queue, jobCatalog),
    media: mediaTools(parts.config),
  };
}
