import { z } from 'zod';
import { listVibrationTags } from '@groundtruth/domain';
import type { AppContext } from '../context';
import { ApiRouter } from '../route';

/** The time-range tag names a vibration export can filter on (route 83; the export itself is the worker's). */
export function vibrationTagRoutes({ db }: AppContext): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/api/vibration/tags',
      tag: 'vibration',
      summary: 'Time-range tag names with their count and negative count, most frequent first',
      response: z.object({
        success: z.literal(true),
        tags: z.array(z.object({ tag_name: z.string(), count: z.number(), negative_count: z.number() })),
      }),
    },
    async () => ({ success: true, tags: await listVibrationTags(db.prisma) }),
  );
}
