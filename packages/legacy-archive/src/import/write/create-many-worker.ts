/** A createMany writer thread: its own Prisma client writes the batches the pipeline hands it (create-many-threads.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { migratorDatabase } from '../../shared/postgres';
import { threadFailure } from '../../shared/thread-pool';
import { prismaBatchWriter } from './create-many';
import type { FromWriterThread, ToWriterThread, WriterThreadData } from './create-many-threads';

const { url, connections } = workerData as WriterThreadData;
const port = parentPort!;
// every createMany carries different rows: cached plans would only pile up
const db = migratorDatabase(url, connections, { queryPlanCacheMaxSize: 0 });
const writer = prismaBatchWriter(db.prisma);
const permissions = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
const post = (message: FromWriterThread) => port.postMessage(message);

port.on('message', (message: ToWriterThread | { type: 'close' }) => {
  switch (message.type) {
    case 'write': {
      // the pipeline sends 'commit' once the batch before has committed, 'abort' when it failed
      const previous = new Promise<void>((resolve, reject) =>
        permissions.set(message.id, { resolve, reject }),
      );
      // a batch that failed by itself (the connection lost) no longer waits on this: its abort is no thread crash
      previous.catch(() => undefined);
      writer.write(message.batch, previous).then(
        () => post({ type: 'done', id: message.id }),
        (error: unknown) => post(threadFailure(message.id, error)),
      );
      break;
    }
    case 'commit':
      permissions.get(message.id)?.resolve();
      permissions.delete(message.id);
      break;
    case 'abort':
      permissions.get(message.id)?.reject(new Error('an earlier batch failed'));
      permissions.delete(message.id);
      break;
    case 'close':
      // exit even if a library left a timer or handle behind
      void db.close().finally(() => process.exit(0));
      break;
  }
});
