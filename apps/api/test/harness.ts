import { pino } from 'pino';
import { loadConfig, type Config } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import { jobCatalog, jobProcessors, type DomainDeps, type JobCatalog } from '@groundtruth/domain';
import { startJobRunner, type JobProcessors, type JobRunner } from '@groundtruth/jobs';
import { createQueueBackend, queueOptionsFromConfig } from '@groundtruth/queue';
import {
  createTestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
} from '@groundtruth/db/testing';
import type express from 'express';
import { createApp } from '../src/app';
import { createAppContext, type AppContext } from '../src/context';

export interface TestApp {
  app: express.Express;
  context: AppContext;
  /** The services' dependencies over the same database and queues (job processors for tests). */
  deps: DomainDeps;
  testDb: TestDatabase;
  close(): Promise<void>;
}

/** A real app on a fresh migrated database and its own Redis prefix. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const testDb = await createTestDatabase('api');
  const config: Config = loadConfig({
    DATABASE_URL: testDb.url,
    DATABASE_POOL_MAX: '4',
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: uniqueRedisPrefix('api'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const db = createDatabase(databaseOptionsFromConfig(config, 'api-test'));
  const queue = createQueueBackend(queueOptionsFromConfig(config));
  const context = createAppContext({ config, db, queue });
  const { jobs } = context;
  const app = createApp(context, pino({ level: 'silent' }));
  return {
    app,
    context,
    deps: context,
    testDb,
    close: async () => {
      await jobs.close();
      await Promise.all([db.close(), queue.close()]);
      await testDb.drop();
    },
  };
}

/** A job runner in the test process over the app's queue: every service's processors unless given some. */
export function startTestRunner(
  t: TestApp,
  processors: JobProcessors<JobCatalog> = jobProcessors(t.context.services),
  options: { concurrency?: number } = {},
): JobRunner {
  return startJobRunner({
    backend: t.context.queue,
    catalog: jobCatalog,
    processors,
    ...options,
  });
}
