import {
  assignPersonNameBody,
  personDetectionsQuery,
  personDetectionsResponse,
  personNameUpdateResponse,
  recentPersonNamesQuery,
  recentPersonNamesResponse,
  recentTagValuesQuery,
  recentTagValuesResponse,
  unassignPersonNameBody,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

export function peopleRoutes({ services }: RouteContext): ApiRouter {
  const { people } = services;
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/api/person-detections',
        tag: 'people',
        summary:
          'Keyframe annotations of people, newest first; optional filters (person_name, "Unknown" for unnamed; ' +
          'video_id) and paging (limit/offset, default: all). `people` and `stats` cover every detection.',
        query: personDetectionsQuery,
        response: personDetectionsResponse,
      },
      async ({ query }) => ({ success: true, ...(await people.detections(query)) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/person-names/recent',
        tag: 'people',
        summary:
          'Distinct assigned person names, most recently assigned first (parsed from the stored JSON, §9 #5)',
        query: recentPersonNamesQuery,
        response: recentPersonNamesResponse,
      },
      async ({ query }) => ({ success: true, names: await people.recentNames(query.limit) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/tag-values/recent',
        invalid: 'tag_name required',
        tag: 'people',
        summary:
          'Distinct keyframe values of the tag group named tag_name, most recent first (§9 #6: matched by group ' +
          'name); an unknown group has no values',
        query: recentTagValuesQuery,
        response: recentTagValuesResponse,
      },
      async ({ query }) => ({
        success: true,
        values: await people.recentTagValues(query.tag_name, query.limit),
      }),
    )
    .route(
      {
        method: 'post',
        path: '/api/person-detections/assign-name',
        invalid: 'Missing required fields',
        tag: 'people',
        summary:
          'Name the person of keyframe annotations (stored as `{"person_name": "<name>"}` like the legacy app); ' +
          'one transaction, 404 if any id is unknown',
        body: assignPersonNameBody,
        response: personNameUpdateResponse,
      },
      async ({ body }) => ({
        success: true,
        updated_count: await people.assignName(body.detection_ids, body.person_name),
      }),
    )
    .route(
      {
        method: 'post',
        path: '/api/person-detections/unassign-name',
        invalid: 'No detection IDs provided',
        tag: 'people',
        summary:
          'Remove the person name of keyframe annotations; updated_count = rows deleted; 404 if any id is unknown',
        body: unassignPersonNameBody,
        response: personNameUpdateResponse,
      },
      async ({ body }) => ({ success: true, updated_count: await people.unassignName(body.detection_ids) }),
    );
}
