/** A conversion thread: reads and converts the rowid ranges the pipeline hands it (threads.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { openThreadSource } from '../../shared/sqlite';
import { threadFailure } from '../../shared/thread-pool';
import { convertChunk } from './chunk';
import type { FromConvertThread, ToConvertThread } from './threads';

const source = openThreadSource(workerData as string);
const port = parentPort!;

port.on('message', (message: ToConvertThread | { type: 'close' }) => {
  if (message.type === 'close') {
    source.close();
    port.close();
    return;
  }
  try {
    if (message.type === 'check') {
      source.checkIntegrity();
      port.postMessage({ type: 'checked', id: message.id } satisfies FromConvertThread);
      return;
    }
    const chunk = convertChunk(source, message.request);
    port.postMessage({ type: 'done', id: message.id, chunk } satisfies FromConvertThread, [
      chunk.copyText.buffer,
      chunk.outcome.buffer,
      chunk.rowids.buffer,
      chunk.hashes.buffer,
    ] as ArrayBuffer[]);
  } catch (error) {
    port.postMessage(threadFailure(message.id, error));
  }
});
