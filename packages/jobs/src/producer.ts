import type { JobsOptions, Queue } from 'bullmq';
import type { QueueBackend } from '@groundtruth/queue';
import { jobRegistry, type JobData, type JobKey, type JobResult } from './registry';
import type { JobDefinition } from './define';

export interface EnqueueResult {
  /** The BullMQ job id (the deterministic one when the definition has `jobId`). */
  id: string;
  /** false when a job with this id was already known, so nothing new was queued. */
  created: boolean;
}

/**
 * The producer side of the registry (the API and jobs that start other jobs use it). `enqueue` validates the data
 * with the job's zod contract (a ZodError for bad data) and adds it with the definition's options.
 */
export interface JobProducer {
  enqueue<K extends JobKey>(key: K, data: JobData<K>, options?: JobsOptions): Promise<EnqueueResult>;
  /**
   * Enqueue and wait for the result (routes whose legacy contract answers with the job's outcome). Throws the
   * job's failure reason, or a timeout error when no worker finished it in time.
   */
  run<K extends JobKey>(key: K, data: JobData<K>, options?: { timeoutMs?: number }): Promise<JobResult<K>>;
  /** The BullMQ queue of that name (created once, shared): counts, Bull Board, inspection. */
  queue(name: string): Queue;
  /** Every queue named in the registry. */
  queues(): Queue[];
  close(): Promise<void>;
}

export function registryQueueNames(registry: Record<string, JobDefinition> = jobRegistry): string[] {
  return [...new Set(Object.values(registry).map((d) => d.queue))].sort();
}

/** BullMQ rejects ':' in custom ids (it is its key separator) and all-digit ids (they clash with its counter). */
export function assertValidJobId(id: string): string {
  if (id.includes(':') || /^\d+$/.test(id) || id.length === 0) {
    throw new Error(`Invalid job id "${id}": no ':' and not only digits`);
  }
  return id;
}

/** `registry` is for tests of the mechanics; the app always uses `jobRegistry`. */
export function createJobProducer(
  backend: QueueBackend,
  registry: Record<string, JobDefinition> = jobRegistry,
): JobProducer {
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
  return {
    async enqueue(key, data, options) {
      const definition = registry[key];
      if (!definition) throw new Error(`Unknown job "${String(key)}"`);
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
      const { id } = await this.enqueue(key, data);
      const queue = queueFor(registry[key]!.queue);
      const deadline = Date.now() + (runOptions?.timeoutMs ?? 10 * 60_000);
      for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
        const state = await queue.getJobState(id);
        if (state === 'completed' || state === 'failed') {
          // Read the job after its state: a job object fetched earlier can predate its result.
          const job = await queue.getJob(id);
          if (!job) throw new Error(`Job ${id} disappeared`);
          if (state === 'completed') return job.returnvalue as never;
          throw new Error(job.failedReason || 'Job failed');
        }
        if (state === 'unknown') throw new Error(`Job ${id} disappeared`);
        if (Date.now() > deadline)
          throw new Error(`Job ${id} did not finish in time (is the worker running?)`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
    queue: queueFor,
    queues: () => registryQueueNames(registry).map(queueFor),
    async close() {
      await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
      queues.clear();
    },
  };
}
