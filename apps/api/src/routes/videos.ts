import { z } from 'zod';
import {
  addVideoTag,
  createBehavior,
  deleteVideo,
  getVideo,
  listTags,
  listVideos,
  removeVideoTag,
  videoExists,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { ApiRouter } from '../route';

const MAX_INT4 = 2_147_483_647;

/** A path id like Flask's `<int:…>`: non-negative decimal digits (within PostgreSQL's INTEGER). */
export const idParam = z
  .string()
  .regex(/^\d+$/, 'expected a non-negative integer')
  .transform(Number)
  .refine((id) => id <= MAX_INT4, 'id out of range');

/** A strict integer query value (`?limit=10`); `-1` etc. allowed where the contract passes negatives through. */
export const queryInt = z
  .string()
  .regex(/^-?\d+$/, 'expected an integer')
  .transform(Number)
  .refine((n) => Math.abs(n) <= Number.MAX_SAFE_INTEGER, 'integer out of range');

/** Incoming flags, parsed strictly (§9 #18): true/false or 0/1. */
export const legacyBoolean = z
  .union([z.boolean(), z.literal(0), z.literal(1)], { error: 'expected true, false, 0 or 1' })
  .transform((value) => value === true || value === 1);

const finiteNumber = z.number().refine(Number.isFinite, 'expected a finite number');

const videoIdParams = z.object({ videoId: idParam });

const videoSchema = z.object({
  id: z.number(),
  filename: z.string(),
  original_url: z.string().nullable(),
  title: z.string().nullable(),
  duration: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  file_size: z.number().nullable(),
  thumbnail_path: z.string().nullable(),
  upload_date: z.string().nullable(),
  notes: z.string().nullable(),
  tags: z.string().nullable(),
});

export function videoRoutes({ config, db }: AppContext): ApiRouter {
  const api = new ApiRouter();

  api.route(
    {
      method: 'get',
      path: '/api/videos',
      tag: 'videos',
      summary:
        'Videos newest first (limit/offset); with `search`, every matching video (title, filename, notes, tags, annotations)',
      query: z.object({
        search: z.string().optional(),
        limit: queryInt.optional(),
        offset: queryInt.pipe(z.number().min(0, 'must not be negative')).optional(),
      }),
      response: z.object({
        success: z.literal(true),
        videos: z.array(
          videoSchema.extend({
            annotation_count: z.number(),
            is_ecoeye_import: z.boolean(),
            has_video_file: z.boolean(),
            ecoeye_event_id: z.string().optional(),
            ecoeye_camera: z.string().optional(),
          }),
        ),
      }),
    },
    async ({ query }) => ({ success: true, videos: await listVideos(db, query) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/videos/:videoId',
      tag: 'videos',
      summary: 'One video (with its legacy tag names) and its behaviors',
      params: videoIdParams,
      response: z.object({ success: z.literal(true), video: videoSchema, behaviors: z.array(z.unknown()) }),
    },
    async ({ params }) => {
      const found = await getVideo(db, params.videoId);
      if (!found) throw notFound('Video not found');
      return { success: true, ...found };
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/videos/:videoId',
      tag: 'videos',
      summary: 'Delete a video, its annotations and annotation tags, its file and thumbnail',
      params: videoIdParams,
    },
    async ({ params }) => {
      const deleted = await deleteVideo(db, params.videoId, {
        downloadsDir: config.DOWNLOADS_DIR,
        thumbnailsDir: config.THUMBNAILS_DIR,
      });
      if (!deleted) throw notFound('Video not found');
      return { success: true };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/videos/:videoId/tags',
      tag: 'video tags',
      summary: 'Link a legacy tag (created on demand); success false when already linked',
      params: videoIdParams,
      body: z.object({ tag: z.string({ error: 'Tag required' }).trim().min(1, 'Tag required') }),
    },
    async ({ params, body }) => {
      if (!(await videoExists(db, params.videoId))) throw notFound('Video not found');
      return { success: await addVideoTag(db, params.videoId, body.tag) };
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/videos/:videoId/tags/:tagName',
      tag: 'video tags',
      summary: 'Unlink a legacy tag by name; success false when it was not linked',
      params: z.object({ videoId: idParam, tagName: z.string().min(1) }),
    },
    async ({ params }) => ({ success: await removeVideoTag(db, params.videoId, params.tagName) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/tags',
      tag: 'video tags',
      summary: 'Every legacy tag by name with its video_count',
    },
    async () => ({ success: true, tags: await listTags(db) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/videos/:videoId/behaviors',
      tag: 'videos',
      summary: 'Record a behavior on a video',
      params: videoIdParams,
      body: z.object({
        behavior_type: z.string({ error: 'behavior_type required' }).min(1, 'behavior_type required'),
        start_time: finiteNumber.nullish(),
        end_time: finiteNumber.nullish(),
        confidence: finiteNumber.nullish(),
        notes: z.string().nullish(),
      }),
    },
    async ({ params, body }) => {
      if (!(await videoExists(db, params.videoId))) throw notFound('Video not found');
      return { success: true, behavior_id: await createBehavior(db, params.videoId, body) };
    },
  );

  return api;
}
