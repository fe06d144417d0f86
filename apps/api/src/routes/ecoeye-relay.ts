import {
  eventIdBody,
  filterValuesResponse,
  importEventResponse,
  messageResponse,
  newRelayTagBody,
  RELAY_FILTER_KINDS,
  relayEventsQuery,
  relayPassThroughResponse,
  relayTagChangeBody,
  relayTagParams,
  relayTagsQuery,
  syncSampleBody,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

const TAG = 'ecoeye-relay';

/** The EcoEye relay proxy (api.md §4.4): X-API-KEY from ECOEYE_API_KEY, bodies passed through. */
export function ecoeyeRelayRoutes({ services }: RouteContext): ApiRouter {
  const { ecoeyeRelay } = services;
  const api = new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/api/ecoeye/events',
        tag: TAG,
        summary: 'Relay events with thumbnails, marked when already imported into the studio',
        query: relayEventsQuery,
        response: relayPassThroughResponse,
      },
      ({ query }) => ecoeyeRelay.events(query),
    )
    .route(
      {
        method: 'post',
        path: '/api/ecoeye/sync-sample',
        invalid: 'event_id required',
        tag: TAG,
        summary: 'Import one relay event: its video (downloaded) or a metadata-only placeholder',
        body: syncSampleBody,
        response: importEventResponse,
      },
      ({ body }) => ecoeyeRelay.importEvent(body.event_id, body.include_video ?? true),
    )
    .route(
      {
        method: 'post',
        path: '/api/ecoeye/request-download',
        invalid: 'event_id required',
        tag: TAG,
        summary: 'Ask the relay to retry fetching an event video',
        body: eventIdBody,
        response: messageResponse,
      },
      async ({ body, res }) => {
        if (await ecoeyeRelay.requestDownload(body.event_id)) {
          return { success: true, message: 'Download request sent to EcoEye relay' };
        }
        // The legacy contract's one 501: the relay has no retry endpoint.
        res
          .status(501)
          .json({ success: false, error: 'Video download request feature not yet available on relay' });
        return undefined;
      },
    );

  for (const kind of RELAY_FILTER_KINDS) {
    api.route(
      {
        method: 'get',
        path: `/api/ecoeye/${kind}`,
        tag: TAG,
        summary: `Relay ${kind} (filter values)`,
        response: filterValuesResponse(kind),
      },
      async () => ({ success: true, [kind]: await ecoeyeRelay.filterValues(kind) }),
    );
  }

  api
    .route(
      {
        method: 'get',
        path: '/api/ecoeye/tags',
        tag: TAG,
        summary: 'Relay-side event tags (pass-through)',
        query: relayTagsQuery,
        response: relayPassThroughResponse,
      },
      ({ query }) => ecoeyeRelay.tags(query),
    )
    .route(
      {
        method: 'post',
        path: '/api/ecoeye/tags',
        tag: TAG,
        summary: 'Create a relay-side tag (pass-through)',
        body: newRelayTagBody,
        response: relayPassThroughResponse,
      },
      ({ body }) => ecoeyeRelay.createTag(body),
    )
    .route(
      {
        method: 'delete',
        path: '/api/ecoeye/tags/:tagId',
        tag: TAG,
        summary: 'Delete a relay-side tag (pass-through)',
        params: relayTagParams,
        response: relayPassThroughResponse,
      },
      ({ params }) => ecoeyeRelay.deleteTag(params.tagId),
    );

  for (const action of ['assign', 'remove'] as const) {
    api.route(
      {
        method: 'post',
        path: `/api/ecoeye/tags/${action}`,
        tag: TAG,
        summary: `${action === 'assign' ? 'Assign' : 'Remove'} relay-side tags on events (pass-through)`,
        body: relayTagChangeBody,
        response: relayPassThroughResponse,
      },
      ({ body }) => ecoeyeRelay.changeTags(action, body),
    );
  }

  return api;
}
