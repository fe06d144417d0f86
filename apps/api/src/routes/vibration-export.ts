import { z } from 'zod';
import type { AppContext } from '../context';
import { ApiRouter } from '../route';

/** Vibration / time-range export (api.md route 84), run as a worker job. */
export function vibrationExportRoutes({ jobs }: AppContext): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'post',
      path: '/api/vibration/export',
      tag: 'vibration',
      summary: 'Export time-range annotations as train/val CSV with a manifest',
      body: z.object({
        output_name: z.string().min(1).optional(),
        tag_filter: z.string().min(1).optional(),
        formats: z.array(z.enum(['csv', 'parquet'])).optional(),
        val_split: z.number().min(0).max(1).default(0.2),
        seed: z.number().int().default(42),
      }),
    },
    async ({ body }) => jobs.run('vibration.export', body),
  );
}
