import { checkDatabase } from '@groundtruth/db';
import type { DomainDeps } from '../shared/deps';
import type { Health } from './schemas';

/** The platform's own state: what `/api/health` reports to load balancers and operators. */
export class SystemService {
  constructor(private readonly deps: Pick<DomainDeps, 'db' | 'jobs'>) {}

  async health(): Promise<Health> {
    const [database, queue, workers] = await Promise.all([
      checkDatabase(this.deps.db.pool),
      this.deps.jobs.backendStatus(),
      this.workers(),
    ]);
    const ok = database.ok && queue.ok;
    return { success: ok, status: ok ? 'ok' : 'degraded', database, queue, workers };
  }

  /** The live worker processes (heartbeats) and the queues they consume together. */
  private async workers(): Promise<Health['workers']> {
    try {
      const live = await this.deps.jobs.liveWorkers();
      const queues = [...new Set(live.flatMap((worker) => worker.queues))].sort();
      return { ok: live.length > 0, live: live.length, queues };
    } catch (error) {
      return { ok: false, live: 0, queues: [], error: (error as Error).message };
    }
  }
}
