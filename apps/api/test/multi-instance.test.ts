import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import request from 'supertest';
import { loadConfig, type Config } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import {
  createTestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
} from '@groundtruth/db/testing';
import {
  ECOEYE_SYNC_SCHEDULER_ID,
  isPermanentJobFailure,
  jobCatalog,
  jobProcessors,
  saveEcoeyeSettings,
  type JobCatalog,
} from '@groundtruth/domain';
import {
  generateFakeEvents,
  startFakeEcoeye,
  type FakeEcoeye,
} from '@groundtruth/domain/testing/fake-ecoeye';
import { startJobRunner, type JobContext, type JobProcessors, type JobRunner } from '@groundtruth/jobs';
import { createQueueBackend } from '@groundtruth/queue';
import type express from 'express';
import { createApp } from '../src/app';
import { createAppContext, type AppContext } from '../src/context';

/**
 * Two API instances and two workers, each with its own database pool and queue connection, on one database and
 * one Redis prefix, as two processes of each would run.
 */
const SECRET = 'multi-instance-secret';

interface Instance {
  app: express.Express;
  context: AppContext;
  close(): Promise<void>;
}

interface Run {
  key: string;
  jobId: string;
  worker: string;
}

async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('two API instances and two workers on one database and one Redis', () => {
  let testDb: TestDatabase;
  let fake: FakeEcoeye;
  let dir: string;
  let config: Config;
  const instances: Instance[] = [];
  const runners: JobRunner[] = [];
  const runs: Run[] = [];
  /** Extra time each processor takes, so that jobs are still active when a worker is shut down. */
  let slowMs = 0;

  function startInstance(name: string): Instance {
    const db = createDatabase(databaseOptionsFromConfig(config, `multi-${name}`));
    const queue = createQueueBackend({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
    const context = createAppContext({ config, db, queue });
    return {
      app: createApp(context, pino({ level: 'silent' })),
      context,
      close: async () => {
        await context.jobs.close();
        await Promise.all([db.close(), queue.close()]);
      },
    };
  }

  /** A worker over its own instance's services, every processor recording which worker ran which job. */
  function startWorker(name: string): JobRunner {
    const instance = startInstance(`worker-${name}`);
    instances.push(instance);
    const processors = jobProcessors(instance.context.services) as Record<
      string,
      (data: unknown, context: JobContext) => Promise<unknown>
    >;
    const recorded = Object.fromEntries(
      Object.entries(processors).map(([key, process]) => [
        key,
        async (data: unknown, context: JobContext) => {
          runs.push({ key, jobId: context.jobId, worker: name });
          if (slowMs) await new Promise((resolve) => setTimeout(resolve, slowMs));
          return process(data, context);
        },
      ]),
    ) as JobProcessors<JobCatalog>;
    const runner = startJobRunner({
      backend: instance.context.queue,
      catalog: jobCatalog,
      processors: recorded,
      concurrency: 2,
      shutdownGraceMs: 10_000,
      isPermanent: isPermanentJobFailure,
    });
    runners.push(runner);
    return runner;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gt-multi-'));
    fake = await startFakeEcoeye();
    fake.events = generateFakeEvents(5);
    testDb = await createTestDatabase('multi');
    config = loadConfig({
      DATABASE_URL: testDb.url,
      DATABASE_POOL_MAX: '4',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: uniqueRedisPrefix('multi'),
      LOG_LEVEL: 'silent',
      EXPORTS_DIR: path.join(dir, 'exports'),
      DOWNLOADS_DIR: path.join(dir, 'downloads'),
      THUMBNAILS_DIR: path.join(dir, 'thumbnails'),
      ECOEYE_BASE_URL: fake.url,
      GROUNDTRUTH_ENCRYPTION_SECRET: SECRET,
    });
    instances.push(startInstance('api-a'), startInstance('api-b'));
    await saveEcoeyeSettings(instances[0]!.context.db, { apiKey: 'k', apiSecret: 's' }, SECRET);
    const workers = [startWorker('a'), startWorker('b')];
    await Promise.all(workers.map((worker) => worker.firstHeartbeat));
  });
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.close()));
    await Promise.all(instances.map((instance) => instance.close()));
    await fake?.close();
    await testDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const [apiA, apiB] = [() => instances[0]!, () => instances[1]!];

  it('both APIs see both workers; each job requested through either API runs once', async () => {
    const health = await request(apiA().app).get('/api/health').expect(200);
    expect(health.body.workers).toMatchObject({ ok: true, live: 2 });
    runs.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request((i % 2 ? apiA() : apiB()).app)
          .post('/api/vibration/export')
          .send({ output_name: `vib-${i}` }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    const exports = runs.filter((run) => run.key === 'vibration.export');
    expect(exports).toHaveLength(12);
    expect(new Set(exports.map((run) => run.jobId)).size).toBe(12);
  }, 60_000);

  it('a scheduled EcoEye sync applied by both APIs runs once per tick', async () => {
    runs.length = 0;
    // Both API processes apply the schedule (as each does when the interval is saved): one scheduler results.
    await Promise.all(
      [apiA(), apiB()].map((instance) =>
        instance.context.jobs.schedule('ecoeye.syncAlerts', ECOEYE_SYNC_SCHEDULER_ID, 500, {
          download_videos: false,
        }),
      ),
    );
    expect(await apiA().context.jobs.queue('ecoeye').getJobSchedulers()).toHaveLength(1);
    await until(() => Promise.resolve(runs.filter((run) => run.key === 'ecoeye.syncAlerts').length >= 4));
    await apiB().context.jobs.unschedule('ecoeye.syncAlerts', ECOEYE_SYNC_SCHEDULER_ID);
    // Let a run that had started finish before counting.
    await until(async () => (await apiA().context.jobs.counts('ecoeye.syncAlerts')).active === 0);
    const syncs = runs.filter((run) => run.key === 'ecoeye.syncAlerts');
    // A scheduler job's id names its tick: one run per id means one run per tick.
    expect(new Set(syncs.map((run) => run.jobId)).size).toBe(syncs.length);
    const { rows } = await apiA().context.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync_history WHERE sync_type = 'ecoeye_alerts'`,
    );
    expect(rows[0]!.n).toBe(syncs.length);
  }, 60_000);

  it('a graceful shutdown of one worker loses no job: every job completes once', async () => {
    runs.length = 0;
    slowMs = 100;
    const ids = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (i % 2 ? apiA() : apiB()).context.jobs.enqueue('vibration.export', { output_name: `drain-${i}` }),
      ),
    );
    await until(() => Promise.resolve(runs.some((run) => run.worker === 'a')));
    await runners[0]!.close(); // SIGTERM of worker a: its active jobs finish (grace 10 s), it takes no more
    const queue = apiA().context.jobs.queue('exports');
    await until(async () => {
      const states = await Promise.all(ids.map(({ id }) => queue.getJobState(id)));
      return states.every((state) => state === 'completed');
    });
    slowMs = 0;
    const completed = await Promise.all(ids.map(({ id }) => queue.getJob(id)));
    expect(completed.map((job) => job?.returnvalue?.success)).toEqual(Array(16).fill(true));
    expect(completed.map((job) => job?.attemptsMade)).toEqual(Array(16).fill(1));
    const exports = runs.filter((run) => run.key === 'vibration.export');
    expect(new Set(exports.map((run) => run.jobId)).size).toBe(16);
    expect(exports).toHaveLength(16);
    const health = await request(apiB().app).get('/api/health').expect(200);
    expect(health.body.workers).toMatchObject({ ok: true, live: 1 });
  }, 60_000);
});
