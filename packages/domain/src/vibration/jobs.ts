import { z } from 'zod';
import { defineJob } from '@groundtruth/jobs';

export const vibrationExportData = z.object({
  output_name: z.string().min(1).optional(),
  tag_filter: z.string().min(1).optional(),
  formats: z.array(z.enum(['csv', 'parquet'])).optional(),
  val_split: z.number().min(0).max(1).default(0.2),
  seed: z.number().int().default(42),
});
export type VibrationExportInput = z.input<typeof vibrationExportData>;

export const vibrationExportResult = z.union([
  z.object({
    success: z.literal(true),
    export_path: z.string(),
    total_samples: z.number().int(),
    train_count: z.number().int(),
    val_count: z.number().int(),
    labels: z.array(z.string()),
    label_distribution: z.record(z.string(), z.number()),
    formats: z.array(z.string()),
  }),
  z.object({
    success: z.literal(true),
    export_path: z.null(),
    total_samples: z.literal(0),
    message: z.string(),
  }),
]);
export type VibrationExportResult = z.infer<typeof vibrationExportResult>;

export const vibrationJobs = {
  'vibration.export': defineJob({
    queue: 'exports',
    name: 'vibration-export',
    data: vibrationExportData,
    result: vibrationExportResult,
    options: { attempts: 3 },
  }),
};
