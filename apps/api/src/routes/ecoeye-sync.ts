import {
  alertsListQuery,
  alertsListResponse,
  alertSyncBody,
  alertSyncResponse,
  connectionTestResponse,
  downloadVideosBody,
  downloadVideosResponse,
  ecoeyeConfigResponse,
  ecoeyeStatusResponse,
  messageResponse,
  saveEcoeyeConfigBody,
  syncHistoryQuery,
  syncHistoryResponse,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter, validate } from '../route';

const TAG = 'ecoeye-sync';

/** EcoEye sync settings, runs and reports (api.md §4.5) and the sync history (route 69). */
export function ecoeyeSyncRoutes({ services }: RouteContext): ApiRouter {
  const { ecoeyeSync } = services;
  return (
    new ApiRouter()
      .route(
        {
          method: 'get',
          path: '/api/sync/ecoeye/config',
          tag: TAG,
          summary:
            'Whether EcoEye credentials are stored (never the credentials), the relay URL and sync interval',
          response: ecoeyeConfigResponse,
        },
        () => ecoeyeSync.config(),
      )
      .route(
        {
          method: 'post',
          path: '/api/sync/ecoeye/config',
          invalid: 'API key and secret required',
          tag: TAG,
          summary:
            'Store the EcoEye key and secret encrypted (legacy format) and the scheduled sync interval',
          body: saveEcoeyeConfigBody,
          response: messageResponse,
        },
        async ({ body }) => {
          await ecoeyeSync.saveConfig(body);
          return { success: true, message: 'EcoEye credentials saved' };
        },
      )
      .route(
        {
          method: 'post',
          path: '/api/sync/ecoeye/test',
          tag: TAG,
          summary: 'Call the relay GET /health with the stored credentials',
          response: connectionTestResponse,
        },
        () => ecoeyeSync.testConnection(),
      )
      // The UI sends these two with `{}` or no body at all: an absent body is validated as `{}`.
      .route(
        {
          method: 'post',
          path: '/api/sync/ecoeye/alerts',
          tag: TAG,
          summary: 'Run an alert sync now (default window: the last 24 h); recorded in sync_history',
          documentedBody: { contentType: 'application/json', schema: alertSyncBody },
          response: alertSyncResponse,
        },
        ({ req }) => ecoeyeSync.syncNow(validate(alertSyncBody, req.body ?? {}, 'body')),
      )
      .route(
        {
          method: 'post',
          path: '/api/sync/ecoeye/videos',
          tag: TAG,
          summary:
            'Download up to `limit` pending alert videos now (each registered as a video, exactly once)',
          documentedBody: { contentType: 'application/json', schema: downloadVideosBody },
          response: downloadVideosResponse,
        },
        ({ req }) => ecoeyeSync.downloadPending(validate(downloadVideosBody, req.body ?? {}, 'body').limit),
      )
      .route(
        {
          method: 'get',
          path: '/api/sync/ecoeye/status',
          tag: TAG,
          summary: 'Alert and download counters, last sync time',
          response: ecoeyeStatusResponse,
        },
        async () => ({ success: true, ...(await ecoeyeSync.status()) }),
      )
      .route(
        {
          method: 'get',
          path: '/api/sync/ecoeye/alerts/list',
          tag: TAG,
          summary: 'Synced alerts, newest first',
          query: alertsListQuery,
          response: alertsListResponse,
        },
        async ({ query }) => ({
          success: true,
          ...(await ecoeyeSync.listAlerts(query.limit, query.offset)),
          limit: query.limit,
          offset: query.offset,
        }),
      )
      .route(
        {
          method: 'get',
          path: '/api/sync/history',
          tag: TAG,
          summary: 'Sync runs, newest first (without details)',
          query: syncHistoryQuery,
          response: syncHistoryResponse,
        },
        async ({ query }) => ({ success: true, history: await ecoeyeSync.history(query.limit) }),
      )
  );
}
