import {
  annotationIdParams,
  annotationTagsQuery,
  annotationTagsResponse,
  createKeyframeResponse,
  createTimeRangeTagResponse,
  getKeyframeResponse,
  getTimeRangeTagResponse,
  keyframeChangesBody,
  keyframeLabelsResponse,
  listKeyframesResponse,
  listTimeRangeTagsResponse,
  newKeyframeBody,
  newTimeRangeTagBody,
  okResponse,
  outcomeResponse,
  replaceAnnotationTagsBody,
  timeRangeTagChangesBody,
  timeRangeTagIdParams,
  videoIdParams,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

/** Time-range tags, keyframe annotations and annotation tags (api.md §3.3, §3.4, §3.8). */
export function annotationRoutes({ services }: RouteContext): ApiRouter {
  const { annotations } = services;
  const api = new ApiRouter();

  // ---- time-range tags ----
  api
    .route(
      {
        method: 'get',
        path: '/api/videos/:videoId/time-range-tags',
        tag: 'time-range tags',
        summary: "A video's time-range tags by start time",
        params: videoIdParams,
        response: listTimeRangeTagsResponse,
      },
      async ({ params }) => ({ success: true, tags: await annotations.listTimeRangeTags(params.videoId) }),
    )
    .route(
      {
        method: 'post',
        path: '/api/videos/:videoId/time-range-tags',
        invalid: 'tag_name and start_time required',
        tag: 'time-range tags',
        summary: 'Create a time-range tag',
        params: videoIdParams,
        body: newTimeRangeTagBody,
        response: createTimeRangeTagResponse,
      },
      async ({ params, body }) => ({
        success: true,
        tag_id: await annotations.createTimeRangeTag(params.videoId, body),
      }),
    )
    .route(
      {
        method: 'get',
        path: '/api/time-range-tags/:tagId',
        tag: 'time-range tags',
        summary: 'One time-range tag',
        params: timeRangeTagIdParams,
        response: getTimeRangeTagResponse,
      },
      async ({ params }) => ({ success: true, tag: await annotations.getTimeRangeTag(params.tagId) }),
    )
    .route(
      {
        method: 'put',
        path: '/api/time-range-tags/:tagId',
        tag: 'time-range tags',
        summary:
          'Update the given non-null fields (start_time is fixed); success false when unknown or nothing given',
        params: timeRangeTagIdParams,
        body: timeRangeTagChangesBody,
        response: outcomeResponse,
      },
      ({ params, body }) => annotations.updateTimeRangeTag(params.tagId, body),
    )
    .route(
      {
        method: 'delete',
        path: '/api/time-range-tags/:tagId',
        tag: 'time-range tags',
        summary: 'Delete a time-range tag and its annotation tags; success false when unknown',
        params: timeRangeTagIdParams,
        response: outcomeResponse,
      },
      ({ params }) => annotations.deleteTimeRangeTag(params.tagId),
    );

  // ---- keyframe annotations ----
  api
    .route(
      {
        method: 'get',
        path: '/api/videos/:videoId/keyframe-annotations',
        tag: 'keyframe annotations',
        summary: "A video's keyframe annotations by timestamp",
        params: videoIdParams,
        response: listKeyframesResponse,
      },
      async ({ params }) => ({ success: true, annotations: await annotations.listKeyframes(params.videoId) }),
    )
    .route(
      {
        method: 'post',
        path: '/api/videos/:videoId/keyframe-annotations',
        invalid: 'Missing required fields',
        tag: 'keyframe annotations',
        summary: 'Create a keyframe annotation (box in source pixels, rounded); reviewed defaults to 1',
        params: videoIdParams,
        body: newKeyframeBody,
        response: createKeyframeResponse,
      },
      async ({ params, body }) => ({
        success: true,
        annotation_id: await annotations.createKeyframe(params.videoId, body),
      }),
    )
    .route(
      {
        method: 'get',
        path: '/api/keyframe-annotations/:annotationId',
        tag: 'keyframe annotations',
        summary: 'One keyframe annotation',
        params: annotationIdParams,
        response: getKeyframeResponse,
      },
      async ({ params }) => ({
        success: true,
        annotation: await annotations.getKeyframe(params.annotationId),
      }),
    )
    .route(
      {
        method: 'put',
        path: '/api/keyframe-annotations/:annotationId',
        tag: 'keyframe annotations',
        summary:
          'Update the given non-null fields (timestamp included); success false when unknown or nothing given',
        params: annotationIdParams,
        body: keyframeChangesBody,
        response: outcomeResponse,
      },
      ({ params, body }) => annotations.updateKeyframe(params.annotationId, body),
    )
    .route(
      {
        method: 'delete',
        path: '/api/keyframe-annotations/:annotationId',
        tag: 'keyframe annotations',
        summary: 'Delete a keyframe annotation and its annotation tags; success false when unknown',
        params: annotationIdParams,
        response: outcomeResponse,
      },
      ({ params }) => annotations.deleteKeyframe(params.annotationId),
    );

  for (const [path, column] of [
    ['/api/activity-tags', 'activity_tag'],
    ['/api/moment-tags', 'moment_tag'],
  ] as const) {
    api.route(
      {
        method: 'get',
        path,
        tag: 'keyframe annotations',
        summary: `Distinct ${column} values of all keyframe annotations`,
        response: keyframeLabelsResponse,
      },
      async () => ({ success: true, tags: await annotations.keyframeLabels(column) }),
    );
  }

  // ---- annotation tags ----
  return api
    .route(
      {
        method: 'post',
        path: '/api/annotations/:annotationId/tags',
        invalid: { annotation_type: 'Invalid annotation_type' },
        tag: 'annotation tags',
        summary:
          "Replace an annotation's structured tags (scenario keys → _scenario_data; unknown groups dropped; person_name kept unless sent)",
        params: annotationIdParams,
        body: replaceAnnotationTagsBody,
        response: okResponse,
      },
      async ({ params, body }) => {
        await annotations.replaceTags(params.annotationId, body.annotation_type, body.tags);
        return { success: true };
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/annotations/:annotationId/tags',
        invalid: 'annotation_type required',
        tag: 'annotation tags',
        summary: "An annotation's structured tags as one flat object",
        params: annotationIdParams,
        query: annotationTagsQuery,
        response: annotationTagsResponse,
      },
      async ({ params, query }) => ({
        success: true,
        tags: await annotations.getTags(params.annotationId, query.annotation_type),
      }),
    );
}
