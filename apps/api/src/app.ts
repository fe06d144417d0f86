import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { requireWriteToken } from './auth';
import type { AppContext } from './context';
import { errorHandler, notFoundHandler } from './errors';
import { bullBoardRoutes } from './routes/bull-board';
import { healthRoutes } from './routes/health';
import { ecoeyeRelayRoutes } from './routes/ecoeye-relay';
import { ecoeyeSyncRoutes } from './routes/ecoeye-sync';
import { ingestRoutes } from './routes/ingest';
import { openApiRoutes } from './routes/openapi';
import { peopleRoutes } from './routes/people';
import { topologyRoutes } from './routes/topology';
import { videoRoutes } from './routes/videos';
import { annotationRoutes } from './routes/annotations';
import { systemRoutes } from './routes/system';
import { mediaRoutes } from './routes/media';
import { pageRoutes } from './routes/pages';
import { taxonomyRoutes } from './routes/taxonomy';
import { unifiRoutes } from './routes/unifi';
import { vibrationTagRoutes } from './routes/vibration-tags';
import { trainingRoutes } from './routes/training';
import { vibrationExportRoutes } from './routes/vibration-export';
import { yoloRoutes } from './routes/yolo';
import type { ApiRouter } from './route';

export function createApp(context: AppContext, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1); // one proxy hop, like the legacy ProxyFix
  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/api/health' } }));
  app.use(express.json({ limit: '10mb' }));
  app.use(requireWriteToken(context.config.API_WRITE_TOKEN));
  app.use(healthRoutes(context));
  app.use(bullBoardRoutes(context));
  // Each area of the API is an ApiRouter (src/routes/<area>.ts); add new ones to this list.
  const areas: ApiRouter[] = [
    videoRoutes(context),
    annotationRoutes(context),
    systemRoutes(),
    mediaRoutes(context),
    pageRoutes(context),
    peopleRoutes(context),
    topologyRoutes(context),
    taxonomyRoutes(context),
    unifiRoutes(context),
    vibrationTagRoutes(context),
    ecoeyeSyncRoutes(context),
    ecoeyeRelayRoutes(context),
    ingestRoutes(context),
    trainingRoutes(context),
    yoloRoutes(context),
    vibrationExportRoutes(context),
  ];
  for (const area of areas) app.use(area.router);
  app.use(openApiRoutes(() => areas.flatMap((area) => area.specs)));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
