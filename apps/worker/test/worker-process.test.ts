import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import {
  createTestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
} from '@groundtruth/db/testing';
import { jobCatalog, type JobCatalog } from '@groundtruth/domain';
import { createJobProducer, type JobProducer } from '@groundtruth/jobs';
import { makeTestVideo } from '@groundtruth/media/testing';
import { createQueueBackend, type QueueBackend } from '@groundtruth/queue';

const WORKER_DIR = path.resolve(__dirname, '..');

/** The real worker app (src/main.ts) as a child process; resolves once it logged that it started. */
function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  // One process (node with tsx's loader), not the tsx CLI: the CLI runs the app in a grandchild that a SIGKILL
  // of the CLI would leave running, so "killing the worker" would not kill it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: WORKER_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker started')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before starting:\n${output}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the worker process', () => {
  let testDb: TestDatabase;
  let backend: QueueBackend;
  let producer: JobProducer<JobCatalog>;
  let dir: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  const db = () =>
    createDatabase(databaseOptionsFromConfig(loadConfig({ DATABASE_URL: testDb.url }), 'worker-test'));

  beforeAll(async () => {
    testDb = await createTestDatabase('worker');
    dir = mkdtempSync(path.join(os.tmpdir(), 'gt-worker-'));
    mkdirSync(path.join(dir, 'downloads'));
    const prefix = uniqueRedisPrefix('worker');
    env = {
      DATABASE_URL: testDb.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      EXPORTS_DIR: path.join(dir, 'exports'),
      DOWNLOADS_DIR: path.join(dir, 'downloads'),
      THUMBNAILS_DIR: path.join(dir, 'thumbnails'),
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_SHUTDOWN_GRACE_MS: '5000',
      LOG_LEVEL: 'info',
    };
    backend = createQueueBackend({ redisUrl: testRedisUrl(), prefix });
    producer = createJobProducer(backend, jobCatalog);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await producer.close();
    await backend.close();
    await testDb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs registered jobs and stops cleanly on SIGTERM', async () => {
    const worker = await startWorker(env);
    children.push(worker);
    const result = await producer.run('vibration.export', { tag_filter: 'none' }, { timeoutMs: 20_000 });
    expect(result).toMatchObject({ success: true, total_samples: 0 });
    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);
  }, 60_000);

  it('a worker killed mid-export leaves no duplicate rows: the job runs again and is recorded once', async () => {
    makeTestVideo(path.join(dir, 'downloads', 'clip.mp4'), { seconds: 30, size: '320x240' });
    const database = db();
    try {
      const { rows } = await database.pool.query<{ id: number }>(
        `INSERT INTO videos (filename, width, height) VALUES ('clip.mp4', 320, 240) RETURNING id`,
      );
      await database.pool.query(
        `INSERT INTO keyframe_annotations (video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height,
             activity_tag, reviewed)
           SELECT $1, i * 0.5, 10, 10, 20, 20, 'walking', true FROM generate_series(0, 59) i`,
        [rows[0]!.id],
      );
      const config = await database.pool.query<{ id: number }>(
        `INSERT INTO yolo_export_configs (config_name, class_mapping) VALUES ('k', '{"walking":0}') RETURNING id`,
      );
      const first = await startWorker(env);
      children.push(first);
      const { id } = await producer.enqueue('yolo.export', {
        config_id: config.rows[0]!.id,
        output_name: 'killed',
      });
      const queue = producer.queue('exports');
      await until(async () => ((await (await queue.getJob(id))?.getState()) === 'active' ? true : undefined));
      // killed while the export folder is half-written
      await until(async () =>
        existsSync(path.join(dir, 'exports')) &&
        readdirSync(path.join(dir, 'exports'), { recursive: true }).some((entry) =>
          String(entry).includes('.frames'),
        )
          ? true
          : undefined,
      );
      first.kill('SIGKILL');
      await exited(first);
      expect(await (await queue.getJob(id))?.getState()).toBe('active'); // killed mid-job, lock still held

      const second = await startWorker(env);
      children.push(second);
      const job = await until(async () => {
        if ((await queue.getJobState(id)) !== 'completed') return undefined;
        return queue.getJob(id);
      });
      second.kill('SIGTERM');
      await exited(second);

      expect(job.returnvalue).toMatchObject({ frame_count: 60, annotation_count: 60 });
      const logs = await database.pool.query(`SELECT count(*)::int AS n FROM yolo_export_logs`);
      expect(logs.rows[0].n).toBe(1);
      const exportsDir = path.join(dir, 'exports');
      expect(readdirSync(exportsDir)).toEqual(['killed']); // no half-written temp folder left
      expect(existsSync(path.join(exportsDir, 'killed', 'data.yaml'))).toBe(true);
    } finally {
      await database.close();
    }
  }, 90_000);
});
