import {
  createTagSuggestionResponse,
  getTagGroupResponse,
  listTagGroupsResponse,
  listTagSuggestionsResponse,
  outcomeResponse,
  seedTagSuggestionsResponse,
  seedTaxonomyResponse,
  suggestionCategoriesResponse,
  suggestionIdParams,
  tagGroupParams,
  tagGroupsQuery,
  tagSchemaQuery,
  tagSuggestionBody,
  tagSuggestionsQuery,
  TAXONOMY_GROUP_COUNT,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

/** Tag suggestions, tag groups, the annotation-form schema and the taxonomy seed (api.md §3.6–3.7). */
export function taxonomyRoutes({ services }: RouteContext): ApiRouter {
  const { taxonomy } = services;
  const api = new ApiRouter();

  // ---- tag suggestions (routes 24–29) ----
  api
    .route(
      {
        method: 'get',
        path: '/api/tag-suggestions',
        tag: 'tag suggestions',
        summary:
          'Suggestions of one category (exact match) or all, ordered by category, sort_order, tag_text',
        query: tagSuggestionsQuery,
        response: listTagSuggestionsResponse,
      },
      async ({ query }) => ({ success: true, suggestions: await taxonomy.listSuggestions(query.category) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/tag-suggestions/categories',
        tag: 'tag suggestions',
        summary: 'Distinct suggestion categories, sorted',
        response: suggestionCategoriesResponse,
      },
      async () => ({ success: true, categories: await taxonomy.listSuggestionCategories() }),
    )
    .route(
      {
        method: 'post',
        path: '/api/tag-suggestions',
        invalid: 'category and tag_text required',
        tag: 'tag suggestions',
        summary: 'Add a suggestion (category and tag_text required, trimmed)',
        body: tagSuggestionBody,
        response: createTagSuggestionResponse,
      },
      async ({ body }) => ({ success: true, suggestion_id: await taxonomy.addSuggestion(body) }),
    )
    .route(
      {
        method: 'put',
        path: '/api/tag-suggestions/:suggestionId',
        tag: 'tag suggestions',
        summary: 'Update the given non-null fields; success false when unknown or nothing given',
        params: suggestionIdParams,
        body: tagSuggestionBody,
        response: outcomeResponse,
      },
      ({ params, body }) => taxonomy.updateSuggestion(params.suggestionId, body),
    )
    .route(
      {
        method: 'delete',
        path: '/api/tag-suggestions/:suggestionId',
        tag: 'tag suggestions',
        summary: 'Delete a suggestion; success false when unknown',
        params: suggestionIdParams,
        response: outcomeResponse,
      },
      ({ params }) => taxonomy.deleteSuggestion(params.suggestionId),
    )
    .route(
      {
        method: 'post',
        path: '/api/tag-suggestions/seed',
        tag: 'tag suggestions',
        summary: 'Add the 17 built-in suggestions that are missing (idempotent)',
        response: seedTagSuggestionsResponse,
      },
      async () => ({
        success: true,
        message: 'Default tag suggestions added',
        added: await taxonomy.seedSuggestions(),
      }),
    );

  // ---- tag groups, schema, taxonomy (routes 30–33) ----
  return api
    .route(
      {
        method: 'get',
        path: '/api/tag-groups',
        tag: 'tag groups',
        summary: 'Tag groups with options; with annotation_type only the groups for it or for both',
        query: tagGroupsQuery,
        response: listTagGroupsResponse,
      },
      async ({ query }) => ({ success: true, groups: await taxonomy.listGroups(query.annotation_type) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/tag-groups/:groupName',
        tag: 'tag groups',
        summary: 'One tag group with its options',
        params: tagGroupParams,
        response: getTagGroupResponse,
      },
      async ({ params }) => ({ success: true, group: await taxonomy.getGroup(params.groupName) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/tag-schema',
        tag: 'tag groups',
        summary: 'Groups of the annotation form for a scenario (internal `_` groups hidden)',
        query: tagSchemaQuery,
        response: listTagGroupsResponse,
      },
      async ({ query }) => ({ success: true, groups: await taxonomy.formSchema(query) }),
    )
    .route(
      {
        method: 'post',
        path: '/api/tag-taxonomy/seed',
        tag: 'tag groups',
        summary: 'Create the built-in 29-group taxonomy; adds only what is missing (idempotent)',
        response: seedTaxonomyResponse,
      },
      async () => {
        const { groupsCreated, optionsCreated } = await taxonomy.seedTaxonomy();
        return {
          success: true,
          message: `${TAXONOMY_GROUP_COUNT} tag groups seeded successfully`,
          groups_created: groupsCreated,
          options_created: optionsCreated,
        };
      },
    );
}
