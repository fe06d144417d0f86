import { createPostgresBackend, Queue, QueueEvents, Worker, withBackend } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

export type QueueBackendKind = 'redis' | 'postgres';

export interface QueueBackendStatus {
  ok: boolean;
  backend: QueueBackendKind;
  latencyMs: number;
  error?: string;
}

/** The constructors BullMQ gives for one backend; the same API on Redis and on PostgreSQL. */
export interface QueueClasses {
  Queue: typeof Queue;
  Worker: typeof Worker;
  QueueEvents: typeof QueueEvents;
}

export interface QueueBackend {
  kind: QueueBackendKind;
  classes: QueueClasses;
  /** Spread into the options of every Queue, Worker and QueueEvents of this backend. */
  connectionOptions(): { connection: unknown; prefix?: string };
  check(): Promise<QueueBackendStatus>;
  close(): Promise<void>;
}

export interface QueueBackendOptions {
  /** Redis in production; when absent, BullMQ's PostgreSQL backend on `databaseUrl`. */
  redisUrl?: string | undefined;
  databaseUrl?: string | undefined;
  /** Redis key prefix, or PostgreSQL schema name: keeps apps, environments and test runs apart. */
  prefix: string;
}

function postgresSchemaName(prefix: string): string {
  return `bullmq_${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}

const PROBE_TIMEOUT_MS = 2_000;

async function timed(kind: QueueBackendKind, probe: () => Promise<unknown>): Promise<QueueBackendStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, backend: kind, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      backend: kind,
      latencyMs: Math.round(performance.now() - started),
      error: (error as Error).message,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The settings of the config loader that choose and name the backend (structural: queue sits beside config). */
export interface QueueConfig {
  REDIS_URL?: string | undefined;
  DATABASE_URL?: string | undefined;
  QUEUE_PREFIX: string;
}

export function queueOptionsFromConfig(config: QueueConfig): QueueBackendOptions {
  return { redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL, prefix: config.QUEUE_PREFIX };
}

export function createQueueBackend(options: QueueBackendOptions): QueueBackend {
  if (options.redisUrl) {
    // Workers need maxRetriesPerRequest: null; one shared connection serves queues, BullMQ duplicates it for workers.
    const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    redis.on('error', () => {}); // reported through check(); ioredis keeps reconnecting
    return {
      kind: 'redis',
      classes: { Queue, Worker, QueueEvents },
      connectionOptions: () => ({ connection: redis, prefix: options.prefix }),
      check: () => timed('redis', () => redis.ping()),
      close: () => {
        redis.disconnect();
        return Promise.resolve();
      },
    };
  }
  if (!options.databaseUrl) throw new Error('A queue backend needs REDIS_URL or DATABASE_URL');
  const schema = postgresSchemaName(options.prefix);
  const probePool = new pg.Pool({ connectionString: options.databaseUrl, max: 1 });
  probePool.on('error', () => {});
  const classes = withBackend(createPostgresBackend) as unknown as QueueClasses;
  return {
    kind: 'postgres',
    classes,
    connectionOptions: () => ({
      connection: { connectionString: options.databaseUrl, schema, max: 5, migrate: true },
    }),
    check: () => timed('postgres', () => probePool.query('SELECT 1')),
    close: () => probePool.end(),
  };
}
