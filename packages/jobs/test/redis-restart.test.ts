import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { freePort } from '@groundtruth/devstack';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '@groundtruth/db/testing';
import { createQueueBackend, type QueueBackend } from '@groundtruth/queue';
import { createJobProducer, defineJob, startJobRunner, type JobDefinition, type JobProcessors } from '../src';

// A Redis of our own (the shared one must not be restarted), persisting every write like production's AOF setup.
function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const registry: Record<string, JobDefinition> = {
  'test.record': defineJob({
    queue: 'restart',
    name: 'record',
    data: z.object({ key: z.string() }),
    result: z.object({ key: z.string() }),
    jobId: (data) => `record-${data.key}`,
    options: { backoff: { type: 'fixed', delay: 200 }, attempts: 10 },
  }),
};

const JOBS = 150;

describe('a Redis restart during a run', () => {
  let testDb: TestDatabase;
  let sql: pg.Pool;
  let dir: string;
  let redis: ChildProcess;
  let backend: QueueBackend;

  beforeAll(async () => {
    testDb = await createTestDatabase('redis_restart');
    sql = new pg.Pool({ connectionString: testDb.url, max: 4 });
    // an idle client cut off when the database is dropped at the end is no failure of the run under test
    sql.on('error', () => undefined);
    await sql.query('CREATE TABLE job_effects (key text PRIMARY KEY, executions int NOT NULL)');
    dir = mkdtempSync(path.join(tmpdir(), 'gt-redis-'));
  });
  afterAll(async () => {
    await backend?.close();
    if (redis) await stopRedis(redis);
    await sql.end();
    await testDb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with every job done, each effect once, after Redis is killed and restarted mid-run', async () => {
    const port = await freePort();
    redis = await startRedis(port, dir);
    backend = createQueueBackend({
      redisUrl: `redis://127.0.0.1:${port}`,
      prefix: uniqueRedisPrefix('restart'),
    });
    const producer = createJobProducer(backend, registry);
    for (let i = 0; i < JOBS; i++) await producer.enqueue('test.record' as never, { key: `k${i}` });

    // Processors are idempotent (as the real ones: upserts keyed by the work), so a job re-run after a lost
    // completion leaves one effect; `executions` shows how often that happened.
    const processors = {
      'test.record': async (data: { key: string }) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        await sql.query(
          `INSERT INTO job_effects (key, executions) VALUES ($1, 1)
           ON CONFLICT (key) DO UPDATE SET executions = job_effects.executions + 1`,
          [data.key],
        );
        return { key: data.key };
      },
    } as JobProcessors<typeof registry>;
    const runner = startJobRunner({
      backend,
      catalog: registry,
      processors,
      concurrency: 4,
      shutdownGraceMs: 2_000,
      workerOptions: { lockDuration: 2_000, stalledInterval: 1_000 },
    });

    const effects = async () => Number((await sql.query('SELECT count(*) AS n FROM job_effects')).rows[0].n);
    while ((await effects()) < JOBS / 3) await new Promise((resolve) => setTimeout(resolve, 20));
    await stopRedis(redis); // mid-run, no goodbye
    const doneAtKill = await effects();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    redis = await startRedis(port, dir);

    const deadline = Date.now() + 60_000;
    const queue = producer.queue('restart');
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'delayed', 'failed');
      if (counts.completed === JOBS) break;
      if (Date.now() > deadline) throw new Error(`not every job completed: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const failed = await queue.getJobCounts('failed');
    await runner.close();
    await producer.close();

    expect(doneAtKill).toBeLessThan(JOBS);
    expect(failed).toEqual({ failed: 0 });
    expect(await effects()).toBe(JOBS);
    const { rows } = await sql.query<{ key: string }>('SELECT key FROM job_effects ORDER BY key');
    expect(new Set(rows.map((row) => row.key)).size).toBe(JOBS);
  }, 120_000);
});
