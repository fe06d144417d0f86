import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeTestVideo } from '@groundtruth/media/testing';
import { loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig, type Database } from '@groundtruth/db';
import {
  createTestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
} from '@groundtruth/db/testing';
import {
  createEcoeyeClient,
  downloadAlertVideo,
  ingestDirs,
  saveEcoeyeSettings,
  syncEcoeyeAlerts,
} from '@groundtruth/domain';
import {
  generateFakeEvents,
  startFakeEcoeye,
  type FakeEcoeye,
} from '@groundtruth/domain/testing/fake-ecoeye';
import { createQueueBackend, type QueueBackend } from '@groundtruth/queue';
import { startJobRunner, type JobProducer, type JobRunner } from '@groundtruth/jobs';
import { createDomainDeps, EcoeyeSyncService, jobCatalog, type DomainDeps, type JobCatalog } from '../src';

const SECRET = 'jobs-ecoeye-secret';
const FAST_CLIENT = { backoffMs: 5, maxBackoffMs: 20, timeoutMs: 5_000 };

async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('EcoEye jobs', () => {
  let testDb: TestDatabase;
  let db: Database;
  let backend: QueueBackend;
  let producer: JobProducer<JobCatalog>;
  let fake: FakeEcoeye;
  let media: string;
  let deps: DomainDeps;
  const runners: JobRunner[] = [];

  beforeAll(async () => {
    media = mkdtempSync(path.join(tmpdir(), 'ecoeye-jobs-'));
    fake = await startFakeEcoeye({ videoFile: makeTestVideo(path.join(media, 'source.mp4')) });
    testDb = await createTestDatabase('jobs-ecoeye');
    const config = loadConfig({
      DATABASE_URL: testDb.url,
      DATABASE_POOL_MAX: '6',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: uniqueRedisPrefix('ecoeye'),
      ECOEYE_BASE_URL: fake.url,
      GROUNDTRUTH_ENCRYPTION_SECRET: SECRET,
      DOWNLOADS_DIR: path.join(media, 'downloads'),
      THUMBNAILS_DIR: path.join(media, 'thumbnails'),
    });
    db = createDatabase(databaseOptionsFromConfig(config, 'jobs-ecoeye-test'));
    backend = createQueueBackend({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
    deps = createDomainDeps({ config, db, queue: backend });
    producer = deps.jobs;
    await saveEcoeyeSettings(db, { apiKey: 'k', apiSecret: 's' }, SECRET);
  });

  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.close()));
    await producer?.close();
    await backend?.close();
    await fake?.close();
    await db?.close();
    await testDb?.drop();
    rmSync(media, { recursive: true, force: true });
  });

  const start = (workerOptions = {}) => {
    const runner = startJobRunner({
      backend,
      catalog: jobCatalog,
      processors: new EcoeyeSyncService(deps, { client: FAST_CLIENT, pageSize: 6 }).processors,
      concurrency: 2,
      shutdownGraceMs: 2_000,
      workerOptions,
    });
    runners.push(runner);
    return runner;
  };

  it('syncs alerts as a job through 429s and 500s, and queues each video download once', async () => {
    fake.events = generateFakeEvents(20, { failureRate: 0.1 });
    fake.options.rateLimitEvery = 3;
    fake.options.failEvery = 4;
    const runner = start();
    const queued = await producer.enqueue('ecoeye.syncAlerts', { download_videos: true });
    const job = await producer.queue('ecoeye').getJob(queued.id);
    const result = await until(async () => {
      const state = await job!.getState();
      if (state === 'completed' || state === 'failed')
        return (await producer.queue('ecoeye').getJob(queued.id))!;
      return undefined;
    }, 30_000);
    fake.options.rateLimitEvery = undefined;
    fake.options.failEvery = undefined;
    expect(result.failedReason).toBeUndefined();
    expect(result.returnvalue).toEqual({
      success: true,
      history_id: expect.any(Number),
      total_synced: 18,
      new_alerts: 18,
      updated_alerts: 0,
      failed: 2,
      downloads_queued: 18,
    });
    expect(fake.counts.rateLimited).toBeGreaterThan(0);
    expect(fake.counts.failed).toBeGreaterThan(0);
    expect(await db.prisma.ecoeyeAlert.count()).toBe(18);
    const history = await db.prisma.syncHistory.findUniqueOrThrow({
      where: { id: result.returnvalue.history_id },
    });
    expect(history).toMatchObject({
      status: 'completed',
      itemsProcessed: 20,
      itemsSucceeded: 18,
      itemsFailed: 2,
    });
    // Download jobs run in this same worker; let them drain before the next test.
    await until(
      async () => (await db.prisma.ecoeyeAlert.count({ where: { videoDownloaded: true } })) === 18,
      60_000,
    );
    expect(await db.prisma.video.count()).toBe(18);
    // Re-queuing an alert that already has its job is a no-op.
    const again = await producer.enqueue('ecoeye.downloadVideo', { alert_id: 'evt-000000' });
    expect(again.created).toBe(false);
    await runner.close();
  }, 90_000);

  it('an interrupted sync loses nothing and a re-run makes no duplicates', async () => {
    await db.prisma.ecoeyeAlert.deleteMany();
    fake.events = generateFakeEvents(1_000);
    const controller = new AbortController();
    const client = createEcoeyeClient(fake.url, null, FAST_CLIENT);
    const interrupted = await syncEcoeyeAlerts(db, client, {
      pageSize: 200,
      signal: controller.signal,
      onProgress: ({ pages }) => {
        if (pages === 2) controller.abort(new Error('worker killed'));
      },
    });
    expect(interrupted).toMatchObject({ success: false, total_synced: 400 });
    expect(await db.prisma.ecoeyeAlert.count()).toBe(400);
    const rerun = await syncEcoeyeAlerts(db, client, { pageSize: 200 });
    expect(rerun).toMatchObject({ success: true, total_synced: 1_000, new_alerts: 600, updated_alerts: 400 });
    expect(await db.prisma.ecoeyeAlert.count()).toBe(1_000);
  });

  it('times out a relay that does not answer, recording a failed run', async () => {
    fake.options.eventsDelayMs = 1_000;
    const client = createEcoeyeClient(fake.url, null, { timeoutMs: 100, maxAttempts: 2, backoffMs: 5 });
    const result = await syncEcoeyeAlerts(db, client, { pageSize: 200 });
    fake.options.eventsDelayMs = undefined;
    expect(result).toMatchObject({ success: false, error: 'EcoEye relay did not answer within 100 ms' });
    const history = await db.prisma.syncHistory.findUniqueOrThrow({ where: { id: result.history_id } });
    expect(history).toMatchObject({
      status: 'failed',
      errorMessage: 'EcoEye relay did not answer within 100 ms',
    });
  });

  it('a video download killed mid-stream, retried and raced still registers exactly one video', async () => {
    const alertId = 'evt-000123';
    await db.prisma.ecoeyeAlert.update({
      where: { alertId },
      data: { videoDownloaded: false, localVideoPath: null },
    });
    await db.prisma.video.deleteMany({ where: { originalUrl: `ecoeye://${alertId}` } });
    const client = createEcoeyeClient(fake.url, null, FAST_CLIENT);
    const dirs = ingestDirs(deps);

    // Killed: the process dies (abort) while the file streams; only a temp file could be left.
    fake.stallVideoAfterBytes = 200;
    const videosBefore = fake.counts.videos;
    const killer = new AbortController();
    const killed = downloadAlertVideo(db, client, alertId, dirs, killer.signal);
    await until(async () => fake.counts.videos > videosBefore || undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    killer.abort(new Error('SIGKILL'));
    await expect(killed).rejects.toThrow();
    fake.stallVideoAfterBytes = null;
    expect(await db.prisma.video.count({ where: { originalUrl: `ecoeye://${alertId}` } })).toBe(0);

    // Retry, raced by a second worker: one file, one row, alert marked once.
    const [a, b] = await Promise.all([
      downloadAlertVideo(db, client, alertId, dirs),
      downloadAlertVideo(db, client, alertId, dirs),
    ]);
    expect(a.status).toBe('success');
    expect(b.status).toBe('success');
    const rows = await db.prisma.video.findMany({ where: { originalUrl: `ecoeye://${alertId}` } });
    expect(rows).toHaveLength(1);
    expect(a.status === 'success' && a.video_id).toBe(rows[0]!.id);
    const alert = await db.prisma.ecoeyeAlert.findUniqueOrThrow({ where: { alertId } });
    expect(alert.videoDownloaded).toBe(true);
    expect(existsSync(alert.localVideoPath!)).toBe(true);
    expect(readdirSync(dirs.downloadsDir).filter((name) => name.includes('.part-'))).toEqual([]);

    // Once downloaded, a further retry does not fetch again.
    const before = fake.counts.videos;
    const third = await downloadAlertVideo(db, client, alertId, dirs);
    expect(third).toMatchObject({ status: 'success', already: true, video_id: rows[0]!.id });
    expect(fake.counts.videos).toBe(before);
  });

  it('a worker killed during a download job: the stalled job is re-run elsewhere, once', async () => {
    const alertId = 'evt-000321';
    await db.prisma.ecoeyeAlert.update({
      where: { alertId },
      data: { videoDownloaded: false, localVideoPath: null },
    });
    await db.prisma.video.deleteMany({ where: { originalUrl: `ecoeye://${alertId}` } });
    await producer.queue('ecoeye').obliterate({ force: true });
    const workerOptions = { lockDuration: 1_000, stalledInterval: 500, maxStalledCount: 3 };
    fake.stallVideoAfterBytes = 200;
    const videosBefore = fake.counts.videos;
    const first = start(workerOptions);
    const queued = await producer.enqueue('ecoeye.downloadVideo', { alert_id: alertId });
    await until(async () => fake.counts.videos > videosBefore || undefined);
    // Kill: the worker stops renewing its lock and never reports back.
    await Promise.all(first.workers.map((worker) => worker.close(true)));
    fake.stallVideoAfterBytes = null;
    start(workerOptions);
    await until(async () => (await producer.queue('ecoeye').getJobState(queued.id)) === 'completed', 30_000);
    const job = (await producer.queue('ecoeye').getJob(queued.id))!;
    expect(job.returnvalue).toMatchObject({ alert_id: alertId, already: false });
    expect(await db.prisma.video.count({ where: { originalUrl: `ecoeye://${alertId}` } })).toBe(1);
    expect((await db.prisma.ecoeyeAlert.findUniqueOrThrow({ where: { alertId } })).videoDownloaded).toBe(
      true,
    );
  }, 60_000);

  it('schedules the alert sync from the stored interval', async () => {
    await saveEcoeyeSettings(db, { apiKey: 'k', apiSecret: 's', syncIntervalMinutes: 5 }, SECRET);
    expect(await new EcoeyeSyncService(deps).applySchedule()).toBe(5);
    const [scheduler] = await producer.queue('ecoeye').getJobSchedulers();
    expect(scheduler).toMatchObject({ key: 'ecoeye-alert-sync', every: 300_000, name: 'sync-alerts' });
    await saveEcoeyeSettings(db, { apiKey: 'k', apiSecret: 's', syncIntervalMinutes: 0 }, SECRET);
    expect(await new EcoeyeSyncService(deps).applySchedule()).toBe(0);
    expect(await producer.queue('ecoeye').getJobSchedulers()).toEqual([]);
  });
});
