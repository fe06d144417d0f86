import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { requireWriteToken } from './auth';
import type { AppContext } from './context';
import { errorHandler, notFoundHandler } from './errors';
import { healthRoutes } from './routes/health';
import { openApiRoutes } from './routes/openapi';
import type { ApiRouter } from './route';

export function createApp(context: AppContext, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1); // one proxy hop, like the legacy ProxyFix
  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/api/health' } }));
  app.use(express.json({ limit: '10mb' }));
  app.use(requireWriteToken(context.config.API_WRITE_TOKEN));
  app.use(healthRoutes(context));
  // Each area of the API is an ApiRouter (src/routes/<area>.ts); add new ones to this list.
  const areas: ApiRouter[] = [];
  for (const area of areas) app.use(area.router);
  app.use(openApiRoutes(() => areas.flatMap((area) => area.specs)));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
