import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type RequestHandler } from 'express';
import type { AppContext } from '../context';
import { ApiRouter } from '../route';

export const BULL_BOARD_PATH = '/admin/queues';

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * With API_WRITE_TOKEN set, every request to the board (reads too: it shows job data) needs the token, as
 * `Authorization: Bearer <token>` or, for a browser, HTTP Basic with the token as password.
 */
function boardAuth(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!token) return next();
    const header = req.get('authorization') ?? '';
    if (sameText(header, `Bearer ${token}`)) return next();
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString();
      const colon = decoded.indexOf(':'); // `user:password`; a credential without the colon is no Basic credential
      if (colon >= 0 && sameText(decoded.slice(colon + 1), token)) return next();
    }
    res.set('WWW-Authenticate', 'Basic realm="queues"');
    res.status(401).json({ success: false, error: 'Missing or wrong token (API_WRITE_TOKEN)' });
  };
}

/** Bull Board on every queue of the job registry. */
export function bullBoardRoutes({ config, jobs }: AppContext): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: jobs.queues().map((queue) => new BullMQAdapter(queue)),
    // @bull-board/express pins a patch release of @bull-board/api of its own: same shape, separate declarations.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  const router = Router();
  router.use(BULL_BOARD_PATH, boardAuth(config.API_WRITE_TOKEN), serverAdapter.getRouter() as RequestHandler);
  return router;
}

/** Bull Board in the OpenAPI document (it is served by its own adapter, not declared as a route). */
export function bullBoardDocs(): ApiRouter {
  return new ApiRouter().document({
    method: 'get',
    path: BULL_BOARD_PATH,
    tag: 'pages',
    summary:
      'Bull Board: the background job queues (HTML; with API_WRITE_TOKEN, Bearer or Basic `user:<token>`)',
  });
}
