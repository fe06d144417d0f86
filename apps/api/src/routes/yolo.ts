import { z } from 'zod';
import {
  addYoloFilter,
  createYoloConfig,
  getYoloConfig,
  listYoloConfigs,
  previewYoloExport,
  yoloActivityTags,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { conflict, notFound } from '../errors';
import { ApiRouter } from '../route';

const TAG = 'yolo';
const configParams = z.object({ config_id: z.coerce.number().int().nonnegative() });
// Legacy clients send flags as 0/1 or booleans (api.md §1.5).
const flag = (fallback: boolean) =>
  z
    .union([z.boolean(), z.literal(0), z.literal(1)])
    .transform(Boolean)
    .default(fallback);

/** YOLO export configs, filters, preview and export (api.md §4.1); the export runs as a worker job. */
export function yoloRoutes({ db, jobs }: AppContext): ApiRouter {
  const requireConfig = async (id: number) => {
    const config = await getYoloConfig(db, id);
    if (!config) throw notFound(`Export configuration ${id} not found`);
    return config;
  };
  return new ApiRouter()
    .route(
      { method: 'get', path: '/api/yolo/configs', tag: TAG, summary: 'Export configs, newest first' },
      async () => ({ success: true, configs: await listYoloConfigs(db) }),
    )
    .route(
      {
        method: 'post',
        path: '/api/yolo/configs',
        tag: TAG,
        summary: 'Create an export config',
        body: z.object({
          config_name: z.string().min(1),
          class_mapping: z
            .record(z.string(), z.number().int().nonnegative())
            .refine((mapping) => Object.keys(mapping).length > 0, 'must map at least one activity tag'),
          description: z.string().default(''),
          include_reviewed_only: flag(false),
          include_ai_generated: flag(true),
          include_negative_examples: flag(true),
          min_confidence: z.number().min(0).max(1).default(0),
        }),
      },
      async ({ body }) => {
        const id = await createYoloConfig(db, {
          configName: body.config_name,
          classMapping: body.class_mapping,
          description: body.description,
          includeReviewedOnly: body.include_reviewed_only,
          includeAiGenerated: body.include_ai_generated,
          includeNegativeExamples: body.include_negative_examples,
          minConfidence: body.min_confidence,
        });
        if (id === undefined) throw conflict(`config_name: "${body.config_name}" already exists`);
        return { success: true, config_id: id };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/yolo/configs/:config_id/filters',
        tag: TAG,
        summary: 'Add a video filter to a config',
        params: configParams,
        body: z.object({
          filter_type: z.string().min(1),
          filter_value: z.union([z.string().min(1), z.number()]).transform(String),
          is_exclusion: flag(false),
        }),
      },
      async ({ params, body }) => {
        await requireConfig(params.config_id);
        await addYoloFilter(db, params.config_id, {
          filterType: body.filter_type,
          filterValue: body.filter_value,
          isExclusion: body.is_exclusion,
        });
        return { success: true };
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/yolo/configs/:config_id/preview',
        tag: TAG,
        summary: 'Videos and boxes an export would take (same rules as the export)',
        params: configParams,
      },
      async ({ params }) => ({
        success: true,
        preview: await previewYoloExport(db, await requireConfig(params.config_id)),
      }),
    )
    .route(
      {
        method: 'post',
        path: '/api/yolo/configs/:config_id/export',
        tag: TAG,
        summary: 'Export the dataset (runs as a worker job; answers with its result)',
        params: configParams,
      },
      async ({ params, req }) => {
        await requireConfig(params.config_id);
        const body = z
          .object({ output_name: z.string().min(1).optional() })
          .parse((req.body as unknown) ?? {});
        return jobs.run('yolo.export', { config_id: params.config_id, ...body });
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/yolo/activity-tags',
        tag: TAG,
        summary: 'Keyframe activity tags with counts',
      },
      async () => ({ success: true, tags: await yoloActivityTags(db) }),
    );
}
