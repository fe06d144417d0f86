import { z } from 'zod';
import { defineJob } from '@groundtruth/jobs';

export const yoloExportData = z.object({
  config_id: z.number().int().nonnegative(),
  output_name: z.string().min(1).optional(),
  val_split: z.number().min(0).max(1).default(0.2),
  seed: z.number().int().default(42),
  /** false: labels only (no video decoding; frame size from the videos row, 30 fps assumed). */
  extract_frames: z.boolean().default(true),
});
export type YoloExportInput = z.input<typeof yoloExportData>;

export const yoloExportResult = z.object({
  success: z.literal(true),
  export_path: z.string(),
  video_count: z.number().int(),
  frame_count: z.number().int(),
  annotation_count: z.number().int(),
  train_count: z.number().int(),
  val_count: z.number().int(),
  class_mapping: z.record(z.string(), z.number()),
});
export type YoloExportResult = z.infer<typeof yoloExportResult>;

export const yoloJobs = {
  'yolo.export': defineJob({
    queue: 'exports',
    name: 'yolo-export',
    data: yoloExportData,
    result: yoloExportResult,
    options: { attempts: 3 },
  }),
};
