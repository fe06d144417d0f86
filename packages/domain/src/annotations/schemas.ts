import { z } from 'zod';
import { finiteNumber, idParam, legacyBoolean } from '../shared/input';
import { legacyFlagSchema } from '../shared/responses';

/** Time-range tags (api.md §3.3, routes 12–16), keyframe annotations (§3.4, 17–23), annotation tags (§3.8, 34–35). */

export const ANNOTATION_TYPES = ['time_range', 'keyframe'] as const;
export type AnnotationType = (typeof ANNOTATION_TYPES)[number];

/** A `time_range_tags` row in the legacy shape. */
export const timeRangeTagSchema = z.object({
  id: z.number(),
  video_id: z.number(),
  tag_name: z.string(),
  start_time: z.number(),
  end_time: z.number().nullable(),
  is_negative: legacyFlagSchema,
  comment: z.string().nullable(),
  created_date: z.string().nullable(),
});
export type TimeRangeTagRow = z.infer<typeof timeRangeTagSchema>;

/** A `keyframe_annotations` row in the legacy shape: the box in whole source pixels. */
export const keyframeSchema = z.object({
  id: z.number(),
  video_id: z.number(),
  timestamp: z.number(),
  bbox_x: z.number(),
  bbox_y: z.number(),
  bbox_width: z.number(),
  bbox_height: z.number(),
  activity_tag: z.string().nullable(),
  moment_tag: z.string().nullable(),
  is_negative: legacyFlagSchema,
  comment: z.string().nullable(),
  created_date: z.string().nullable(),
  reviewed: legacyFlagSchema,
});
export type KeyframeRow = z.infer<typeof keyframeSchema>;

/** The columns of `GET /api/activity-tags` and `GET /api/moment-tags`. */
export type KeyframeLabelColumn = 'activity_tag' | 'moment_tag';

// ---- requests

export const timeRangeTagIdParams = z.object({ tagId: idParam });
export const annotationIdParams = z.object({ annotationId: idParam });

const TAG_NAME_AND_START_REQUIRED = 'tag_name and start_time required';

export const newTimeRangeTagBody = z.object({
  tag_name: z.string({ error: TAG_NAME_AND_START_REQUIRED }).trim().min(1, TAG_NAME_AND_START_REQUIRED),
  start_time: z.number({ error: TAG_NAME_AND_START_REQUIRED }).refine(Number.isFinite),
  end_time: finiteNumber.nullish(),
  is_negative: legacyBoolean.nullish(),
  comment: z.string().nullish(),
});
export type NewTimeRangeTag = z.infer<typeof newTimeRangeTagBody>;

/** PUT: `start_time` is fixed once created. */
export const timeRangeTagChangesBody = z.object({
  tag_name: z.string().nullish(),
  end_time: finiteNumber.nullish(),
  is_negative: legacyBoolean.nullish(),
  comment: z.string().nullish(),
});
export type TimeRangeTagChanges = z.infer<typeof timeRangeTagChangesBody>;

const requiredNumber = (field: string) =>
  z.number({ error: `${field} required (a number)` }).refine(Number.isFinite, 'expected a finite number');

/** The fields of a keyframe besides its time and box, optional on create and on update. */
const keyframeLabelFields = {
  activity_tag: z.string().nullish(),
  moment_tag: z.string().nullish(),
  is_negative: legacyBoolean.nullish(),
  comment: z.string().nullish(),
  reviewed: legacyBoolean.nullish(),
};

export const newKeyframeBody = z.object({
  timestamp: requiredNumber('timestamp'),
  bbox_x: requiredNumber('bbox_x'),
  bbox_y: requiredNumber('bbox_y'),
  bbox_width: requiredNumber('bbox_width'),
  bbox_height: requiredNumber('bbox_height'),
  ...keyframeLabelFields,
});
export type NewKeyframe = z.infer<typeof newKeyframeBody>;

/** PUT: any field, `timestamp` included (§9 #21). */
export const keyframeChangesBody = z.object({
  timestamp: finiteNumber.nullish(),
  bbox_x: finiteNumber.nullish(),
  bbox_y: finiteNumber.nullish(),
  bbox_width: finiteNumber.nullish(),
  bbox_height: finiteNumber.nullish(),
  ...keyframeLabelFields,
});
export type KeyframeChanges = z.infer<typeof keyframeChangesBody>;

export const replaceAnnotationTagsBody = z.object({
  annotation_type: z.enum(ANNOTATION_TYPES, { error: 'Invalid annotation_type' }),
  tags: z.record(z.string(), z.unknown()).default({}),
});

/** Any text: an unknown type simply has no tags (as in the legacy app). */
export const annotationTagsQuery = z.object({
  annotation_type: z.string({ error: 'annotation_type required' }).min(1, 'annotation_type required'),
});

// ---- responses

export const listTimeRangeTagsResponse = z.object({
  success: z.literal(true),
  tags: z.array(timeRangeTagSchema),
});
export const getTimeRangeTagResponse = z.object({ success: z.literal(true), tag: timeRangeTagSchema });
export const createTimeRangeTagResponse = z.object({ success: z.literal(true), tag_id: z.number() });

export const listKeyframesResponse = z.object({
  success: z.literal(true),
  annotations: z.array(keyframeSchema),
});
export const getKeyframeResponse = z.object({ success: z.literal(true), annotation: keyframeSchema });
export const createKeyframeResponse = z.object({ success: z.literal(true), annotation_id: z.number() });
export const keyframeLabelsResponse = z.object({ success: z.literal(true), tags: z.array(z.string()) });

/**
 * The annotation's tags as one flat object: stored text, checkbox arrays, and whatever JSON the UI put in its
 * `_scenario_data` (passed through as it is, so its values are not described).
 */
export const annotationTagsResponse = z.object({
  success: z.literal(true),
  tags: z.record(z.string(), z.unknown()),
});
