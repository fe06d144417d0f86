import { z } from 'zod';

/** A time-range tag name with how often it is used (route 83, api.md §4.9). */
export const vibrationTagCountSchema = z.object({
  tag_name: z.string(),
  count: z.number(),
  negative_count: z.number(),
});
export type VibrationTagCount = z.infer<typeof vibrationTagCountSchema>;

/** A time-range tag's columns that a sample carries as they are. */
const sampleColumns = {
  video_id: z.number(),
  video_title: z.string().nullable(),
  filename: z.string().nullable(),
  tag_name: z.string(),
  start_time: z.number(),
  end_time: z.number().nullable(),
  comment: z.string().nullable(),
};

/** A time-range tag with its video, as the export query reads it; `tags`: its time_range annotation tags. */
export const vibrationSampleRowSchema = z.object({
  id: z.number(),
  ...sampleColumns,
  is_negative: z.boolean().nullable(),
  tags: z.record(z.string(), z.string()).nullable(),
});
export type VibrationSampleRow = z.infer<typeof vibrationSampleRowSchema>;

/** One exported sample; its annotation tags are extra columns by group name. */
export const vibrationSampleSchema = z
  .object({
    ...sampleColumns,
    duration: z.number().nullable(),
    is_negative: z.boolean(),
    /** the `ground_truth` annotation tag when present, else the tag name */
    label: z.string(),
  })
  .catchall(z.unknown());
export type VibrationSample = z.infer<typeof vibrationSampleSchema>;

// The export's request and answer are the job's data and result (jobs.ts).

// ---- responses

export const vibrationTagsResponse = z.object({
  success: z.literal(true),
  tags: z.array(vibrationTagCountSchema),
});
