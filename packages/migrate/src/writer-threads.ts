import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Batch, BatchWriter } from './writers';

export interface WriterThreadData {
  url: string;
  connections: number;
}

export type ToWriterThread =
  | { type: 'write'; id: number; batch: Batch }
  | { type: 'commit'; id: number }
  | { type: 'abort'; id: number }
  | { type: 'close' };

export type FromWriterThread = { type: 'done'; id: number } | { type: 'failed'; id: number; message: string };

/** The thread loads its TypeScript source through tsx's require hook, whether or not this process runs under tsx. */
function threadBootstrap(file: string): string {
  const tsx = createRequire(__filename).resolve('tsx/cjs/api');
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
}

/**
 * The createMany writer: batches go round-robin to `threads` worker threads, each with its own Prisma client, so
 * Prisma's per-row CPU cost is spread over the cores. Commits still happen in batch order: a thread commits a batch
 * only after the pipeline tells it the batch before has committed.
 */
export function createManyWriter(url: string, threads: number, connectionsPerThread: number): BatchWriter {
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  };
  const workers = Array.from({ length: Math.max(1, threads) }, () => {
    const worker = new Worker(threadBootstrap(path.join(__dirname, 'create-many-worker.ts')), {
      eval: true,
      // Prisma's client leaves much garbage per batch; a bounded heap collects it instead of growing to ~160 MB
      resourceLimits: { maxOldGenerationSizeMb: 96 },
      workerData: { url, connections: connectionsPerThread } satisfies WriterThreadData,
    });
    worker.on('message', (message: FromWriterThread) => {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === 'done') waiting?.resolve();
      else waiting?.reject(new Error(message.message));
    });
    worker.on('error', (error) => failAll(new Error(`createMany writer thread failed: ${error.message}`)));
    worker.on('exit', (code) => {
      if (code !== 0) failAll(new Error(`createMany writer thread exited with code ${code}`));
    });
    return worker;
  });
  let nextId = 0;
  return {
    wantsRows: true,
    write(batch, previous) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      const worker = workers[id % workers.length]!;
      const written = new Promise<void>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({
        type: 'write',
        id,
        batch: { ...batch, copyText: Buffer.alloc(0) },
      } satisfies ToWriterThread);
      previous.then(
        () => worker.postMessage({ type: 'commit', id } satisfies ToWriterThread),
        () => worker.postMessage({ type: 'abort', id } satisfies ToWriterThread),
      );
      return written;
    },
    async close() {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.once('exit', () => resolve());
              worker.postMessage({ type: 'close' } satisfies ToWriterThread);
            }),
        ),
      );
    },
  };
}
