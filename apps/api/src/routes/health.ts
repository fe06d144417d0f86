import { Router } from 'express';
import { checkDatabase } from '@groundtruth/db';
import type { AppContext } from '../context';

export function healthRoutes({ db, queue }: AppContext): Router {
  const router = Router();
  router.get('/api/health', async (_req, res) => {
    const [database, queueStatus] = await Promise.all([checkDatabase(db.pool), queue.check()]);
    const ok = database.ok && queueStatus.ok;
    res
      .status(ok ? 200 : 503)
      .json({ success: ok, status: ok ? 'ok' : 'degraded', database, queue: queueStatus });
  });
  return router;
}
