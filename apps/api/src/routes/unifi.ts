import {
  saveUnifiConfigResponse,
  unifiConfigBody,
  unifiConfigResponse,
  unifiTestResponse,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

/** UniFi Protect settings and connection test (api.md §4.6); credentials are stored encrypted (§4.7). */
export function unifiRoutes({ services }: RouteContext): ApiRouter {
  const { unifi } = services;
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/api/sync/unifi/config',
        tag: 'unifi',
        summary: 'Whether UniFi Protect is configured, with host and port (never the credentials)',
        response: unifiConfigResponse,
      },
      async () => ({ success: true, ...(await unifi.getConfig()) }),
    )
    .route(
      {
        method: 'post',
        path: '/api/sync/unifi/config',
        tag: 'unifi',
        summary: 'Store the NVR host/port/verify_ssl and the encrypted username/password',
        body: unifiConfigBody,
        response: saveUnifiConfigResponse,
      },
      async ({ body }) => {
        await unifi.saveConfig(body);
        return { success: true, message: 'UniFi Protect credentials saved' };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/sync/unifi/test',
        tag: 'unifi',
        summary: 'Log in to the configured NVR and read its Protect bootstrap (bounded by UNIFI_TIMEOUT_MS)',
        response: unifiTestResponse,
      },
      () => unifi.testConnection(),
    );
}
