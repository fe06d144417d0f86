import { z } from 'zod';
import { finiteNumber, idParam, MAX_INDEXED_TEXT, queryInt } from '../shared/input';

/** A `videos` row in the legacy shape (Video in api.md §2.1): timestamps as text, sizes as numbers. */
export const videoSchema = z.object({
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
});
export type VideoRow = z.infer<typeof videoSchema>;

/** With its distinct legacy tag names joined by ", " (null when none). */
export const videoWithTagsSchema = videoSchema.extend({ tags: z.string().nullable() });
export type VideoWithTags = z.infer<typeof videoWithTagsSchema>;

/** The list form (Video+): computed EcoEye and file fields. */
export const videoListItemSchema = videoWithTagsSchema.extend({
  annotation_count: z.number(),
  is_ecoeye_import: z.boolean(),
  has_video_file: z.boolean(),
  ecoeye_event_id: z.string().optional(),
  ecoeye_camera: z.string().optional(),
});
export type VideoListItem = z.infer<typeof videoListItemSchema>;

export const behaviorSchema = z.object({
  id: z.number(),
  video_id: z.number().nullable(),
  behavior_type: z.string(),
  start_time: z.number().nullable(),
  end_time: z.number().nullable(),
  confidence: z.number().nullable(),
  notes: z.string().nullable(),
  annotated_date: z.string().nullable(),
});
export type BehaviorRow = z.infer<typeof behaviorSchema>;

/** A legacy tag (`tags` + its number of linked videos), routes 8–10. */
export const tagRowSchema = z.object({
  id: z.number(),
  name: z.string(),
  category: z.string().nullable(),
  created_date: z.string().nullable(),
  video_count: z.number(),
});
export type TagRow = z.infer<typeof tagRowSchema>;

// ---- requests

export const videoIdParams = z.object({ videoId: idParam });

export const listVideosQuery = z.object({
  search: z.string().optional(),
  limit: queryInt.optional(),
  offset: queryInt.pipe(z.number().min(0, 'must not be negative')).optional(),
});
/** A negative limit: no limit (SQLite's `LIMIT -1`). */
export type ListVideosOptions = z.output<typeof listVideosQuery>;

export const videoTagBody = z.object({
  tag: z
    .string({ error: 'Tag required' })
    .trim()
    .min(1, 'Tag required')
    .max(MAX_INDEXED_TEXT, `at most ${MAX_INDEXED_TEXT} characters`),
});
export const videoTagParams = z.object({ videoId: idParam, tagName: z.string().min(1) });

export const newBehaviorBody = z.object({
  behavior_type: z.string({ error: 'behavior_type required' }).min(1, 'behavior_type required'),
  start_time: finiteNumber.nullish(),
  end_time: finiteNumber.nullish(),
  confidence: finiteNumber.nullish(),
  notes: z.string().nullish(),
});
export type NewBehavior = z.infer<typeof newBehaviorBody>;

// ---- responses

export const listVideosResponse = z.object({
  success: z.literal(true),
  videos: z.array(videoListItemSchema),
});
export const getVideoResponse = z.object({
  success: z.literal(true),
  video: videoWithTagsSchema,
  behaviors: z.array(behaviorSchema),
});
export const listTagsResponse = z.object({ success: z.literal(true), tags: z.array(tagRowSchema) });
export const createBehaviorResponse = z.object({ success: z.literal(true), behavior_id: z.number() });
