import { z } from 'zod';
import {
  addTagSuggestion,
  deleteTagSuggestion,
  getTagGroupByName,
  listSuggestionCategories,
  listTagGroups,
  listTagSuggestions,
  seedDefaultTagSuggestions,
  seedTaxonomy,
  tagSchema,
  TAXONOMY_GROUP_COUNT,
  updateTagSuggestion,
  idParam,
  legacyBoolean,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { badRequest, notFound } from '../errors';
import { ApiRouter } from '../route';

/** Tag suggestions, tag groups, the annotation-form schema and the taxonomy seed (api.md §3.6–3.7). */

const suggestionSchema = z.object({
  id: z.number(),
  category: z.string(),
  tag_text: z.string(),
  is_negative: z.number().nullable(),
  description: z.string().nullable(),
  sort_order: z.number().nullable(),
  created_date: z.string().nullable(),
});

const tagOptionSchema = z.object({
  id: z.number(),
  group_id: z.number(),
  option_value: z.string(),
  display_text: z.string(),
  is_negative: z.number().nullable(),
  description: z.string().nullable(),
  sort_order: z.number().nullable(),
  created_date: z.string().nullable(),
});

const tagGroupSchema = z.object({
  id: z.number(),
  group_name: z.string(),
  display_name: z.string(),
  group_type: z.string(),
  description: z.string().nullable(),
  is_required: z.number().nullable(),
  applies_to: z.string().nullable(),
  sort_order: z.number().nullable(),
  created_date: z.string().nullable(),
  options: z.array(tagOptionSchema),
});

const sortOrder = z.number().int().min(-2_147_483_648).max(2_147_483_647);

/** `?annotation_type=`: empty counts as absent, like the legacy app's truthiness test. */
const annotationTypeQuery = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.enum(['time_range', 'keyframe', 'both']).optional(),
);

const outcome = (success: boolean, failure: string) => (success ? { success } : { success, error: failure });

export function taxonomyRoutes({ db }: AppContext): ApiRouter {
  const api = new ApiRouter();
  const { prisma } = db;

  // ---- tag suggestions (routes 24–29) ----
  api.route(
    {
      method: 'get',
      path: '/api/tag-suggestions',
      tag: 'tag suggestions',
      summary: 'Suggestions of one category (exact match) or all, ordered by category, sort_order, tag_text',
      query: z.object({ category: z.string().optional() }),
      response: z.object({ success: z.literal(true), suggestions: z.array(suggestionSchema) }),
    },
    async ({ query }) => ({ success: true, suggestions: await listTagSuggestions(prisma, query.category) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/tag-suggestions/categories',
      tag: 'tag suggestions',
      summary: 'Distinct suggestion categories, sorted',
      response: z.object({ success: z.literal(true), categories: z.array(z.string()) }),
    },
    async () => ({ success: true, categories: await listSuggestionCategories(prisma) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/tag-suggestions',
      tag: 'tag suggestions',
      summary: 'Add a suggestion (category and tag_text required, trimmed)',
      body: z.object({
        category: z.string().nullish(),
        tag_text: z.string().nullish(),
        is_negative: legacyBoolean.nullish(),
        description: z.string().nullish(),
        sort_order: sortOrder.nullish(),
      }),
      response: z.object({ success: z.literal(true), suggestion_id: z.number() }),
    },
    async ({ body }) => {
      const category = body.category?.trim();
      const tagText = body.tag_text?.trim();
      if (!category || !tagText) throw badRequest('category and tag_text required');
      const id = await addTagSuggestion(prisma, {
        category,
        tagText,
        isNegative: body.is_negative ?? false,
        description: body.description ?? null,
        sortOrder: body.sort_order ?? 0,
      });
      return { success: true, suggestion_id: id };
    },
  );

  api.route(
    {
      method: 'put',
      path: '/api/tag-suggestions/:suggestionId',
      tag: 'tag suggestions',
      summary: 'Update the given non-null fields; success false when unknown or nothing given',
      params: z.object({ suggestionId: idParam }),
      body: z.object({
        category: z.string().nullish(),
        tag_text: z.string().nullish(),
        is_negative: legacyBoolean.nullish(),
        description: z.string().nullish(),
        sort_order: sortOrder.nullish(),
      }),
    },
    async ({ params, body }) =>
      outcome(
        await updateTagSuggestion(prisma, params.suggestionId, {
          category: body.category,
          tagText: body.tag_text,
          isNegative: body.is_negative,
          description: body.description,
          sortOrder: body.sort_order,
        }),
        'Suggestion not found or nothing to update',
      ),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/tag-suggestions/:suggestionId',
      tag: 'tag suggestions',
      summary: 'Delete a suggestion; success false when unknown',
      params: z.object({ suggestionId: idParam }),
    },
    async ({ params }) =>
      outcome(await deleteTagSuggestion(prisma, params.suggestionId), 'Suggestion not found'),
  );

  api.route(
    {
      method: 'post',
      path: '/api/tag-suggestions/seed',
      tag: 'tag suggestions',
      summary: 'Add the 17 built-in suggestions that are missing (idempotent)',
      response: z.object({ success: z.literal(true), message: z.string(), added: z.number() }),
    },
    async () => ({
      success: true,
      message: 'Default tag suggestions added',
      added: await seedDefaultTagSuggestions(prisma),
    }),
  );

  // ---- tag groups, schema, taxonomy (routes 30–33) ----
  api.route(
    {
      method: 'get',
      path: '/api/tag-groups',
      tag: 'tag groups',
      summary: 'Tag groups with options; with annotation_type only the groups for it or for both',
      query: z.object({ annotation_type: annotationTypeQuery }),
      response: z.object({ success: z.literal(true), groups: z.array(tagGroupSchema) }),
    },
    async ({ query }) => ({ success: true, groups: await listTagGroups(prisma, query.annotation_type) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/tag-groups/:groupName',
      tag: 'tag groups',
      summary: 'One tag group with its options',
      params: z.object({ groupName: z.string().min(1) }),
      response: z.object({ success: z.literal(true), group: tagGroupSchema }),
    },
    async ({ params }) => {
      const group = await getTagGroupByName(prisma, params.groupName);
      if (!group) throw notFound('Tag group not found');
      return { success: true, group };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/tag-schema',
      tag: 'tag groups',
      summary: 'Groups of the annotation form for a scenario (internal `_` groups hidden)',
      query: z.object({
        annotation_type: annotationTypeQuery,
        ground_truth: z.string().optional(),
        is_negative: z.string().optional(),
      }),
      response: z.object({ success: z.literal(true), groups: z.array(tagGroupSchema) }),
    },
    async ({ query }) => ({
      success: true,
      groups: await tagSchema(prisma, {
        annotationType: query.annotation_type,
        groundTruth: query.ground_truth || undefined,
        isNegative: query.is_negative === 'true',
      }),
    }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/tag-taxonomy/seed',
      tag: 'tag groups',
      summary: 'Create the built-in 29-group taxonomy; adds only what is missing (idempotent)',
      response: z.object({
        success: z.literal(true),
        message: z.string(),
        groups_created: z.number(),
        options_created: z.number(),
      }),
    },
    async () => {
      const result = await seedTaxonomy(prisma);
      return {
        success: true,
        message: `${TAXONOMY_GROUP_COUNT} tag groups seeded successfully`,
        groups_created: result.groupsCreated,
        options_created: result.optionsCreated,
      };
    },
  );

  return api;
}
