import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { convertChunk, type ChunkRequest, type ConvertedChunk } from './rows';
import { MigrateError, type MigrateErrorKind } from './errors';
import { checkIntegrity, type LegacySource } from './source';
import { threadBootstrap } from './threads';

export type ToConvertThread =
  { type: 'check'; id: number } | { type: 'convert'; id: number; request: ChunkRequest } | { type: 'close' };

export type FromConvertThread =
  | { type: 'checked'; id: number }
  | { type: 'done'; id: number; chunk: ConvertedChunk }
  | { type: 'failed'; id: number; message: string; code?: string; kind?: MigrateErrorKind };

/** Reads and converts rowid ranges: on `threads` worker threads, or inline on this thread when threads is 0. */
export interface ChunkConverter {
  /** SQLite's quick_check of the legacy file (on a thread, so it overlaps what the pipeline does meanwhile) */
  checkIntegrity(): Promise<void>;
  convert(request: ChunkRequest): Promise<ConvertedChunk>;
  close(): Promise<void>;
}

/**
 * Each thread opens the legacy file itself. They see the pipeline's snapshot because the pipeline's read
 * transaction holds SQLite's shared lock for the whole run, so no writer can commit meanwhile; a WAL-mode file
 * lets writers commit under readers, so there the pipeline converts inline.
 */
export function chunkConverter(source: LegacySource, threads: number, chunkRows: number): ChunkConverter {
  if (threads <= 0) {
    return {
      checkIntegrity: () => {
        try {
          checkIntegrity(source);
          return Promise.resolve();
        } catch (error) {
          return Promise.reject(error as Error);
        }
      },
      convert: (request) => {
        try {
          return Promise.resolve(convertChunk(source, request));
        } catch (error) {
          return Promise.reject(error as Error);
        }
      },
      close: () => Promise.resolve(),
    };
  }
  const pending = new Map<
    number,
    { resolve: (chunk: ConvertedChunk | undefined) => void; reject: (error: Error) => void }
  >();
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  };
  const running = new Set<Worker>();
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(threadBootstrap(path.join(__dirname, 'convert-worker.ts')), {
      eval: true,
      workerData: source.path,
      // a bounded heap keeps RSS down; a chunk takes about 0.5 KB of heap per row while it is converted
      resourceLimits: {
        maxOldGenerationSizeMb: Math.max(48, 32 + Math.ceil(chunkRows / 2000)),
        maxYoungGenerationSizeMb: 8,
      },
    });
    running.add(worker);
    worker.on('message', (message: FromConvertThread) => {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === 'done') {
        // a Buffer crosses threads as a plain Uint8Array
        const { copyText } = message.chunk;
        message.chunk.copyText = Buffer.from(copyText.buffer, copyText.byteOffset, copyText.byteLength);
        waiting?.resolve(message.chunk);
      } else if (message.type === 'checked') {
        waiting?.resolve(undefined);
      } else {
        const error = message.kind
          ? new MigrateError(message.kind, message.message)
          : Object.assign(new Error(message.message), { code: message.code });
        waiting?.reject(error);
      }
    });
    worker.on('error', (error) => failAll(new Error(`conversion thread failed: ${error.message}`)));
    worker.on('exit', (code) => {
      running.delete(worker);
      failAll(new Error(`conversion thread exited${code === 0 ? '' : ` with code ${code}`}`));
    });
    return worker;
  });
  let nextId = 0;
  const send = (message: ToConvertThread & { id: number }) => {
    if (failure) return Promise.reject(failure);
    const reply = new Promise<ConvertedChunk | undefined>((resolve, reject) =>
      pending.set(message.id, { resolve, reject }),
    );
    workers[message.id % workers.length]!.postMessage(message);
    return reply;
  };
  return {
    checkIntegrity: async () => {
      await send({ type: 'check', id: nextId++ });
    },
    convert: async (request) => (await send({ type: 'convert', id: nextId++, request }))!,
    async close() {
      await Promise.all(
        [...running].map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.once('exit', () => resolve());
              worker.postMessage({ type: 'close' } satisfies ToConvertThread);
            }),
        ),
      );
    },
  };
}
