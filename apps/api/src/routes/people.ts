import { z } from 'zod';
import {
  assignPersonName,
  listPersonDetections,
  recentPersonNames,
  recentTagValues,
  unassignPersonName,
  UnknownDetectionsError,
  queryInt,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { ApiRouter } from '../route';

const MAX_INT4 = 2_147_483_647;

const recentLimit = queryInt.pipe(z.number().int().min(1, 'must be at least 1').max(1000, 'at most 1000'));

const detectionIds = z
  .array(z.number().int().min(0).max(MAX_INT4), { error: 'expected an array of keyframe annotation ids' })
  .min(1, 'expected at least one keyframe annotation id')
  .max(10_000, 'at most 10000 ids per request');

/** Person-manager writes touching unknown annotations answer 404 and change nothing. */
async function orNotFound<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof UnknownDetectionsError) throw notFound(error.message);
    throw error;
  }
}

const detectionSchema = z.object({
  id: z.number(),
  video_id: z.number(),
  video_title: z.string().nullable(),
  timestamp: z.number(),
  bbox_x: z.number(),
  bbox_y: z.number(),
  bbox_width: z.number(),
  bbox_height: z.number(),
  thumbnail_path: z.string().nullable(),
  thumbnail_url: z.string().nullable(),
  person_name: z.string().nullable(),
  pose: z.string().nullable(),
  distance_category: z.string().nullable(),
  created_date: z.string().nullable(),
});

export function peopleRoutes({ db }: AppContext): ApiRouter {
  const api = new ApiRouter();

  api.route(
    {
      method: 'get',
      path: '/api/person-detections',
      tag: 'people',
      summary:
        'Keyframe annotations of people, newest first; optional filters (person_name, "Unknown" for unnamed; ' +
        'video_id) and paging (limit/offset, default: all). `people` and `stats` cover every detection.',
      query: z.object({
        person_name: z.string().trim().min(1, 'must not be empty').optional(),
        video_id: queryInt.pipe(z.number().int().min(0).max(MAX_INT4)).optional(),
        limit: queryInt
          .pipe(z.number().int().min(1, 'must be at least 1').max(10_000, 'at most 10000'))
          .optional(),
        offset: queryInt.pipe(z.number().int().min(0, 'must not be negative')).optional(),
      }),
      response: z.object({
        success: z.literal(true),
        detections: z.array(detectionSchema),
        people: z.array(z.object({ name: z.string(), count: z.number() })),
        stats: z.object({
          total_detections: z.number(),
          named_people: z.number(),
          unknown: z.number(),
          videos_with_people: z.number(),
        }),
        total: z.number(),
      }),
    },
    async ({ query }) => ({
      success: true,
      ...(await listPersonDetections(db, {
        personName: query.person_name,
        videoId: query.video_id,
        limit: query.limit,
        offset: query.offset,
      })),
    }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/person-names/recent',
      tag: 'people',
      summary:
        'Distinct assigned person names, most recently assigned first (parsed from the stored JSON, §9 #5)',
      query: z.object({ limit: recentLimit.default(10) }),
      response: z.object({ success: z.literal(true), names: z.array(z.string()) }),
    },
    async ({ query }) => ({ success: true, names: await recentPersonNames(db, query.limit) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/tag-values/recent',
      tag: 'people',
      summary:
        'Distinct keyframe values of the tag group named tag_name, most recent first (§9 #6: matched by group ' +
        'name); an unknown group has no values',
      query: z.object({
        tag_name: z.string({ error: 'tag_name required' }).trim().min(1, 'tag_name required'),
        limit: recentLimit.default(10),
      }),
      response: z.object({ success: z.literal(true), values: z.array(z.string()) }),
    },
    async ({ query }) => ({ success: true, values: await recentTagValues(db, query.tag_name, query.limit) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/person-detections/assign-name',
      tag: 'people',
      summary:
        'Name the person of keyframe annotations (stored as `{"person_name": "<name>"}` like the legacy app); ' +
        'one transaction, 404 if any id is unknown',
      body: z.object({
        detection_ids: detectionIds,
        person_name: z.string({ error: 'expected a string' }).trim().min(1, 'must not be empty').max(500),
      }),
      response: z.object({ success: z.literal(true), updated_count: z.number() }),
    },
    async ({ body }) => ({
      success: true,
      updated_count: await orNotFound(assignPersonName(db, body.detection_ids, body.person_name)),
    }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/person-detections/unassign-name',
      tag: 'people',
      summary:
        'Remove the person name of keyframe annotations; updated_count = rows deleted; 404 if any id is unknown',
      body: z.object({ detection_ids: detectionIds }),
      response: z.object({ success: z.literal(true), updated_count: z.number() }),
    },
    async ({ body }) => ({
      success: true,
      updated_count: await orNotFound(unassignPersonName(db, body.detection_ids)),
    }),
  );

  return api;
}
