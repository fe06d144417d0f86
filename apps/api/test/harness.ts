import { pino } from 'pino';
import { loadConfig, type Config } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import type { DomainDeps } from '@groundtruth/domain';
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
