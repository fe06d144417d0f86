import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig, type Database } from '@groundtruth/db';
import {
  createTestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
} from '@groundtruth/db/testing';
import { makeTestVideo } from '@groundtruth/media/testing';
import { installFakeYtDlp } from '@groundtruth/domain/testing/fake-yt-dlp';
import { createQueueBackend, type QueueBackend } from '@groundtruth/queue';
import { startJobRunner, type JobProducer, type JobRunner } from '@groundtruth/jobs';
import { createDomainDeps, IngestService, jobCatalog, type JobCatalog } from '../src';
import { normalizeVideoUrl } from '../src';

describe('URL download job (yt-dlp)', () => {
  let testDb: TestDatabase;
  let db: Database;
  let backend: QueueBackend;
  let producer: JobProducer<JobCatalog>;
  let runner: JobRunner;
  let media: string;

  beforeAll(async () => {
    media = mkdtempSync(path.join(tmpdir(), 'ingest-jobs-'));
    const ytDlp = installFakeYtDlp(path.join(media, 'bin'), makeTestVideo(path.join(media, 'source.mp4')));
    testDb = await createTestDatabase('jobs-ingest');
    const config = loadConfig({
      DATABASE_URL: testDb.url,
      DATABASE_POOL_MAX: '4',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: uniqueRedisPrefix('ingest'),
      DOWNLOADS_DIR: path.join(media, 'downloads'),
      THUMBNAILS_DIR: path.join(media, 'thumbnails'),
      YT_DLP_PATH: ytDlp,
    });
    db = createDatabase(databaseOptionsFromConfig(config, 'jobs-ingest-test'));
    backend = createQueueBackend({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
    const deps = createDomainDeps({ config, db, queue: backend });
    producer = deps.jobs;
    runner = startJobRunner({ backend, catalog: jobCatalog, processors: new IngestService(deps).processors });
  });

  afterAll(async () => {
    await runner?.close();
    await producer?.close();
    await backend?.close();
    await db?.close();
    await testDb?.drop();
    rmSync(media, { recursive: true, force: true });
  });

  async function finished(id: string) {
    const queue = producer.queue('ingest');
    const deadline = Date.now() + 20_000;
    for (;;) {
      const state = await queue.getJobState(id);
      if (state === 'completed' || state === 'failed') return (await queue.getJob(id))!;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${state}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('downloads, probes, thumbnails and registers the video once', async () => {
    const url = 'https://example.com/watch/42';
    const data = { url, normalized_url: normalizeVideoUrl(url), queued_at: Date.now() / 1000 };
    const queued = await producer.enqueue('ingest.downloadUrl', data);
    expect((await producer.enqueue('ingest.downloadUrl', data)).created).toBe(false);
    const job = await finished(queued.id);
    expect(job.failedReason).toBeUndefined();
    const video = await db.prisma.video.findUniqueOrThrow({ where: { id: job.returnvalue.video_id } });
    expect(video).toMatchObject({ originalUrl: url, title: 'Fake clip', width: 64, height: 48 });
    expect(video.filename).toMatch(/^Fake_clip_[0-9a-f]{8}\.mp4$/);
    expect(existsSync(path.join(media, 'downloads', video.filename))).toBe(true);
    expect(video.thumbnailPath && existsSync(video.thumbnailPath)).toBe(true);
    expect(await db.prisma.video.count()).toBe(1);
  });

  it('fails with the yt-dlp error text', async () => {
    const url = 'https://example.com/fail/1';
    const queued = await producer.enqueue(
      'ingest.downloadUrl',
      { url, normalized_url: normalizeVideoUrl(url), queued_at: 0 },
      { attempts: 1 },
    );
    const job = await finished(queued.id);
    expect(job.failedReason).toBe('yt-dlp failed: ERROR: Unsupported URL: https://example.com/fail/1');
  });
});
