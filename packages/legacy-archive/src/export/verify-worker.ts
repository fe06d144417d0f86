/** A verification thread: reads committed rowid ranges of the file back as the import would (verify-file.ts). */
import { parentPort } from 'node:worker_threads';
import { convertChunk } from '../import/convert/chunk';
import { TableHash } from '../shared/checksum';
import { openSource } from '../shared/sqlite';
import { threadFailure } from '../shared/thread-pool';
import type { FromVerifyThread, ToVerifyThread } from './verify-file';

const port = parentPort!;
const CHUNK_ROWS = 5000;

function verifyRange(message: Extract<ToVerifyThread, { type: 'verify' }>): FromVerifyThread {
  const { plan, after, upTo, skip } = message;
  // a fresh read transaction: it sees every range committed before the request was sent
  const source = openSource(message.file);
  try {
    const skipped = new Set(skip.map(BigInt));
    const hash = new TableHash();
    const problems: string[] = [];
    let rows = 0;
    let from = BigInt(after);
    const end = BigInt(upTo);
    while (from < end) {
      const next = source.rangeEnd(plan.target.table, from, CHUNK_ROWS);
      const to = next === null || next > end ? end : next;
      const chunk = convertChunk(source, { plan, keys: [], after: from, upTo: to, wantRows: false });
      for (let r = 0; r < chunk.read; r++) {
        if (skipped.has(chunk.rowids[r]!)) continue;
        const outcome = chunk.outcome[r]!;
        if (outcome < 0) {
          if (problems.length < 3)
            problems.push(`rowid ${chunk.rowids[r]} would not import: ${chunk.failed[-outcome - 1]!.reason}`);
          continue;
        }
        hash.addHash(chunk.hashes[outcome * 2]!, chunk.hashes[outcome * 2 + 1]!);
        rows++;
      }
      from = to;
    }
    return { type: 'verified', id: message.id, rows, hash: hash.value.toString(), problems };
  } finally {
    source.close();
  }
}

port.on('message', (message: ToVerifyThread | { type: 'close' }) => {
  if (message.type === 'close') {
    port.close();
    return;
  }
  try {
    port.postMessage(verifyRange(message));
  } catch (error) {
    port.postMessage(threadFailure(message.id, error));
  }
});
