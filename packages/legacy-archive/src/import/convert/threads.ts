import path from 'node:path';
import type { LegacySource } from '../../shared/sqlite';
import { startThreads, type ThreadFailure } from '../../shared/thread-pool';
import type { ChunkRequest, ConvertedChunk } from '../batches';
import { convertChunk } from './chunk';

export type ToConvertThread =
  { type: 'check'; id: number } | { type: 'convert'; id: number; request: ChunkRequest };

export type FromConvertThread =
  { type: 'checked'; id: number } | { type: 'done'; id: number; chunk: ConvertedChunk } | ThreadFailure;

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
      checkIntegrity: () => Promise.resolve(source.checkIntegrity()),
      convert: (request) => Promise.resolve(convertChunk(source, request)),
      close: () => Promise.resolve(),
    };
  }
  const pool = startThreads<ToConvertThread, FromConvertThread>(
    'conversion',
    path.join(__dirname, 'worker.ts'),
    threads,
    {
      workerData: source.path,
      // a bounded heap keeps RSS down; a chunk takes about 0.5 KB of heap per row while it is converted
      resourceLimits: {
        maxOldGenerationSizeMb: Math.max(48, 32 + Math.ceil(chunkRows / 2000)),
        maxYoungGenerationSizeMb: 8,
      },
    },
  );
  let nextId = 0;
  return {
    checkIntegrity: async () => {
      await pool.request({ type: 'check', id: nextId++ });
    },
    convert: async (request) => {
      const reply = await pool.request({ type: 'convert', id: nextId++, request });
      if (reply.type !== 'done') throw new Error(`conversion thread: unexpected reply ${reply.type}`);
      // a Buffer crosses threads as a plain Uint8Array
      const { copyText } = reply.chunk;
      return {
        ...reply.chunk,
        copyText: Buffer.from(copyText.buffer, copyText.byteOffset, copyText.byteLength),
      };
    },
    close: () => pool.close(),
  };
}
