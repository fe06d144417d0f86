import { checkDatabase } from '@groundtruth/db';
import type { DomainDeps } from '../shared/deps';
import type { Health } from './schemas';

/** The platform's own state: what `/api/health` reports to load balancers and operators. */
export class SystemService {
  constructor(private readonly deps: Pick<DomainDeps, 'db' | 'jobs'>) {}

  async health(): Promise<Health> {
    const [database, queue] = await Promise.all([
      checkDatabase(this.deps.db.pool),
      this.deps.jobs.backendStatus(),
    ]);
    const ok = database.ok && queue.ok;
    return { success: ok, status: ok ? 'ok' : 'degraded', database, queue };
  }
}
