import path from 'node:path';
import { startThreads, type ThreadFailure } from '../../shared/thread-pool';
import type { Batch, BatchWriter } from '../batches';

export interface WriterThreadData {
  url: string;
  connections: number;
}

export type ToWriterThread =
  | { type: 'write'; id: number; batch: Batch }
  | { type: 'commit'; id: number }
  | { type: 'abort'; id: number };

export type FromWriterThread = { type: 'done'; id: number } | ThreadFailure;

/**
 * The createMany writer: batches go round-robin to `threads` worker threads, each with its own Prisma client, so
 * Prisma's per-row CPU cost is spread over the cores. Commits still happen in batch order: a thread commits a batch
 * only after the pipeline tells it the batch before has committed.
 */
export function createManyWriter(url: string, threads: number, connectionsPerThread: number): BatchWriter {
  const pool = startThreads<ToWriterThread, FromWriterThread>(
    'createMany writer',
    path.join(__dirname, 'create-many-worker.ts'),
    Math.max(1, threads),
    {
      workerData: { url, connections: connectionsPerThread } satisfies WriterThreadData,
      // Prisma's client leaves much garbage per batch; a bounded heap collects it instead of growing to ~160 MB
      resourceLimits: { maxOldGenerationSizeMb: 96 },
    },
  );
  let nextId = 0;
  return {
    wantsRows: true,
    async write(batch, previous) {
      const id = nextId++;
      const written = pool.request({ type: 'write', id, batch: { ...batch, copyText: Buffer.alloc(0) } });
      previous.then(
        () => pool.post({ type: 'commit', id }),
        () => pool.post({ type: 'abort', id }),
      );
      await written;
    },
    close: () => pool.close(),
  };
}
