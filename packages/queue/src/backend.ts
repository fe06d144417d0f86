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

/** What a live worker process last said about itself (packages/jobs runner heartbeats). */
export interface WorkerHeartbeat {
  id: string;
  /** The queues it consumes. */
  queues: string[];
  pid: number;
  hostname: string;
  startedAt: string;
}

/**
 * Heartbeats with a time to live, kept where the queues are (Redis keys with PX, or a table in the PostgreSQL
 * queue schema): a worker that stops beating disappears from `live()` after its TTL.
 */
export interface HeartbeatStore {
  beat(heartbeat: WorkerHeartbeat, ttlMs: number): Promise<void>;
  live(): Promise<WorkerHeartbeat[]>;
  remove(id: string): Promise<void>;
}

export interface QueueBackend {
  kind: QueueBackendKind;
  heartbeats: HeartbeatStore;
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
    const heartbeatKey = (id: string) => `${options.prefix}:heartbeat:${id}`;
    const heartbeats: HeartbeatStore = {
      async beat(heartbeat, ttlMs) {
        await redis.set(heartbeatKey(heartbeat.id), JSON.stringify(heartbeat), 'PX', ttlMs);
      },
      async live() {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(cursor, 'MATCH', heartbeatKey('*'), 'COUNT', 500);
          cursor = next;
          keys.push(...found);
        } while (cursor !== '0');
        if (keys.length === 0) return [];
        const values = await redis.mget(...keys);
        return values.flatMap((value) => (value ? [JSON.parse(value) as WorkerHeartbeat] : []));
      },
      async remove(id) {
        await redis.del(heartbeatKey(id));
      },
    };
    return {
      kind: 'redis',
      heartbeats,
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
  // Beside BullMQ's schema, not inside it: creating that schema is its migration's part.
  const table = `"${schema}_heartbeats"`;
  let tableReady: Promise<unknown> | undefined;
  const heartbeatTable = () =>
    (tableReady ??= probePool
      .query(
        `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, heartbeat jsonb NOT NULL, expires_at timestamptz NOT NULL)`,
      )
      .catch((error: unknown) => {
        tableReady = undefined;
        throw error;
      }));
  const heartbeats: HeartbeatStore = {
    async beat(heartbeat, ttlMs) {
      await heartbeatTable();
      await probePool.query(
        `INSERT INTO ${table} (id, heartbeat, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat, expires_at = EXCLUDED.expires_at`,
        [heartbeat.id, JSON.stringify(heartbeat), ttlMs],
      );
    },
    async live() {
      await heartbeatTable();
      const { rows } = await probePool.query<{ heartbeat: WorkerHeartbeat }>(
        `SELECT heartbeat FROM ${table} WHERE expires_at > now() ORDER BY id`,
      );
      return rows.map((row) => row.heartbeat);
    },
    async remove(id) {
      await heartbeatTable();
      await probePool.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
    },
  };
  return {
    kind: 'postgres',
    heartbeats,
    classes,
    connectionOptions: () => ({
      connection: { connectionString: options.databaseUrl, schema, max: 5, migrate: true },
    }),
    check: () => timed('postgres', () => probePool.query('SELECT 1')),
    close: () => probePool.end(),
  };
}
