import { pino } from 'pino';
import { loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import {
  createDomainDeps,
  createServices,
  isPermanentJobFailure,
  jobCatalog,
  jobProcessors,
} from '@groundtruth/domain';
import { startJobRunner } from '@groundtruth/jobs';
import { createQueueBackend, queueOptionsFromConfig } from '@groundtruth/queue';

const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL, name: 'worker' });
const db = createDatabase(databaseOptionsFromConfig(config, 'groundtruth-worker'));
const queue = createQueueBackend(queueOptionsFromConfig(config));
const deps = createDomainDeps({ config, db, queue });
const producer = deps.jobs;
const services = createServices(deps);
const runner = startJobRunner({
  backend: queue,
  catalog: jobCatalog,
  processors: jobProcessors(services),
  concurrency: config.WORKER_CONCURRENCY,
  shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE_MS,
  isPermanent: isPermanentJobFailure,
  workerOptions: {
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: Math.min(30_000, config.WORKER_LOCK_DURATION_MS),
  },
  logger,
});

async function start(): Promise<void> {
  const status = await queue.check();
  // The alert sync's job scheduler follows the interval stored in settings (the API re-applies it on change).
  const syncEveryMinutes = await services.ecoeyeSync.applySchedule();
  logger.info(
    {
      backend: status.backend,
      ok: status.ok,
      queues: runner.workers.map((worker) => worker.name),
      syncEveryMinutes,
    },
    'worker started',
  );
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: finishing or handing back active jobs');
  await runner.close();
  await producer.close();
  await Promise.allSettled([db.close(), queue.close()]);
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

start().catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker failed to start');
  process.exit(1);
});
