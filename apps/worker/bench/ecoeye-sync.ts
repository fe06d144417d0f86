import { loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import { createBenchDatabase, testRedisUrl, uniqueRedisPrefix } from '@groundtruth/db/testing';
import { createDomainDeps, EcoeyeSyncService, jobCatalog, saveEcoeyeSettings } from '@groundtruth/domain';
import { generateFakeEvents, startFakeEcoeye } from '@groundtruth/domain/testing/fake-ecoeye';
import { startJobRunner } from '@groundtruth/jobs';
import { createQueueBackend, queueOptionsFromConfig } from '@groundtruth/queue';
import type { BenchFigures } from './main';

const ALERTS = 10_000;

/**
 * EcoEye alert sync of 10,000 events from the local fake relay (1% malformed events, every 4th page request
 * answered 429 and every 9th 500), run as a real `ecoeye.syncAlerts` job on BullMQ; wall time from enqueue to
 * completion, "jobs" = alerts processed.
 */
export async function ecoeyeSyncBench(): Promise<BenchFigures> {
  const fake = await startFakeEcoeye({
    events: generateFakeEvents(ALERTS, { failureRate: 0.01 }),
    rateLimitEvery: 4,
    failEvery: 9,
  });
  const database = await createBenchDatabase('ecoeye');
  try {
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? testRedisUrl(),
      QUEUE_PREFIX: uniqueRedisPrefix('bench-ecoeye'),
      ECOEYE_BASE_URL: fake.url,
      LOG_LEVEL: 'silent',
    });
    const db = createDatabase(databaseOptionsFromConfig(config, 'bench-ecoeye'));
    const backend = createQueueBackend(queueOptionsFromConfig(config));
    const deps = createDomainDeps({ config, db, queue: backend });
    const producer = deps.jobs;
    const runner = startJobRunner({
      backend,
      catalog: jobCatalog,
      processors: new EcoeyeSyncService(deps, { client: { backoffMs: 250 } }).processors,
      concurrency: config.WORKER_CONCURRENCY,
    });
    try {
      await saveEcoeyeSettings(
        db,
        { apiKey: 'bench', apiSecret: 'bench' },
        config.GROUNDTRUTH_ENCRYPTION_SECRET,
      );
      const queue = producer.queue('ecoeye');
      const events = new backend.classes.QueueEvents('ecoeye', backend.connectionOptions() as never);
      await events.waitUntilReady();
      const started = performance.now();
      const queued = await producer.enqueue('ecoeye.syncAlerts', {});
      const job = (await queue.getJob(queued.id))!;
      const result = (await job.waitUntilFinished(events, 120_000)) as {
        total_synced: number;
        failed: number;
      };
      const wallMs = performance.now() - started;
      await events.close();
      const rows = Number((await db.pool.query('SELECT count(*) AS n FROM ecoeye_alerts')).rows[0].n);
      const expected = ALERTS - ALERTS / 100;
      if (result.total_synced !== expected || rows !== expected) {
        throw new Error(`synced ${result.total_synced} (rows ${rows}) of ${expected} valid alerts`);
      }
      return {
        name:
          `EcoEye alert sync (${ALERTS} alerts, ${result.failed} malformed, ` +
          `${fake.counts.rateLimited} × 429, ${fake.counts.failed} × 500, ${fake.counts.events} page requests)`,
        wallMs,
        jobs: ALERTS,
        goalMs: 30_000,
      };
    } finally {
      await runner.close();
      await producer.close();
      await backend.close();
      await db.close();
    }
  } finally {
    await fake.close();
    await database.drop();
  }
}
