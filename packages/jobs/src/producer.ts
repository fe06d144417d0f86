import type { JobsOptions, JobState, Queue } from 'bullmq';
import type { QueueBackend, QueueBackendStatus, WorkerHeartbeat } from '@groundtruth/queue';
import {
  catalogQueueNames,
  type JobCatalog,
  type JobData,
  type JobInput,
  type JobKey,
  type JobResult,
} from './catalog';
import { JobFailedError, NoLiveWorkerError, type JobDefinition } from './define';

export interface EnqueueResult {
  /** The BullMQ job id (the deterministic one when the definition has `jobId`). */
  id: string;
  /** false when a job with this id was already known, so nothing new was queued. */
  created: boolean;
}

/** A queued or running job as inspection returns it. */
export interface QueuedJob<D> {
  id: string;
  data: D;
}

export type JobLifecycleState = JobState | 'unknown';

/**
 * The producer side of a catalog (the API, services and jobs that start other jobs use it). `enqueue` validates the
 * data with the job's zod contract (a ZodError for bad data) and adds it with the definition's options.
 */
export interface JobProducer<C extends JobCatalog> {
  readonly catalog: C;
  enqueue<K extends JobKey<C>>(key: K, data: JobData<C, K>, options?: JobsOptions): Promise<EnqueueResult>;
  /**
   * Enqueue and wait for the result (routes whose legacy contract answers with the job's outcome). Throws the
   * data's ZodError before anything is queued, NoLiveWorkerError when no live worker consumes the queue (checked
   * before enqueueing and again while waiting; a job still waiting then is removed), the job's failure reason, or a
   * timeout error when no worker finished it in time.
   */
  run<K extends JobKey<C>>(
    key: K,
    data: JobData<C, K>,
    options?: { timeoutMs?: number },
  ): Promise<JobResult<C, K>>;
  /** The state of a job of this kind by id ('unknown' when BullMQ no longer knows it). */
  state<K extends JobKey<C>>(key: K, id: string): Promise<JobLifecycleState>;
  /** Forgets a finished job of this kind, so its deterministic id can be queued again. */
  remove<K extends JobKey<C>>(key: K, id: string): Promise<void>;
  /** Jobs of this kind in the given states, oldest first (at most `limit`). */
  list<K extends JobKey<C>>(key: K, states: JobState[], limit?: number): Promise<QueuedJob<JobInput<C, K>>[]>;
  /** Job counts of the queue this kind runs on. */
  counts<K extends JobKey<C>>(
    key: K,
  ): Promise<Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed', number>>;
  /** Runs this job every `everyMs` under a named scheduler (created or updated), with `data` (validated). */
  schedule<K extends JobKey<C>>(
    key: K,
    schedulerId: string,
    everyMs: number,
    data: JobData<C, K>,
  ): Promise<void>;
  unschedule<K extends JobKey<C>>(key: K, schedulerId: string): Promise<void>;
  /** Whether the queue backend (Redis or PostgreSQL) answers. */
  backendStatus(): Promise<QueueBackendStatus>;
  /** The worker processes whose heartbeat is live (see the runner's `heartbeat` option). */
  liveWorkers(): Promise<WorkerHeartbeat[]>;
  /** The BullMQ queue of that name (created once, shared): Bull Board, tests. */
  queue(name: string): Queue;
  /** Every queue the catalog's jobs run on. */
  queues(): Queue[];
  close(): Promise<void>;
}

/** BullMQ rejects ':' in custom ids (it is its key separator) and all-digit ids (they clash with its counter). */
export function assertValidJobId(id: string): string {
  if (id.includes(':') || /^\d+$/.test(id) || id.length === 0) {
    throw new Error(`Invalid job id "${id}": no ':' and not only digits`);
  }
  return id;
}

const RUN_TIMEOUT_MS = 10 * 60_000;
/** How often `run` re-checks, while it waits, that a worker for the queue is still live. */
const LIVENESS_RECHECK_MS = 2_000;

