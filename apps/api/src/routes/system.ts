import { systemStatusResponse } from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

export function systemRoutes({ services }: RouteContext): ApiRouter {
  return new ApiRouter().route(
    {
      method: 'get',
      path: '/api/system/status',
      tag: 'system',
      summary:
        'Whether yt-dlp and ffmpeg + ffprobe can be run on this server, and which executable each resolved to',
      response: systemStatusResponse,
    },
    async () => ({ success: true, ...(await services.ingest.toolStatus()) }),
  );
}
