import { z } from 'zod';
import {
  createEcoeyeClient,
  downloadPendingVideos,
  ecoeyeSyncStatus,
  getEcoeyeCredentials,
  listEcoeyeAlerts,
  listSyncHistory,
  parseRelayTimestamp,
  requireEcoeyeCredentials,
  saveEcoeyeSettings,
  syncEcoeyeAlerts,
  testEcoeyeConnection,
  EcoeyeNotConfiguredError,
  ingestDirs,
  applyEcoeyeSchedule,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { badRequest } from '../errors';
import { ApiRouter, validate } from '../route';

const nonNegativeInt = z
  .string()
  .regex(/^\d+$/, 'expected a non-negative integer')
  .transform(Number)
  .refine((n) => n <= 100_000, 'at most 100000');

const isoTime = z
  .string()
  .nullish()
  .transform((value, ctx) => {
    if (!value) return undefined;
    const parsed = parseRelayTimestamp(value);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: 'expected an ISO-8601 date-time' });
      return z.NEVER;
    }
    return parsed;
  });

const alertsBody = z.object({ start_time: isoTime, end_time: isoTime });
const videosBody = z.object({ limit: z.number().int().min(0).max(1000).default(10) });

/** Optional JSON bodies (the UI sends `{}` or nothing): validated like declared ones, 400 naming the field. */
function parseOptionalBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  return validate(schema, body ?? {}, 'body');
}

/** EcoEye sync settings, runs and reports (api.md §4.5) and the sync history (route 69). */
export function ecoeyeSyncRoutes({ config, db, jobs }: AppContext): ApiRouter {
  const api = new ApiRouter();
  const secret = config.GROUNDTRUTH_ENCRYPTION_SECRET;
  const dirs = ingestDirs(config);

  const configuredClient = async () => {
    try {
      const credentials = await requireEcoeyeCredentials(db.prisma, secret);
      return createEcoeyeClient(config.ECOEYE_BASE_URL, credentials);
    } catch (error) {
      if (error instanceof EcoeyeNotConfiguredError) throw badRequest(error.message);
      throw error;
    }
  };

  api.route(
    {
      method: 'get',
      path: '/api/sync/ecoeye/config',
      tag: 'ecoeye-sync',
      summary:
        'Whether EcoEye credentials are stored (never the credentials), the relay URL and sync interval',
      response: z.object({
        success: z.literal(true),
        configured: z.boolean(),
        base_url: z.string(),
        sync_interval_minutes: z.number(),
      }),
    },
    async () => {
      const credentials = await getEcoeyeCredentials(db.prisma, secret);
      const interval = await db.prisma.syncConfig.findUnique({
        where: { configKey: 'ecoeye.sync_interval_minutes' },
      });
      return {
        success: true,
        configured: credentials !== null,
        // §9 #22: the URL actually used, not the legacy `alerts.` typo.
        base_url: config.ECOEYE_BASE_URL.replace(/\/+$/, ''),
        sync_interval_minutes: Number(interval?.configValue ?? 0) || 0,
      };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/sync/ecoeye/config',
      tag: 'ecoeye-sync',
      summary: 'Store the EcoEye key and secret encrypted (legacy format) and the scheduled sync interval',
      body: z.object({
        api_key: z.string().nullish(),
        api_secret: z.string().nullish(),
        sync_interval_minutes: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 60)
          .optional(),
      }),
      response: z.object({ success: z.literal(true), message: z.string() }),
    },
    async ({ body }) => {
      if (!body.api_key || !body.api_secret) throw badRequest('API key and secret required');
      await saveEcoeyeSettings(
        db.prisma,
        { apiKey: body.api_key, apiSecret: body.api_secret, syncIntervalMinutes: body.sync_interval_minutes },
        secret,
      );
      if (body.sync_interval_minutes !== undefined) await applyEcoeyeSchedule(db.prisma, jobs);
      return { success: true, message: 'EcoEye credentials saved' };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/sync/ecoeye/test',
      tag: 'ecoeye-sync',
      summary: 'Call the relay GET /health with the stored credentials',
    },
    async () => testEcoeyeConnection(await configuredClient()),
  );

  api.route(
    {
      method: 'post',
      path: '/api/sync/ecoeye/alerts',
      tag: 'ecoeye-sync',
      summary: 'Run an alert sync now (default window: the last 24 h); recorded in sync_history',
    },
    async ({ req }) => {
      const body = parseOptionalBody(alertsBody, req.body);
      if (body.start_time && body.end_time && body.start_time > body.end_time) {
        throw badRequest('body.start_time: must not be after end_time');
      }
      const result = await syncEcoeyeAlerts(db.prisma, await configuredClient(), {
        start: body.start_time,
        end: body.end_time,
      });
      if (!result.success) return { success: false, error: result.error };
      return {
        success: true,
        total_synced: result.total_synced,
        new_alerts: result.new_alerts,
        updated_alerts: result.updated_alerts,
        failed: result.failed,
        start_time: result.start_time,
        end_time: result.end_time,
      };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/sync/ecoeye/videos',
      tag: 'ecoeye-sync',
      summary: 'Download up to `limit` pending alert videos now (each registered as a video, exactly once)',
    },
    async ({ req }) => {
      const body = parseOptionalBody(videosBody, req.body);
      return downloadPendingVideos(db.prisma, await configuredClient(), body.limit, dirs);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/sync/ecoeye/status',
      tag: 'ecoeye-sync',
      summary: 'Alert and download counters, last sync time',
    },
    async () => {
      await configuredClient();
      return ecoeyeSyncStatus(db.prisma);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/sync/ecoeye/alerts/list',
      tag: 'ecoeye-sync',
      summary: 'Synced alerts, newest first',
      query: z.object({ limit: nonNegativeInt.default(50), offset: nonNegativeInt.default(0) }),
    },
    async ({ query }) => listEcoeyeAlerts(db.prisma, query.limit, query.offset),
  );

  api.route(
    {
      method: 'get',
      path: '/api/sync/history',
      tag: 'ecoeye-sync',
      summary: 'Sync runs, newest first (without details)',
      query: z.object({ limit: nonNegativeInt.default(50) }),
    },
    async ({ query }) => listSyncHistory(db.prisma, query.limit),
  );

  return api;
}
