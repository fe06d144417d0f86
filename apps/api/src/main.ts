import { configWarnings, loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import { createQueueBackend, queueOptionsFromConfig } from '@groundtruth/queue';
import { createApp, createLogger } from './app';
import { createAppContext } from './context';
import { applyServerTimeouts } from './limits';

const config = loadConfig();
const logger = createLogger(config);
for (const warning of configWarnings(config)) {
  if (config.NODE_ENV === 'production') logger.warn(`SECURITY WARNING: ${warning}`);
  else logger.info(warning);
}
const db = createDatabase(databaseOptionsFromConfig(config, 'groundtruth-api'));
const queue = createQueueBackend(queueOptionsFromConfig(config));
const context = createAppContext({ config, db, queue });
const { jobs } = context;

const server = createApp(context, logger).listen(config.API_PORT, config.API_HOST, () => {
  logger.info(
    `API listening on http://${config.API_HOST === '0.0.0.0' ? 'localhost' : config.API_HOST}:${config.API_PORT}`,
  );
});
applyServerTimeouts(server, config);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'draining connections');
  server.closeIdleConnections();
  const forced = setTimeout(() => server.closeAllConnections(), 10_000).unref();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearTimeout(forced);
  await jobs.close();
  await Promise.allSettled([db.close(), queue.close()]);
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
