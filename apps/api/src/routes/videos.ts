import {
  createBehaviorResponse,
  getVideoResponse,
  listTagsResponse,
  listVideosQuery,
  listVideosResponse,
  newBehaviorBody,
  okResponse,
  videoIdParams,
  videoTagBody,
  videoTagParams,
} from '@groundtruth/domain';
import { z } from 'zod';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

const linkedResponse = z.object({ success: z.boolean() });

export function videoRoutes({ services }: RouteContext): ApiRouter {
  const { videos } = services;
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/api/videos',
        tag: 'videos',
        summary:
          'Videos newest first (limit/offset); with `search`, every matching video (title, filename, notes, tags, annotations)',
        query: listVideosQuery,
        response: listVideosResponse,
      },
      async ({ query }) => ({ success: true, videos: await videos.list(query) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/videos/:videoId',
        tag: 'videos',
        summary: 'One video (with its legacy tag names) and its behaviors',
        params: videoIdParams,
        response: getVideoResponse,
      },
      async ({ params }) => ({ success: true, ...(await videos.get(params.videoId)) }),
    )
    .route(
      {
        method: 'delete',
        path: '/api/videos/:videoId',
        tag: 'videos',
        summary: 'Delete a video, its annotations and annotation tags, its file and thumbnail',
        params: videoIdParams,
        response: okResponse,
      },
      async ({ params }) => {
        await videos.delete(params.videoId);
        return { success: true };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/videos/:videoId/tags',
        invalid: 'Tag required',
        tag: 'video tags',
        summary: 'Link a legacy tag (created on demand); success false when already linked',
        params: videoIdParams,
        body: videoTagBody,
        response: linkedResponse,
      },
      async ({ params, body }) => ({ success: await videos.addTag(params.videoId, body.tag) }),
    )
    .route(
      {
        method: 'delete',
        path: '/api/videos/:videoId/tags/:tagName',
        tag: 'video tags',
        summary: 'Unlink a legacy tag by name; success false when it was not linked',
        params: videoTagParams,
        response: linkedResponse,
      },
      async ({ params }) => ({ success: await videos.removeTag(params.videoId, params.tagName) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/tags',
        tag: 'video tags',
        summary: 'Every legacy tag by name with its video_count',
        response: listTagsResponse,
      },
      async () => ({ success: true, tags: await videos.listTags() }),
    )
    .route(
      {
        method: 'post',
        path: '/api/videos/:videoId/behaviors',
        tag: 'videos',
        summary: 'Record a behavior on a video',
        params: videoIdParams,
        body: newBehaviorBody,
        response: createBehaviorResponse,
      },
      async ({ params, body }) => ({
        success: true,
        behavior_id: await videos.addBehavior(params.videoId, body),
      }),
    );
}
