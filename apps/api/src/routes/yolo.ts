import {
  createYoloConfigResponse,
  newYoloConfigBody,
  okResponse,
  yoloActivityTagsResponse,
  yoloConfigParams,
  yoloConfigsResponse,
  yoloExportBody,
  yoloExportResult,
  yoloFilterBody,
  yoloPreviewResponse,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

const TAG = 'yolo';

/** YOLO export configs, filters, preview and export (api.md §4.1); the export runs as a worker job. */
export function yoloRoutes({ services }: RouteContext): ApiRouter {
  const { yolo } = services;
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/api/yolo/configs',
        tag: TAG,
        summary: 'Export configs, newest first',
        response: yoloConfigsResponse,
      },
      async () => ({ success: true, configs: await yolo.listConfigs() }),
    )
    .route(
      {
        method: 'post',
        path: '/api/yolo/configs',
        invalid: 'Missing required fields',
        tag: TAG,
        summary: 'Create an export config',
        body: newYoloConfigBody,
        response: createYoloConfigResponse,
      },
      async ({ body }) => ({ success: true, config_id: await yolo.createConfig(body) }),
    )
    .route(
      {
        method: 'post',
        path: '/api/yolo/configs/:config_id/filters',
        tag: TAG,
        summary: 'Add a video filter to a config',
        params: yoloConfigParams,
        body: yoloFilterBody,
        response: okResponse,
      },
      async ({ params, body }) => {
        await yolo.addFilter(params.config_id, body);
        return { success: true };
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/yolo/configs/:config_id/preview',
        tag: TAG,
        summary: 'Videos and boxes an export would take (same rules as the export)',
        params: yoloConfigParams,
        response: yoloPreviewResponse,
      },
      async ({ params }) => ({ success: true, preview: await yolo.preview(params.config_id) }),
    )
    .route(
      {
        method: 'post',
        path: '/api/yolo/configs/:config_id/export',
        tag: TAG,
        summary: 'Export the dataset (runs as a worker job; answers with its result)',
        params: yoloConfigParams,
        documentedBody: { contentType: 'application/json', schema: yoloExportBody },
        response: yoloExportResult,
      },
      // The body is optional and checked after the config (404 first), so the service takes it as it came.
      async ({ params, req }) => yolo.runExport(params.config_id, req.body),
    )
    .route(
      {
        method: 'get',
        path: '/api/yolo/activity-tags',
        tag: TAG,
        summary: 'Keyframe activity tags with counts',
        response: yoloActivityTagsResponse,
      },
      async () => ({ success: true, tags: await yolo.activityTags() }),
    );
}
