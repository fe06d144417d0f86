import { z } from 'zod';
import { idParam, indexedText, legacyBoolean } from '../shared/input';
import { legacyFlagSchema } from '../shared/responses';

/** Tag suggestions (api.md §3.6, routes 24–29), tag groups and their options, the form schema (§3.7, 30–33). */

/** A `tag_suggestions` row in the legacy shape. */
export const tagSuggestionSchema = z.object({
  id: z.number(),
  category: z.string(),
  tag_text: z.string(),
  is_negative: legacyFlagSchema,
  description: z.string().nullable(),
  sort_order: z.number().nullable(),
  created_date: z.string().nullable(),
});
export type TagSuggestionRecord = z.infer<typeof tagSuggestionSchema>;

/** A `tag_options` row in the legacy shape. */
export const tagOptionSchema = z.object({
  id: z.number(),
  group_id: z.number(),
  option_value: z.string(),
  display_text: z.string(),
  is_negative: legacyFlagSchema,
  description: z.string().nullable(),
  sort_order: z.number().nullable(),
  created_date: z.string().nullable(),
});
export type TagOptionRecord = z.infer<typeof tagOptionSchema>;

/** A `tag_groups` row in the legacy shape, with its options in display order. */
export const tagGroupSchema = z.object({
  id: z.number(),
  group_name: z.string(),
  display_name: z.string(),
  group_type: z.string(),
  description: z.string().nullable(),
  is_required: legacyFlagSchema,
  applies_to: z.string().nullable(),
  sort_order: z.number().nullable(),
  created_date: z.string().nullable(),
  options: z.array(tagOptionSchema),
});
export type TagGroupRecord = z.infer<typeof tagGroupSchema>;

/** What the built-in taxonomy seed added. */
export interface TaxonomySeedResult {
  groupsCreated: number;
  optionsCreated: number;
}

// ---- requests

const sortOrder = z.number().int().min(-2_147_483_648).max(2_147_483_647);

/** POST and PUT of a suggestion; POST requires category and tag_text (checked by the service, legacy message). */
export const tagSuggestionBody = z.object({
  category: indexedText().nullish(),
  tag_text: z.string().nullish(),
  is_negative: legacyBoolean.nullish(),
  description: z.string().nullish(),
  sort_order: sortOrder.nullish(),
});
export type TagSuggestionInput = z.infer<typeof tagSuggestionBody>;

export const tagSuggestionsQuery = z.object({ category: z.string().optional() });
export const suggestionIdParams = z.object({ suggestionId: idParam });
export const tagGroupParams = z.object({ groupName: z.string().min(1) });

/**
 * `?annotation_type=`: empty counts as absent, like the legacy app's truthiness test. Any other text filters as in
 * the legacy app: groups applying to it or to `both` (an unknown type gets the `both` groups, not a 400).
 */
const annotationTypeQuery = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().optional(),
);

export const tagGroupsQuery = z.object({ annotation_type: annotationTypeQuery });

export const tagSchemaQuery = z.object({
  annotation_type: annotationTypeQuery,
  ground_truth: z.string().optional(),
  is_negative: z.string().optional(),
});
export type TagSchemaRequest = z.infer<typeof tagSchemaQuery>;

// ---- responses

export const listTagSuggestionsResponse = z.object({
  success: z.literal(true),
  suggestions: z.array(tagSuggestionSchema),
});
export const suggestionCategoriesResponse = z.object({
  success: z.literal(true),
  categories: z.array(z.string()),
});
export const createTagSuggestionResponse = z.object({ success: z.literal(true), suggestion_id: z.number() });
export const seedTagSuggestionsResponse = z.object({
  success: z.literal(true),
  message: z.string(),
  added: z.number(),
});
export const listTagGroupsResponse = z.object({ success: z.literal(true), groups: z.array(tagGroupSchema) });
export const getTagGroupResponse = z.object({ success: z.literal(true), group: tagGroupSchema });
export const seedTaxonomyResponse = z.object({
  success: z.literal(true),
  message: z.string(),
  groups_created: z.number(),
  options_created: z.number(),
});
