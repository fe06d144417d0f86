import { vibrationExportData, vibrationExportResult, vibrationTagsResponse } from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

/** Vibration / time-range export (api.md §4.9): the tag names it can filter on, and the export (a worker job). */
export function vibrationRoutes({ services }: RouteContext): ApiRouter {
  const { vibration } = services;
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/api/vibration/tags',
        tag: 'vibration',
        summary: 'Time-range tag names with their count and negative count, most frequent first',
        response: vibrationTagsResponse,
      },
      async () => ({ success: true, tags: await vibration.listTags() }),
    )
    .route(
      {
        method: 'post',
        path: '/api/vibration/export',
        tag: 'vibration',
        summary: 'Export time-range annotations as train/val CSV with a manifest',
        // the job's own contracts: the route answers with the job's result
        body: vibrationExportData,
        response: vibrationExportResult,
      },
      async ({ body }) => vibration.runExport(body),
    );
}
