import { z } from 'zod';
import {
  getUnifiConfig,
  getUnifiSettings,
  saveUnifiConfig,
  testUnifiConnection,
  legacyBoolean,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { badRequest } from '../errors';
import { ApiRouter } from '../route';

/** UniFi Protect settings and connection test (api.md §4.6); credentials are stored encrypted (§4.7). */
export function unifiRoutes({ config, db }: AppContext): ApiRouter {
  const api = new ApiRouter();
  const secret = config.GROUNDTRUTH_ENCRYPTION_SECRET;

  api.route(
    {
      method: 'get',
      path: '/api/sync/unifi/config',
      tag: 'unifi',
      summary: 'Whether UniFi Protect is configured, with host and port (never the credentials)',
      response: z.object({
        success: z.literal(true),
        configured: z.boolean(),
        host: z.string().nullable(),
        port: z.number().nullable(),
        verify_ssl: z.boolean(),
      }),
    },
    async () => ({ success: true, ...(await getUnifiConfig(db.prisma, secret)) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/sync/unifi/config',
      tag: 'unifi',
      summary: 'Store the NVR host/port/verify_ssl and the encrypted username/password',
      body: z.object({
        host: z.string().trim().regex(/^\S*$/, 'must not contain spaces').nullish(),
        username: z.string().nullish(),
        password: z.string().nullish(),
        port: z.number().int().min(1).max(65535).nullish(),
        verify_ssl: legacyBoolean.nullish(),
      }),
      response: z.object({ success: z.literal(true), message: z.string() }),
    },
    async ({ body }) => {
      if (!body.host || !body.username || !body.password) {
        throw badRequest('Host, username, and password required');
      }
      await saveUnifiConfig(
        db.prisma,
        {
          host: body.host,
          port: body.port ?? 443,
          verifySsl: body.verify_ssl ?? true,
          username: body.username,
          password: body.password,
        },
        secret,
      );
      return { success: true, message: 'UniFi Protect credentials saved' };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/sync/unifi/test',
      tag: 'unifi',
      summary: 'Log in to the configured NVR and read its Protect bootstrap (bounded by UNIFI_TIMEOUT_MS)',
      response: z.object({
        success: z.boolean(),
        message: z.string(),
        error: z.string().optional(),
        nvr: z.object({ name: z.string().nullable(), version: z.string().nullable() }).optional(),
        camera_count: z.number().optional(),
      }),
    },
    async () => {
      const settings = await getUnifiSettings(db.prisma, secret);
      if (!settings) throw badRequest('UniFi Protect credentials not configured');
      const result = await testUnifiConnection(settings, { timeoutMs: config.UNIFI_TIMEOUT_MS });
      if (!result.ok)
        return { success: false, message: `Failed to connect: ${result.error}`, error: result.error };
      const name = result.nvr.name ?? settings.host;
      const version = result.nvr.version ? ` (version ${result.nvr.version})` : '';
      return {
        success: true,
        message: `Connected to UniFi Protect ${name}${version}`,
        nvr: result.nvr,
        camera_count: result.cameraCount,
      };
    },
  );

  return api;
}
