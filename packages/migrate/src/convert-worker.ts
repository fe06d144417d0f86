/** A conversion thread: reads and converts the rowid ranges the pipeline hands it (convert-threads.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { convertChunk } from './rows';
import { openSource } from './source';
import type { FromConvertThread, ToConvertThread } from './convert-threads';

const source = openSource(workerData as string, { checkIntegrity: false });
const port = parentPort!;

port.on('message', (message: ToConvertThread) => {
  if (message.type === 'close') {
    source.close();
    port.close();
    return;
  }
  let reply: FromConvertThread;
  try {
    const chunk = convertChunk(source, message.request);
    reply = { type: 'done', id: message.id, chunk };
    port.postMessage(reply, [
      chunk.copyText.buffer,
      chunk.outcome.buffer,
      chunk.rowids.buffer,
      chunk.lineEnds.buffer,
      chunk.hashes.buffer,
    ] as ArrayBuffer[]);
  } catch (error) {
    const { message: text, code } = error as { message?: string; code?: string };
    reply = { type: 'failed', id: message.id, message: text ?? String(error), code };
    port.postMessage(reply);
  }
});
