import type { Config } from '@groundtruth/config';
import type { Database } from '@groundtruth/db';
import type { JobProducer } from './producer';

/** What processors get from the worker (built once in apps/worker/src/main.ts, or by tests). */
export interface JobDeps {
  config: Config;
  db: Database;
  /** For jobs that start other jobs. */
  producer: JobProducer;
}
