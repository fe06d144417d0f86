import { pino } from 'pino';
import { loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import { createQueueBackend } from '@groundtruth/queue';

const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL, name: 'worker' });
const db = createDatabase(databaseOptionsFromConfig(config, 'groundtruth-worker'));
const queue = createQueueBackend({
  redisUrl: config.REDIS_URL,
  databaseUrl: config.DATABASE_URL,
  prefix: config.QUEUE_PREFIX,
});

async function start(): Promise<void> {
  const status = await queue.check();
  logger.info({ backend: status.backend, ok: status.ok }, 'worker started');
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  await Promise.allSettled([db.close(), queue.close()]);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

start().catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker failed to start');
  process.exit(1);
});
