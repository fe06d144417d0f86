import express, { type RequestHandler } from 'express';
import { pino, type Level, type Logger } from 'pino';
import type { Config } from '@groundtruth/config';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '@groundtruth/domain';
import { refuseCrossSiteWrites, requireWriteToken } from './auth';
import type { AppContext } from './context';
import { bodyDeadline } from './limits';
import { badRequest, errorHandler, notFoundHandler } from './errors';
import { bullBoardDocs, bullBoardRoutes } from './admin/bull-board';
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
import { vibrationRoutes } from './routes/vibration';
import { trainingRoutes } from './routes/training';
import { yoloRoutes } from './routes/yolo';
import { CHECK_RESPONSES, methodNotAllowed, ROUTE_SPECS, type ApiRouter, type RouteSpec } from './route';

/**
 * The API's logger, as main.ts and the benchmark build it: JSON lines on stdout, buffered and written asynchronously,
 * off the request path (pino flushes the buffer when the process exits).
 */
export function createLogger(config: Config): Logger {
  return pino({ level: config.LOG_LEVEL, name: 'api' }, pino.destination({ dest: 1, sync: false }));
}

/** A successful request slower than this is logged at info even in production. */
export const SLOW_REQUEST_MS = 1000;

declare module 'http' {
  interface IncomingMessage {
    /** Request number of this process, on every log line of the request. */
    id: number;
    /** The request's logger (`reqId`, `req.method`, `req.url` bound); created on first use. */
    log: Logger;
  }
}

const requestLog = Symbol('requestLog');

/**
 * One structured line per finished request: `reqId`, `req` {method, url}, `res` {statusCode}, `responseTime` (ms).
 * 5xx at error; 4xx, aborted and slow requests at info; other requests at info in development and at debug in
 * production, so a production log at LOG_LEVEL=info holds only what needs a look. Request headers (they carry the
 * write token) are never logged. Per request this costs a counter, a clock read and one listener: `req.log`, a child
 * logger, is only built when a handler logs through it.
 */
function requestLogger(app: express.Express, logger: Logger, production: boolean): RequestHandler {
  const successLevel: Level = production ? 'debug' : 'info';
  Object.defineProperty(app.request, 'log', {
    get(this: express.Request & { [requestLog]?: Logger }) {
      return (this[requestLog] ??= logger.child({
        reqId: this.id,
        req: { method: this.method, url: this.originalUrl },
      }));
    },
  });
  let lastId = 0;
  return (req, res, next) => {
    if (req.url === '/api/health') return next();
    const started = performance.now();
    req.id = lastId = (lastId + 1) & 0x7fffffff;
    res.once('close', () => {
      const responseTime = Math.round(performance.now() - started);
      const completed = res.writableFinished;
      const level: Level =
        res.statusCode >= 500
          ? 'error'
          : res.statusCode >= 400 || !completed || responseTime >= SLOW_REQUEST_MS
            ? 'info'
            : successLevel;
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          reqId: req.id,
          req: { method: req.method, url: req.originalUrl },
          res: { statusCode: res.statusCode },
          responseTime,
        },
        completed ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}

/** express.json's `verify`: runs on the raw bytes before JSON.parse. */
function refuseDeepJson(_req: unknown, _res: unknown, raw: Buffer): void {
  if (jsonNestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw badRequest(`body: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

export function createApp(context: AppContext, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1); // one proxy hop, like the legacy ProxyFix
  // No ETag on JSON answers (the legacy API sent none, and hashing every keyframe list costs the hot reads), while
  // files keep theirs: Express passes this setting to res.sendFile only as on/off, so it stays "on" as a function.
  app.set('etag', () => undefined);
  app.set(CHECK_RESPONSES, context.config.NODE_ENV !== 'production');
  app.use(requestLogger(app, logger, context.config.NODE_ENV === 'production'));
  // Cross-site writes (Bull Board's too) and the token are checked before any body is read, and a JSON body's
  // nesting is measured before it is parsed.
  app.use(refuseCrossSiteWrites());
  app.use(requireWriteToken(context.config.API_WRITE_TOKEN));
  app.use(bodyDeadline(context.config.API_BODY_TIMEOUT_MS));
  app.use(express.json({ limit: '10mb', verify: refuseDeepJson }));
  app.use(bullBoardRoutes(context));
  // Each area of the API is an ApiRouter (src/routes/<area>.ts); add new ones to this list.
  let specs: RouteSpec[] = [];
  const areas: ApiRouter[] = [
    bullBoardDocs(),
    healthRoutes(context),
    videoRoutes(context),
    annotationRoutes(context),
    systemRoutes(context),
    mediaRoutes(context),
    pageRoutes(context),
    peopleRoutes(context),
    topologyRoutes(context),
    taxonomyRoutes(context),
    unifiRoutes(context),
    vibrationRoutes(context),
    ecoeyeSyncRoutes(context),
    ecoeyeRelayRoutes(context),
    ingestRoutes(context),
    trainingRoutes(context),
    yoloRoutes(context),
    openApiRoutes(() => specs),
  ];
  for (const area of areas) app.use(area.router);
  specs = areas.flatMap((area) => area.specs);
  app.locals[ROUTE_SPECS] = specs;
  app.use(methodNotAllowed(specs));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
