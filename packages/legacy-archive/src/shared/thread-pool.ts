import { createRequire } from 'node:module';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { MigrateError, type MigrateErrorKind } from './errors';

/** Worker-thread source that loads a TypeScript file through tsx's require hook, whether or not this process runs under tsx. */
function threadBootstrap(file: string): string {
  const tsx = createRequire(__filename).resolve('tsx/cjs/api');
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
}

/** A request to a pool thread; its id picks the thread and matches the reply. */
export interface ThreadRequest {
  id: number;
  type: string;
}

/** What a pool thread answers to a request: a reply carrying the request's id, or its failure. */
export type ThreadReply = { id: number; type: string } | ThreadFailure;

export interface ThreadFailure {
  id: number;
  type: 'failed';
  message: string;
  code?: string;
  /** the MigrateError kind, when the thread failed with one */
  kind?: MigrateErrorKind;
}

/** A thread's answer to request `id` when handling it threw `error`. */
export function threadFailure(id: number, error: unknown): ThreadFailure {
  const { message, code } = error as { message?: string; code?: string };
  return {
    type: 'failed',
    id,
    message: message ?? String(error),
    code,
    kind: error instanceof MigrateError ? error.kind : undefined,
  };
}

/** The error a failed request rejects with: the thread's MigrateError again, or its error with its code. */
function failureError(failure: ThreadFailure): Error {
  return failure.kind
    ? new MigrateError(failure.kind, failure.message)
    : Object.assign(new Error(failure.message), { code: failure.code });
}

/**
 * Worker threads that answer requests by id. A request goes to thread `id % count`; a thread that dies fails every
 * request still waiting (and every later one), so nothing waits forever on it. Threads leave when sent
 * `{ type: 'close' }`.
 */
export interface ThreadPool<Request extends ThreadRequest, Reply extends ThreadReply> {
  request(message: Request): Promise<Exclude<Reply, ThreadFailure>>;
  /** a message that expects no reply (it still goes to thread `id % count`) */
  post(message: Request): void;
  close(): Promise<void>;
}

type Waiting<Reply> = { resolve: (reply: Reply) => void; reject: (error: Error) => void };

class Threads<Request extends ThreadRequest, Reply extends ThreadReply> implements ThreadPool<
  Request,
  Reply
> {
  private readonly pending = new Map<number, Waiting<Reply>>();
  private failure: Error | undefined;
  private readonly running = new Set<Worker>();
  private readonly workers: Worker[];

  constructor(
    private readonly name: string,
    file: string,
    count: number,
    options: { workerData: unknown; resourceLimits: ResourceLimits },
  ) {
    this.workers = Array.from({ length: count }, () => this.start(threadBootstrap(file), options));
  }

  private start(source: string, options: { workerData: unknown; resourceLimits: ResourceLimits }): Worker {
    const worker = new Worker(source, {
      eval: true,
      workerData: options.workerData,
      resourceLimits: options.resourceLimits,
    });
    this.running.add(worker);
    worker.on('message', (reply: Reply) => this.answer(reply));
    worker.on('error', (error) => this.failAll(new Error(`${this.name} thread failed: ${error.message}`)));
    worker.on('exit', (code) => {
      this.running.delete(worker);
      this.failAll(new Error(`${this.name} thread exited${code === 0 ? '' : ` with code ${code}`}`));
    });
    return worker;
  }

  private answer(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (reply.type === 'failed') waiting?.reject(failureError(reply as ThreadFailure));
    else waiting?.resolve(reply);
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const { reject } of this.pending.values()) reject(this.failure);
    this.pending.clear();
  }

  private threadOf(id: number): Worker {
    return this.workers[id % this.workers.length]!;
  }

  request(message: Request): Promise<Exclude<Reply, ThreadFailure>> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = new Promise<Reply>((resolve, reject) => this.pending.set(message.id, { resolve, reject }));
    this.threadOf(message.id).postMessage(message);
    return reply as Promise<Exclude<Reply, ThreadFailure>>;
  }

  post(message: Request): void {
    if (!this.failure) this.threadOf(message.id).postMessage(message);
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.running].map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.postMessage({ type: 'close' });
          }),
      ),
    );
  }
}

export function startThreads<Request extends ThreadRequest, Reply extends ThreadReply>(
  name: string,
  file: string,
  count: number,
  options: { workerData: unknown; resourceLimits: ResourceLimits },
): ThreadPool<Request, Reply> {
  return new Threads<Request, Reply>(name, file, count, options);
}
