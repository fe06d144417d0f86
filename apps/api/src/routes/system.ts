import { z } from 'zod';
import { systemToolStatus } from '@groundtruth/domain';
import { ApiRouter } from '../route';

export function systemRoutes(): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/api/system/status',
      tag: 'system',
      summary: 'Whether yt-dlp and ffmpeg + ffprobe can be run on this server',
      response: z.object({
        success: z.literal(true),
        yt_dlp_installed: z.boolean(),
        ffmpeg_installed: z.boolean(),
      }),
    },
    async () => ({ success: true, ...(await systemToolStatus()) }),
  );
}
