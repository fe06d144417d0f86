import { z } from 'zod';
import { MAX_INT4, queryInt } from '../shared/input';

/** A keyframe annotation of a person (api.md §4.2). */
export const personDetectionSchema = z.object({
  id: z.number(),
  video_id: z.number(),
  video_title: z.string().nullable(),
  timestamp: z.number(),
  bbox_x: z.number(),
  bbox_y: z.number(),
  bbox_width: z.number(),
  bbox_height: z.number(),
  /** = thumbnail_url: the unchanged person manager uses this field as the <img src> (README "People") */
  thumbnail_path: z.string().nullable(),
  /** `/thumbnails/<basename>`: a URL the browser can load (§9 #20) */
  thumbnail_url: z.string().nullable(),
  person_name: z.string().nullable(),
  pose: z.string().nullable(),
  distance_category: z.string().nullable(),
  created_date: z.string().nullable(),
});
export type PersonDetection = z.infer<typeof personDetectionSchema>;

/** One page of detections, plus people and stats over every detection. */
export const personDetectionsSchema = z.object({
  detections: z.array(personDetectionSchema),
  people: z.array(z.object({ name: z.string(), count: z.number() })),
  stats: z.object({
    total_detections: z.number(),
    named_people: z.number(),
    unknown: z.number(),
    videos_with_people: z.number(),
  }),
  /** detections matching the filters, before paging */
  total: z.number(),
});
export type PersonDetections = z.infer<typeof personDetectionsSchema>;

// ---- requests

/** An INTEGER row id. */
const rowId = z.number().int().min(0).max(MAX_INT4);

export const personDetectionsQuery = z.object({
  /** a name, or "Unknown" for detections without one */
  person_name: z.string().trim().min(1, 'must not be empty').optional(),
  video_id: queryInt.pipe(rowId).optional(),
  limit: queryInt.pipe(z.number().int().min(1, 'must be at least 1').max(10_000, 'at most 10000')).optional(),
  offset: queryInt.pipe(z.number().int().min(0, 'must not be negative')).optional(),
});
export type PersonDetectionFilters = z.output<typeof personDetectionsQuery>;

const recentLimit = queryInt
  .pipe(z.number().int().min(1, 'must be at least 1').max(1000, 'at most 1000'))
  .default(10);

export const recentPersonNamesQuery = z.object({ limit: recentLimit });

export const recentTagValuesQuery = z.object({
  tag_name: z.string({ error: 'tag_name required' }).trim().min(1, 'tag_name required'),
  limit: recentLimit,
});

const detectionIds = z
  .array(rowId, { error: 'expected an array of keyframe annotation ids' })
  .min(1, 'expected at least one keyframe annotation id')
  .max(10_000, 'at most 10000 ids per request');

export const assignPersonNameBody = z.object({
  detection_ids: detectionIds,
  person_name: z.string({ error: 'expected a string' }).trim().min(1, 'must not be empty').max(500),
});

export const unassignPersonNameBody = z.object({ detection_ids: detectionIds });

// ---- responses

export const personDetectionsResponse = personDetectionsSchema.extend({ success: z.literal(true) });
export const recentPersonNamesResponse = z.object({ success: z.literal(true), names: z.array(z.string()) });
export const recentTagValuesResponse = z.object({ success: z.literal(true), values: z.array(z.string()) });
export const personNameUpdateResponse = z.object({ success: z.literal(true), updated_count: z.number() });
