import { z } from 'zod';
import {
  createTestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
} from '@groundtruth/db/testing';
import { createQueueBackend, type QueueBackend } from '@groundtruth/queue';
import {
  createJobProducer,
  defineJob,
  NoLiveWorkerError,
  PermanentJobError,
  startJobRunner,
  type JobContext,
  type JobDefinition,
  type JobProducer,
  type JobRunner,
} from '../src';

// A registry of test jobs: the mechanics are the same for every registered job.
const testRegistry: Record<string, JobDefinition> = {
  'test.echo': defineJob({
    queue: 'mechanics',
    name: 'echo',
    data: z.object({ key: z.string().min(1), value: z.number().int() }),
    result: z.object({ doubled: z.number().int() }),
    jobId: (data) => `echo-${data.key}`,
    options: { backoff: { type: 'exponential', delay: 100 }, attempts: 4 },
  }),
};

type Processor = (data: { key: string; value: number }, context: JobContext) => Promise<unknown>;

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function suite(name: string, makeBackend: () => Promise<QueueBackend>, cleanup: () => Promise<void>) {
  describe(name, () => {
    let backend: QueueBackend;
    let producer: JobProducer<typeof testRegistry>;
    let runner: JobRunner | undefined;
    let processor: Processor;
    const start = (graceMs = 5_000, extra: { isPermanent?: (error: unknown) => boolean } = {}) => {
      runner = startJobRunner({
        ...extra,
        backend,
        catalog: testRegistry,
        processors: {
          'test.echo': (data: unknown, context: JobContext) => processor(data as never, context),
        },
        concurrency: 2,
        shutdownGraceMs: graceMs,
      });
      return runner;
    };
    const jobState = async (id: string) => {
      const queue = producer.queue('mechanics');
      const state = await queue.getJobState(id);
      // the job after its state: an object read before can predate its result
      const job = await queue.getJob(id);
      return job && state !== 'unknown' ? { state, job } : undefined;
    };
    const finished = (id: string) =>
      until(async () => {
        const found = await jobState(id);
        return found && (found.state === 'completed' || found.state === 'failed') ? found : undefined;
      });

    beforeAll(async () => {
      backend = await makeBackend();
      producer = createJobProducer(backend, testRegistry);
    });
    afterEach(async () => {
      await runner?.close();
      runner = undefined;
      await producer.queue('mechanics').obliterate({ force: true });
    });
    afterAll(async () => {
      await producer.close();
      await backend.close();
      await cleanup();
    });

    it('validates data before enqueueing and names the field', async () => {
      await expect(producer.enqueue('test.echo' as never, { key: '', value: 1 })).rejects.toThrow(/key/);
      expect(await producer.queue('mechanics').count()).toBe(0);
    });

    it('runs a job, validates its result and records progress', async () => {
      processor = async (data, context) => {
        await context.progress(50);
        return { doubled: data.value * 2 };
      };
      start();
      const { id } = await producer.enqueue('test.echo' as never, { key: 'a', value: 21 });
      expect(id).toBe('echo-a');
      const { state, job } = await finished(id);
      expect(state).toBe('completed');
      expect(job.returnvalue).toEqual({ doubled: 42 });
      expect(job.progress).toBe(50);
    });

    it('re-submitting the same work is a no-op (deterministic job id)', async () => {
      let runs = 0;
      processor = async (data) => {
        runs++;
        return { doubled: data.value * 2 };
      };
      const first = await producer.enqueue('test.echo' as never, { key: 'same', value: 1 });
      const second = await producer.enqueue('test.echo' as never, { key: 'same', value: 1 });
      expect(first).toEqual({ id: 'echo-same', created: true });
      expect(second).toEqual({ id: 'echo-same', created: false });
      start();
      await finished('echo-same');
      expect(runs).toBe(1);
    });

    it('retries with exponential backoff, then succeeds', async () => {
      const attempts: number[] = [];
      processor = async (data, context) => {
        attempts.push(Date.now());
        if (context.attempt < 3) throw new Error(`transient ${context.attempt}`);
        return { doubled: data.value * 2 };
      };
      start();
      await producer.enqueue('test.echo' as never, { key: 'retry', value: 2 });
      const { state, job } = await finished('echo-retry');
      expect(state).toBe('completed');
      expect(job.attemptsMade).toBe(3);
      expect(attempts).toHaveLength(3);
      const [a, b, c] = attempts as [number, number, number];
      // 100 ms, then 200 ms (the PostgreSQL backend promotes delayed jobs on a coarser tick: some slack)
      expect(b - a).toBeGreaterThanOrEqual(75);
      expect(c - b).toBeGreaterThanOrEqual(150);
    });

    it('fails at once on a permanent error or an invalid result', async () => {
      processor = async (data) => {
        if (data.key === 'permanent') throw new PermanentJobError('row is gone');
        return { doubled: 'not a number' };
      };
      start();
      await producer.enqueue('test.echo' as never, { key: 'permanent', value: 1 });
      await producer.enqueue('test.echo' as never, { key: 'badresult', value: 1 });
      const permanent = await finished('echo-permanent');
      const badResult = await finished('echo-badresult');
      expect(permanent.state).toBe('failed');
      expect(permanent.job.attemptsMade).toBe(1);
      expect(permanent.job.failedReason).toBe('row is gone');
      expect(badResult.state).toBe('failed');
      expect(badResult.job.attemptsMade).toBe(1);
      expect(badResult.job.failedReason).toMatch(/Invalid result of test.echo: doubled/);
    });

    it('fails at once on an error the application calls permanent (its input errors), retries the others', async () => {
      class InputError extends Error {
        override name = 'InputError';
      }
      processor = async (data) => {
        throw data.key === 'input' ? new InputError('bad input') : new Error('flaky');
      };
      start(5_000, { isPermanent: (error) => error instanceof InputError });
      await producer.enqueue('test.echo' as never, { key: 'input', value: 1 });
      await producer.enqueue('test.echo' as never, { key: 'flaky', value: 1 });
      const input = await finished('echo-input');
      expect(input.state).toBe('failed');
      expect(input.job.attemptsMade).toBe(1);
      expect(input.job.failedReason).toBe('bad input');
      const flaky = await finished('echo-flaky');
      expect(flaky.job.attemptsMade).toBe(4);
      // run() names what the processor threw, so an application can answer its own kind of error
      await expect(producer.run('test.echo' as never, { key: 'input', value: 2 })).rejects.toMatchObject({
        name: 'JobFailedError',
        message: 'bad input',
        failedAs: 'InputError',
      });
    });

    it('beats while running, stops beating on close; run() refuses at once without a live worker', async () => {
      await expect(producer.run('test.echo' as never, { key: 'nobody', value: 1 })).rejects.toBeInstanceOf(
        NoLiveWorkerError,
      );
      expect(await producer.queue('mechanics').count()).toBe(0);
      await expect(producer.run('test.echo' as never, { key: '', value: 1 })).rejects.toThrow(/key/);

      processor = async (data) => ({ doubled: data.value * 2 });
      const running = start();
      await running.firstHeartbeat;
      const live = await producer.liveWorkers();
      expect(live).toEqual([
        expect.objectContaining({ id: running.heartbeatId, queues: ['mechanics'], pid: process.pid }),
      ]);
      expect(await producer.run('test.echo' as never, { key: 'somebody', value: 4 })).toEqual({ doubled: 8 });
      await running.close();
      runner = undefined;
      expect(await producer.liveWorkers()).toEqual([]);
    });

    it('a run() waiting on a worker that stops beating gives up with NoLiveWorkerError', async () => {
      processor = async (_data, context) => {
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
        throw new Error('aborted');
      };
      const running = start(100);
      await running.firstHeartbeat;
      const waiting = producer.run('test.echo' as never, { key: 'abandoned', value: 1 });
      await until(async () => ((await jobState('echo-abandoned'))?.state === 'active' ? true : undefined));
      await running.close(); // hands the job back and removes its heartbeat
      runner = undefined;
      await expect(waiting).rejects.toBeInstanceOf(NoLiveWorkerError);
      expect(await jobState('echo-abandoned')).toBeUndefined(); // not left queued for a worker started later
    });

    it('on shutdown lets a short job finish and hands a long one back without spending an attempt', async () => {
      processor = async (data, context) => {
        if (data.key === 'short') {
          await new Promise((resolve) => setTimeout(resolve, 200));
          return { doubled: 2 };
        }
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 60_000);
          context.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new Error('aborted'));
          });
        });
        return { doubled: 0 };
      };
      const first = start(3_000); // the short job's 200 ms fit easily, even on a busy machine
      await producer.enqueue('test.echo' as never, { key: 'short', value: 1 });
      await producer.enqueue('test.echo' as never, { key: 'long', value: 1 });
      await until(async () => ((await jobState('echo-long'))?.state === 'active' ? true : undefined));
      await until(async () => ((await jobState('echo-short'))?.state === 'active' ? true : undefined));
      await first.close();
      expect((await jobState('echo-short'))?.state).toBe('completed');
      const handedBack = await jobState('echo-long');
      expect(handedBack?.state).toBe('waiting');
      expect(handedBack?.job.attemptsMade).toBe(0);

      processor = async () => ({ doubled: 7 });
      start();
      const done = await finished('echo-long');
      expect(done.state).toBe('completed');
      expect(done.job.returnvalue).toEqual({ doubled: 7 });
    });
  });
}

suite(
  'job runner on Redis',
  async () => createQueueBackend({ redisUrl: testRedisUrl(), prefix: uniqueRedisPrefix('jobs') }),
  async () => {},
);

let postgres: TestDatabase | undefined;
suite(
  'job runner on the PostgreSQL backend',
  async () => {
    postgres = await createTestDatabase('jobs');
    return createQueueBackend({ databaseUrl: postgres.url, prefix: 'jobs' });
  },
  async () => postgres?.drop(),
);
