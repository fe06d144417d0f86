import { z } from 'zod';
import {
  enrichRelayEvents,
  importRelayEvent,
  ingestDirs,
  relayRequest,
  RelayError,
  idParam,
  legacyBoolean,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { badRequest, HttpError } from '../errors';
import { ApiRouter } from '../route';

const FORWARDED_EVENT_FILTERS = [
  'status',
  'camera',
  'event_type',
  'since',
  'site',
  'sort',
  'has_thumbnail',
  'tag_id',
  'untagged',
] as const;

const optionalQueryText = z.string().optional();
const queryInt = z.string().regex(/^-?\d+$/, 'expected an integer');

/** Relay failures are the server's problem, answered like the legacy guard: 500 `{success:false,error}`. */
async function relayed<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RelayError) throw new HttpError(500, error.message);
    throw error;
  }
}

const eventIdBody = z.object({ event_id: z.union([z.string(), z.number()]).nullish() });

/** The EcoEye relay proxy (api.md §4.4): X-API-KEY from ECOEYE_API_KEY, bodies passed through. */
export function ecoeyeRelayRoutes({ config, db }: AppContext): ApiRouter {
  const api = new ApiRouter();
  const relay = { baseUrl: config.ECOEYE_BASE_URL, apiKey: config.ECOEYE_API_KEY };

  api.route(
    {
      method: 'get',
      path: '/api/ecoeye/events',
      tag: 'ecoeye-relay',
      summary: 'Relay events with thumbnails, marked when already imported into the studio',
      query: z.object({
        limit: queryInt.default('50'),
        offset: queryInt.default('0'),
        ...Object.fromEntries(FORWARDED_EVENT_FILTERS.map((key) => [key, optionalQueryText])),
      }),
    },
    async ({ query }) => {
      const filters = query as Record<string, string | undefined>;
      const forwarded: Record<string, string | undefined> = { limit: query.limit, offset: query.offset };
      for (const key of FORWARDED_EVENT_FILTERS) if (filters[key]) forwarded[key] = filters[key];
      const answer = await relayed(() => relayRequest(relay, 'api-thumbnails.php', { query: forwarded }));
      return enrichRelayEvents(db.prisma, answer.body);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/ecoeye/sync-sample',
      tag: 'ecoeye-relay',
      summary: 'Import one relay event: its video (downloaded) or a metadata-only placeholder',
      body: eventIdBody.extend({ include_video: legacyBoolean.nullish() }),
    },
    async ({ body, res }) => {
      if (body.event_id === undefined || body.event_id === null || body.event_id === '') {
        throw badRequest('event_id required');
      }
      const result = await relayed(() =>
        importRelayEvent(
          db.prisma,
          { relay, ...ingestDirs(config) },
          String(body.event_id),
          body.include_video ?? true,
        ),
      );
      res.status(result.status).json(result.body);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/ecoeye/request-download',
      tag: 'ecoeye-relay',
      summary: 'Ask the relay to retry fetching an event video',
      body: eventIdBody,
    },
    async ({ body, res }) => {
      if (body.event_id === undefined || body.event_id === null || body.event_id === '') {
        throw badRequest('event_id required');
      }
      const answer = await relayed(() =>
        relayRequest(relay, `api/events/${encodeURIComponent(String(body.event_id))}/retry`, {
          method: 'POST',
        }),
      );
      if (answer.status === 200) return { success: true, message: 'Download request sent to EcoEye relay' };
      if (answer.status === 404) {
        res
          .status(501)
          .json({ success: false, error: 'Video download request feature not yet available on relay' });
        return undefined;
      }
      throw new HttpError(500, `Relay returned status ${answer.status}`);
    },
  );

  for (const kind of ['cameras', 'sites'] as const) {
    api.route(
      {
        method: 'get',
        path: `/api/ecoeye/${kind}`,
        tag: 'ecoeye-relay',
        summary: `Relay ${kind} (filter values)`,
      },
      async () => {
        const answer = await relayed(() =>
          relayRequest(relay, 'api-filters.php', { query: { type: kind }, timeoutMs: 15_000 }),
        );
        const body = answer.body as Record<string, unknown> | null;
        if (!body?.success) throw new HttpError(500, `Failed to fetch ${kind}`);
        return { success: true, [kind]: body[kind] ?? [] };
      },
    );
  }

  api.route(
    {
      method: 'get',
      path: '/api/ecoeye/tags',
      tag: 'ecoeye-relay',
      summary: 'Relay-side event tags (pass-through)',
      query: z.object({ event_id: optionalQueryText, event_ids: optionalQueryText }),
    },
    async ({ query }) =>
      (await relayed(() => relayRequest(relay, 'api-tags.php', { query: { ...query } }))).body,
  );

  api.route(
    {
      method: 'post',
      path: '/api/ecoeye/tags',
      tag: 'ecoeye-relay',
      summary: 'Create a relay-side tag (pass-through)',
      body: z.object({ name: z.string().min(1), color: z.string().optional() }).loose(),
    },
    async ({ body }) =>
      (await relayed(() => relayRequest(relay, 'api-tags.php', { method: 'POST', body }))).body,
  );

  api.route(
    {
      method: 'delete',
      path: '/api/ecoeye/tags/:tagId',
      tag: 'ecoeye-relay',
      summary: 'Delete a relay-side tag (pass-through)',
      params: z.object({ tagId: idParam }),
    },
    async ({ params }) =>
      (
        await relayed(() =>
          relayRequest(relay, 'api-tags.php', { method: 'DELETE', query: { tag_id: String(params.tagId) } }),
        )
      ).body,
  );

  const idList = z.array(z.union([z.string(), z.number()]));
  for (const action of ['assign', 'remove'] as const) {
    api.route(
      {
        method: 'post',
        path: `/api/ecoeye/tags/${action}`,
        tag: 'ecoeye-relay',
        summary: `${action === 'assign' ? 'Assign' : 'Remove'} relay-side tags on events (pass-through)`,
        body: z.object({ event_ids: idList, tag_ids: idList }),
      },
      async ({ body }) =>
        (
          await relayed(() =>
            relayRequest(relay, 'api-tags.php', { method: 'POST', query: { action }, body }),
          )
        ).body,
    );
  }

  return api;
}
