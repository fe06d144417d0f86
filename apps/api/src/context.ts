import type { Config } from '@groundtruth/config';
import type { Database } from '@groundtruth/db';
import type { QueueBackend } from '@groundtruth/queue';

/** What the routes need, built once in main.ts (or by tests). */
export interface AppContext {
  config: Config;
  db: Database;
  queue: QueueBackend;
}
