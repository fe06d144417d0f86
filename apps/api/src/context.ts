import type { Config } from '@groundtruth/config';
import type { Database } from '@groundtruth/db';
import type { JobCatalog } from '@groundtruth/domain';
import type { JobProducer } from '@groundtruth/jobs';
import type { QueueBackend } from '@groundtruth/queue';

/** What the routes need, built once in main.ts (or by tests). */
export interface AppContext {
  config: Config;
  db: Database;
  queue: QueueBackend;
  /** Enqueues registered background jobs (packages/jobs). */
  jobs: JobProducer<JobCatalog>;
}