export function createJobProducer<C extends JobCatalog>(backend: QueueBackend, catalog: C): JobProducer<C> {
  const queues = new Map<string, Queue>();
  const queueFor = (name: string): Queue => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new backend.classes.Queue(name, backend.connectionOptions() as never);
      queue.on('error', () => {}); // connection errors surface on the calls that need the queue
      queues.set(name, queue);
    }
    return queue;
  };
  const definitionOf = (key: string): JobDefinition => {
    const definition = catalog[key];
    if (!definition) throw new Error(`Unknown job "${key}"`);
    return definition;
  };
  const queueOf = (key: string) => queueFor(definitionOf(key).queue);

  const producer: JobProducer<C> = {
    catalog,
    async enqueue(key, data, options) {
      const definition = definitionOf(key);
      const parsed: unknown = definition.data.parse(data);
      const queue = queueFor(definition.queue);
      const jobId = options?.jobId ?? (definition.jobId ? definition.jobId(parsed) : undefined);
      if (jobId !== undefined) {
        assertValidJobId(jobId);
        const existing = await queue.getJob(jobId);
        if (existing) return { id: jobId, created: false };
      }
      const job = await queue.add(definition.name, parsed, { ...definition.options, ...options, jobId });
      return { id: String(job.id), created: true };
    },
    async run(key, data, runOptions) {
      const definition = definitionOf(key);
      definition.data.parse(data);
      const requireWorker = async () => {
        const live = await producer.liveWorkers();
        if (!live.some((worker) => worker.queues.includes(definition.queue))) {
          throw new NoLiveWorkerError(definition.queue);
        }
      };
      await requireWorker();
      const { id } = await producer.enqueue(key, data);
      const queue = queueOf(key);
      const deadline = Date.now() + (runOptions?.timeoutMs ?? RUN_TIMEOUT_MS);
      let nextLivenessCheck = Date.now() + LIVENESS_RECHECK_MS;
      for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
        const state = await queue.getJobState(id);
        if (Date.now() > nextLivenessCheck && state !== 'completed' && state !== 'failed') {
          nextLivenessCheck = Date.now() + LIVENESS_RECHECK_MS;
          try {
            await requireWorker();
          } catch (error) {
            if (state === 'waiting' || state === 'prioritized') await queue.remove(id).catch(() => {});
            throw error;
          }
        }
        if (state === 'completed' || state === 'failed') {
          // Read the job after its state: a job object fetched earlier can predate its result.
          const job = await queue.getJob(id);
          if (!job) throw new Error(`Job ${id} disappeared`);
          if (state === 'completed') return job.returnvalue as JobResult<C, typeof key>;
          const failedAs = /^(\w+Error)\b/.exec(job.stacktrace?.at(-1) ?? '')?.[1];
          throw new JobFailedError(job.failedReason || 'Job failed', failedAs);
        }
        if (state === 'unknown') throw new Error(`Job ${id} disappeared`);
        if (Date.now() > deadline)
          throw new Error(`Job ${id} did not finish in time (is the worker running?)`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
    async state(key, id) {
      return queueOf(key).getJobState(id);
    },
    async remove(key, id) {
      await queueOf(key).remove(id);
    },
    async list(key, states, limit = 1000) {
      const { name } = definitionOf(key);
      const jobs = await queueOf(key).getJobs(states, 0, limit - 1, true);
      return jobs
        .filter((job) => job.name === name)
        .map((job) => ({ id: String(job.id), data: job.data as JobInput<C, typeof key> }));
    },
    async counts(key) {
      const counts = await queueOf(key).getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      return {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      };
    },
    async schedule(key, schedulerId, everyMs, data) {
      const definition = definitionOf(key);
      await queueOf(key).upsertJobScheduler(
        schedulerId,
        { every: everyMs },
        { name: definition.name, data: definition.data.parse(data), opts: { ...definition.options } },
      );
    },
    async unschedule(key, schedulerId) {
      await queueOf(key).removeJobScheduler(schedulerId);
    },
    backendStatus: () => backend.check(),
    liveWorkers: () => backend.heartbeats.live(),
    queue: queueFor,
    queues: () => catalogQueueNames(catalog).map(queueFor),
    async close() {
      await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
      queues.clear();
    },
  };
  return producer;
}
