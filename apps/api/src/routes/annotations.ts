import { z } from 'zod';
import {
  ANNOTATION_TYPES,
  createKeyframe,
  createTimeRangeTag,
  deleteKeyframe,
  deleteTimeRangeTag,
  distinctKeyframeValues,
  getAnnotationTags,
  getKeyframe,
  getTimeRangeTag,
  listKeyframes,
  listTimeRangeTags,
  replaceAnnotationTags,
  updateKeyframe,
  updateTimeRangeTag,
  videoExists,
  idParam,
  legacyBoolean,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { ApiRouter } from '../route';

const finiteNumber = z.number().refine(Number.isFinite, 'expected a finite number');
const videoIdParams = z.object({ videoId: idParam });
const tagIdParams = z.object({ tagId: idParam });
const annotationIdParams = z.object({ annotationId: idParam });

/** Soft failure of the legacy PUT/DELETE routes: 200 with success false (§9 #17), plus an explanation. */
const outcome = (success: boolean, failure: string) => (success ? { success } : { success, error: failure });

const timeRangeTagSchema = z.object({
  id: z.number(),
  video_id: z.number(),
  tag_name: z.string(),
  start_time: z.number(),
  end_time: z.number().nullable(),
  is_negative: z.number().nullable(),
  comment: z.string().nullable(),
  created_date: z.string().nullable(),
});

const keyframeSchema = z.object({
  id: z.number(),
  video_id: z.number(),
  timestamp: z.number(),
  bbox_x: z.number(),
  bbox_y: z.number(),
  bbox_width: z.number(),
  bbox_height: z.number(),
  activity_tag: z.string().nullable(),
  moment_tag: z.string().nullable(),
  is_negative: z.number().nullable(),
  comment: z.string().nullable(),
  created_date: z.string().nullable(),
  reviewed: z.number().nullable(),
});

const requiredNumber = (field: string) =>
  z.number({ error: `${field} required (a number)` }).refine(Number.isFinite, 'expected a finite number');

export function annotationRoutes({ db }: AppContext): ApiRouter {
  const api = new ApiRouter();

  // ---- time-range tags ----
  api.route(
    {
      method: 'get',
      path: '/api/videos/:videoId/time-range-tags',
      tag: 'time-range tags',
      summary: "A video's time-range tags by start time",
      params: videoIdParams,
      response: z.object({ success: z.literal(true), tags: z.array(timeRangeTagSchema) }),
    },
    async ({ params }) => ({ success: true, tags: await listTimeRangeTags(db, params.videoId) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/videos/:videoId/time-range-tags',
      tag: 'time-range tags',
      summary: 'Create a time-range tag',
      params: videoIdParams,
      body: z.object({
        tag_name: z
          .string({ error: 'tag_name and start_time required' })
          .trim()
          .min(1, 'tag_name and start_time required'),
        start_time: z.number({ error: 'tag_name and start_time required' }).refine(Number.isFinite),
        end_time: finiteNumber.nullish(),
        is_negative: legacyBoolean.nullish(),
        comment: z.string().nullish(),
      }),
      response: z.object({ success: z.literal(true), tag_id: z.number() }),
    },
    async ({ params, body }) => {
      if (!(await videoExists(db, params.videoId))) throw notFound('Video not found');
      return { success: true, tag_id: await createTimeRangeTag(db, params.videoId, body) };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/time-range-tags/:tagId',
      tag: 'time-range tags',
      summary: 'One time-range tag',
      params: tagIdParams,
      response: z.object({ success: z.literal(true), tag: timeRangeTagSchema }),
    },
    async ({ params }) => {
      const tag = await getTimeRangeTag(db, params.tagId);
      if (!tag) throw notFound('Tag not found');
      return { success: true, tag };
    },
  );

  api.route(
    {
      method: 'put',
      path: '/api/time-range-tags/:tagId',
      tag: 'time-range tags',
      summary:
        'Update the given non-null fields (start_time is fixed); success false when unknown or nothing given',
      params: tagIdParams,
      body: z.object({
        tag_name: z.string().nullish(),
        end_time: finiteNumber.nullish(),
        is_negative: legacyBoolean.nullish(),
        comment: z.string().nullish(),
      }),
    },
    async ({ params, body }) =>
      outcome(await updateTimeRangeTag(db, params.tagId, body), 'Tag not found or nothing to update'),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/time-range-tags/:tagId',
      tag: 'time-range tags',
      summary: 'Delete a time-range tag and its annotation tags; success false when unknown',
      params: tagIdParams,
    },
    async ({ params }) => outcome(await deleteTimeRangeTag(db, params.tagId), 'Tag not found'),
  );

  // ---- keyframe annotations ----
  api.route(
    {
      method: 'get',
      path: '/api/videos/:videoId/keyframe-annotations',
      tag: 'keyframe annotations',
      summary: "A video's keyframe annotations by timestamp",
      params: videoIdParams,
      response: z.object({ success: z.literal(true), annotations: z.array(keyframeSchema) }),
    },
    async ({ params }) => ({ success: true, annotations: await listKeyframes(db, params.videoId) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/videos/:videoId/keyframe-annotations',
      tag: 'keyframe annotations',
      summary: 'Create a keyframe annotation (box in source pixels, rounded); reviewed defaults to 1',
      params: videoIdParams,
      body: z.object({
        timestamp: requiredNumber('timestamp'),
        bbox_x: requiredNumber('bbox_x'),
        bbox_y: requiredNumber('bbox_y'),
        bbox_width: requiredNumber('bbox_width'),
        bbox_height: requiredNumber('bbox_height'),
        activity_tag: z.string().nullish(),
        moment_tag: z.string().nullish(),
        is_negative: legacyBoolean.nullish(),
        comment: z.string().nullish(),
        reviewed: legacyBoolean.nullish(),
      }),
      response: z.object({ success: z.literal(true), annotation_id: z.number() }),
    },
    async ({ params, body }) => {
      if (!(await videoExists(db, params.videoId))) throw notFound('Video not found');
      return { success: true, annotation_id: await createKeyframe(db, params.videoId, body) };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/keyframe-annotations/:annotationId',
      tag: 'keyframe annotations',
      summary: 'One keyframe annotation',
      params: annotationIdParams,
      response: z.object({ success: z.literal(true), annotation: keyframeSchema }),
    },
    async ({ params }) => {
      const annotation = await getKeyframe(db, params.annotationId);
      if (!annotation) throw notFound('Annotation not found');
      return { success: true, annotation };
    },
  );

  api.route(
    {
      method: 'put',
      path: '/api/keyframe-annotations/:annotationId',
      tag: 'keyframe annotations',
      summary:
        'Update the given non-null fields (timestamp included); success false when unknown or nothing given',
      params: annotationIdParams,
      body: z.object({
        timestamp: finiteNumber.nullish(),
        bbox_x: finiteNumber.nullish(),
        bbox_y: finiteNumber.nullish(),
        bbox_width: finiteNumber.nullish(),
        bbox_height: finiteNumber.nullish(),
        activity_tag: z.string().nullish(),
        moment_tag: z.string().nullish(),
        is_negative: legacyBoolean.nullish(),
        comment: z.string().nullish(),
        reviewed: legacyBoolean.nullish(),
      }),
    },
    async ({ params, body }) =>
      outcome(
        await updateKeyframe(db, params.annotationId, body),
        'Annotation not found or nothing to update',
      ),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/keyframe-annotations/:annotationId',
      tag: 'keyframe annotations',
      summary: 'Delete a keyframe annotation and its annotation tags; success false when unknown',
      params: annotationIdParams,
    },
    async ({ params }) => outcome(await deleteKeyframe(db, params.annotationId), 'Annotation not found'),
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
        response: z.object({ success: z.literal(true), tags: z.array(z.string()) }),
      },
      async () => ({ success: true, tags: await distinctKeyframeValues(db, column) }),
    );
  }

  // ---- annotation tags ----
  api.route(
    {
      method: 'post',
      path: '/api/annotations/:annotationId/tags',
      tag: 'annotation tags',
      summary:
        "Replace an annotation's structured tags (scenario keys → _scenario_data; unknown groups dropped; person_name kept unless sent)",
      params: annotationIdParams,
      body: z.object({
        annotation_type: z.enum(ANNOTATION_TYPES, { error: 'Invalid annotation_type' }),
        tags: z.record(z.string(), z.unknown()).default({}),
      }),
    },
    async ({ params, body }) => {
      if (!(await replaceAnnotationTags(db, params.annotationId, body.annotation_type, body.tags))) {
        throw notFound('Annotation not found');
      }
      return { success: true };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/annotations/:annotationId/tags',
      tag: 'annotation tags',
      summary: "An annotation's structured tags as one flat object",
      params: annotationIdParams,
      query: z.object({
        annotation_type: z.string({ error: 'annotation_type required' }).min(1, 'annotation_type required'),
      }),
      response: z.object({ success: z.literal(true), tags: z.record(z.string(), z.unknown()) }),
    },
    async ({ params, query }) => ({
      success: true,
      tags: await getAnnotationTags(db, params.annotationId, query.annotation_type),
    }),
  );

  return api;
}
