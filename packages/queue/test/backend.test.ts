import {
  createTestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
} from '@groundtruth/db/testing';
import { createQueueBackend, type QueueBackend } from '../src';

async function roundTrip(backend: QueueBackend): Promise<unknown> {
  const { Queue, Worker } = backend.classes;
  const queue = new Queue('roundtrip', backend.connectionOptions() as never);
  const worker = new Worker('roundtrip', async (job) => ({ doubled: (job.data as { n: number }).n * 2 }), {
    ...(backend.connectionOptions() as object),
  } as never);
  try {
    const done = new Promise((resolve, reject) => {
      worker.on('completed', (_job, result) => resolve(result));
      worker.on('failed', (_job, error) => reject(error));
    });
    await queue.add('double', { n: 21 });
    return await done;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  }
}

describe('queue backends', () => {
  it('runs a job on Redis under its own prefix', async () => {
    const backend = createQueueBackend({ redisUrl: testRedisUrl(), prefix: uniqueRedisPrefix() });
    try {
      expect(await backend.check()).toMatchObject({ ok: true, backend: 'redis' });
      expect(await roundTrip(backend)).toEqual({ doubled: 42 });
    } finally {
      await backend.close();
    }
  });

  describe('PostgreSQL', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('queue');
    });
    afterAll(() => db.drop());

    it('runs a job on the database when no Redis is configured', async () => {
      const backend = createQueueBackend({ databaseUrl: db.url, prefix: 'test' });
      try {
        expect(await backend.check()).toMatchObject({ ok: true, backend: 'postgres' });
        expect(await roundTrip(backend)).toEqual({ doubled: 42 });
      } finally {
        await backend.close();
      }
    });
  });

  it('reports an unreachable Redis instead of throwing', async () => {
    const backend = createQueueBackend({ redisUrl: 'redis://127.0.0.1:1', prefix: 'x' });
    const status = await backend.check();
    expect(status.ok).toBe(false);
    expect(status.error).toBeTruthy();
    await backend.close();
  });
});
