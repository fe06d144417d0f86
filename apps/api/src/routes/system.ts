import { z } from 'zod';
import { systemToolStatus } from '@groundtruth/domain';
import type { AppContext } from '../context';
import { ApiRouter } from '../route';

export function systemRoutes({ config }: AppContext): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/api/system/status',
      tag: 'system',
      summary:
        'Whether yt-dlp and ffmpeg + ffprobe can be run on this server, and which executable each resolved to',
      response: z.object({
        success: z.literal(true),
        yt_dlp_installed: z.boolean(),
        ffmpeg_installed: z.boolean(),
        tools: z.record(
          z.enum(['yt_dlp', 'ffmpeg', 'ffprobe']),
          z.object({
            name: z.string(),
            path: z.string(),
            source: z.enum(['env', 'npm', 'path']),
            available: z.boolean(),
            version: z.string().nullable(),
          }),
        ),
      }),
    },
    async () => ({ success: true, ...(await systemToolStatus(config)) }),
  );
}
