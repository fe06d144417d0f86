import { z } from 'zod';
import { idParam, indexedText } from '../shared/input';
import { keyframeSchema } from '../annotations/schemas';

const flag = z.union([z.literal(0), z.literal(1)]).nullable();
/** activity tag → class id */
const classMapping = z.record(z.string(), z.number());

/** YoloConfig (api.md §2.1): flags 0/1, class_mapping parsed, timestamps as legacy text. */
export const yoloConfigSchema = z.object({
  id: z.number(),
  config_name: z.string(),
  description: z.string().nullable(),
  class_mapping: classMapping,
  include_reviewed_only: flag,
  include_ai_generated: flag,
  include_negative_examples: flag,
  min_confidence: z.number().nullable(),
  export_format: z.string().nullable(),
  created_date: z.string().nullable(),
  last_export_date: z.string().nullable(),
  last_export_count: z.number().nullable(),
});
export type YoloConfigRow = z.infer<typeof yoloConfigSchema>;

/** A keyframe box the export writes, with its video's file and frame size. */
export const yoloAnnotationSchema = keyframeSchema
  .pick({
    id: true,
    video_id: true,
    timestamp: true,
    bbox_x: true,
    bbox_y: true,
    bbox_width: true,
    bbox_height: true,
  })
  .extend({
    activity_tag: z.string(),
    is_negative: z.boolean().nullable(),
    filename: z.string(),
    width: z.number().nullable(),
    height: z.number().nullable(),
  });
export type YoloAnnotation = z.infer<typeof yoloAnnotationSchema>;

/** What an export would take (same rules as the export, §9 #28). */
export const yoloPreviewSchema = z.object({
  video_count: z.number(),
  total_annotations: z.number(),
  class_distribution: z.record(z.string(), z.number()),
  config: yoloConfigSchema,
});
export type YoloPreview = z.infer<typeof yoloPreviewSchema>;

// ---- requests

export const yoloConfigParams = z.object({ config_id: idParam });

// Legacy clients send flags as 0/1 or booleans (api.md §1.5).
const flagInput = (fallback: boolean) =>
  z
    .union([z.boolean(), z.literal(0), z.literal(1)])
    .transform(Boolean)
    .default(fallback);

export const newYoloConfigBody = z.object({
  config_name: indexedText().min(1),
  class_mapping: z
    .record(z.string(), z.number().int().nonnegative())
    .refine((mapping) => Object.keys(mapping).length > 0, 'must map at least one activity tag'),
  description: z.string().default(''),
  include_reviewed_only: flagInput(false),
  include_ai_generated: flagInput(true),
  include_negative_examples: flagInput(true),
  min_confidence: z.number().min(0).max(1).default(0),
});
export type NewYoloConfig = z.output<typeof newYoloConfigBody>;

export const yoloFilterBody = z.object({
  filter_type: z.string().min(1),
  filter_value: z.union([z.string().min(1), z.number()]).transform(String),
  is_exclusion: flagInput(false),
});
export type NewYoloFilter = z.output<typeof yoloFilterBody>;

/**
 * The export's optional body (the UI sends `{}`). Checked by the service after the config, so an unknown config
 * answers 404 whatever the body, as before.
 */
export const yoloExportBody = z.object({ output_name: z.string().min(1).optional() });

// ---- responses

export const yoloConfigsResponse = z.object({ success: z.literal(true), configs: z.array(yoloConfigSchema) });
export const createYoloConfigResponse = z.object({ success: z.literal(true), config_id: z.number() });
export const yoloPreviewResponse = z.object({ success: z.literal(true), preview: yoloPreviewSchema });
export const yoloActivityTagsResponse = z.object({
  success: z.literal(true),
  tags: z.array(z.object({ name: z.string(), count: z.number() })),
});
