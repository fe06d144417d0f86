import { UnrecoverableError, WaitingError, type Job, type Worker, type WorkerOptions } from 'bullmq';
import { ZodError } from 'zod';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { QueueBackend, WorkerHeartbeat } from '@groundtruth/queue';
import type { JobCatalog, JobProcessors } from './catalog';
import type { JobContext, JobDefinition } from './define';

export interface RunnerLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface JobRunnerOptions<C extends JobCatalog> {
  backend: QueueBackend;
  catalog: C;
  /** Processors by catalog key; a worker runs the queues of the jobs it has processors for. */
  processors: JobProcessors<C>;
  /** Jobs each queue's worker runs at once (WORKER_CONCURRENCY). */
  concurrency?: number;
  logger?: RunnerLogger;
  /** On close: how long active jobs may take to finish before they are aborted and handed back. */
  shutdownGraceMs?: number;
  /** Extra BullMQ worker options (lockDuration, stalledInterval, …), mostly for tests. */
  workerOptions?: Partial<WorkerOptions>;
  /**
   * Failures a retry cannot fix besides the runner's own (bad data, ZodError, UnrecoverableError): the application's
   * input errors (e.g. a missing row). They fail the job at once instead of spending its attempts.
   */
  isPermanent?: (error: unknown) => boolean;
  /** The process's liveness beat (producers refuse to wait on a queue no live worker consumes). */
  heartbeat?: { intervalMs?: number; ttlMs?: number };
}

export interface JobRunner {
  workers: Worker[];
  /** This process's heartbeat id. */
  heartbeatId: string;
  /** Settles once the first heartbeat was written (it is retried on the next beat when it fails). */
  firstHeartbeat: Promise<void>;
  /** Stop taking jobs; let active ones finish within the grace time, then abort them and put them back in wait. */
  close(): Promise<void>;
}

const silentLogger: RunnerLogger = { info() {}, warn() {}, error() {} };

function describeZodError(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Starts one BullMQ worker per queue that has processors; each job's data and result pass its zod contract. */
export function startJobRunner<C extends JobCatalog>(options: JobRunnerOptions<C>): JobRunner {
  const logger = options.logger ?? silentLogger;
  const definitions: JobCatalog = options.catalog;
  const byQueue = new Map<string, Map<string, { key: string; definition: JobDefinition }>>();
  for (const key of Object.keys(options.processors)) {
    const definition = definitions[key];
    if (!definition) throw new Error(`Processor for unknown job "${key}"`);
    const names =
      byQueue.get(definition.queue) ?? new Map<string, { key: string; definition: JobDefinition }>();
    names.set(definition.name, { key, definition });
    byQueue.set(definition.queue, names);
  }
  const processors = options.processors as Record<
    string,
    (data: unknown, context: JobContext) => Promise<unknown>
  >;
  let stopping = false;

  const workers = [...byQueue].map(([queueName, names]) => {
    const process = async (job: Job, token?: string, signal?: AbortSignal): Promise<unknown> => {
      const entry = names.get(job.name);
      if (!entry) throw new UnrecoverableError(`No processor for job "${job.name}" on queue "${queueName}"`);
      const parsed = entry.definition.data.safeParse(job.data);
      if (!parsed.success) {
        throw new UnrecoverableError(`Invalid data for ${entry.key}: ${describeZodError(parsed.error)}`);
      }
      const context: JobContext = {
        jobId: String(job.id),
        attempt: job.attemptsMade + 1,
        signal: signal ?? new AbortController().signal,
        progress: (value) => job.updateProgress(value),
        log: async (message) => {
          await job.log(message);
        },
      };
      let result: unknown;
      try {
        result = await processors[entry.key]!(parsed.data, context);
      } catch (error) {
        if (stopping && context.signal.aborted && token) {
          // Hand the job back without spending an attempt; another worker (or this one, restarted) runs it.
          await job.moveToWait(token);
          throw new WaitingError();
        }
        if (error instanceof ZodError) throw new UnrecoverableError(describeZodError(error));
        if (!(error instanceof UnrecoverableError) && options.isPermanent?.(error)) {
          // the original stack (its first line names the error) is what the job records: run() reads it back
          const permanent = new UnrecoverableError((error as Error).message);
          permanent.stack = (error as Error).stack ?? permanent.stack;
          throw permanent;
        }
        throw error;
      }
      const checked = entry.definition.result.safeParse(result);
      if (!checked.success) {
        throw new UnrecoverableError(`Invalid result of ${entry.key}: ${describeZodError(checked.error)}`);
      }
      return checked.data;
    };
    const worker = new options.backend.classes.Worker(queueName, process, {
      ...(options.backend.connectionOptions() as object),
      concurrency: options.concurrency ?? 1,
      ...options.workerOptions,
    } as WorkerOptions);
    worker.on('failed', (job, error) => {
      logger.warn({ queue: queueName, job: job?.name, id: job?.id, err: error.message }, 'job failed');
    });
    worker.on('error', (error) => logger.error({ queue: queueName, err: error.message }, 'worker error'));
    return worker;
  });

  const heartbeat: WorkerHeartbeat = {
    id: `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
    queues: [...byQueue.keys()],
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
  };
  const intervalMs = options.heartbeat?.intervalMs ?? 5_000;
  const ttlMs = options.heartbeat?.ttlMs ?? intervalMs * 3;
  const beat = () =>
    options.backend.heartbeats.beat(heartbeat, ttlMs).catch((error: unknown) => {
      logger.warn({ err: (error as Error).message }, 'heartbeat failed');
    });
  const firstHeartbeat = beat();
  const beating = setInterval(() => void beat(), intervalMs);
  beating.unref();

  let closing: Promise<void> | undefined;
  return {
    workers,
    heartbeatId: heartbeat.id,
    firstHeartbeat,
    close() {
      closing ??= (async () => {
        stopping = true;
        const graceMs = options.shutdownGraceMs ?? 25_000;
        await Promise.all(
          workers.map(async (worker) => {
            let timer: NodeJS.Timeout | undefined;
            const finished = worker.close();
            const timedOut = await Promise.race([
              finished.then(() => false),
              new Promise<boolean>((resolve) => {
                timer = setTimeout(() => resolve(true), graceMs);
              }),
            ]);
            clearTimeout(timer);
            if (timedOut) {
              logger.warn({ queue: worker.name }, 'active jobs did not finish in time: handing them back');
              worker.cancelAllJobs('worker shutting down');
              await finished;
            }
          }),
        );
        // Beats until its jobs are finished or handed back, so waiting producers do not give up early.
        clearInterval(beating);
        await firstHeartbeat;
        await options.backend.heartbeats.remove(heartbeat.id).catch(() => {});
      })();
      return closing;
    },
  };
}
