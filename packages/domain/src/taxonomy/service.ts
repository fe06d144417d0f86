import type { DomainDeps } from '../shared/deps';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import { outcome, type Outcome } from '../shared/responses';
import { addMissingTaxonomy, getTagGroupByName, listTagGroups, lockSeed, tagSchema } from './queries';
import type { TagSchemaRequest, TagSuggestionInput, TaxonomySeedResult } from './schemas';
import {
  addMissingTagSuggestions,
  addTagSuggestion,
  deleteTagSuggestion,
  listSuggestionCategories,
  listTagSuggestions,
  updateTagSuggestion,
} from './suggestion-queries';

/** Tag suggestions, tag groups, the annotation-form schema and the built-in seeds (api.md §3.6–3.7). */
export class TaxonomyService {
  constructor(private readonly deps: Pick<DomainDeps, 'db'>) {}

  // ---- tag suggestions

  listSuggestions(category?: string) {
    return listTagSuggestions(this.deps.db, category);
  }

  listSuggestionCategories() {
    return listSuggestionCategories(this.deps.db);
  }

  /** Adds a suggestion; category and tag_text are required and trimmed. */
  async addSuggestion(input: TagSuggestionInput): Promise<number> {
    const category = input.category?.trim();
    const tagText = input.tag_text?.trim();
    if (!category || !tagText) throw new InvalidInputError('category and tag_text required');
    return addTagSuggestion(this.deps.db, {
      category,
      tagText,
      isNegative: input.is_negative ?? false,
      description: input.description ?? null,
      sortOrder: input.sort_order ?? 0,
    });
  }

  /** Writes the given non-null fields (as sent, untrimmed). */
  async updateSuggestion(id: number, changes: TagSuggestionInput): Promise<Outcome> {
    const updated = await updateTagSuggestion(this.deps.db, id, {
      category: changes.category,
      tagText: changes.tag_text,
      isNegative: changes.is_negative,
      description: changes.description,
      sortOrder: changes.sort_order,
    });
    return outcome(updated, 'Suggestion not found or nothing to update');
  }

  async deleteSuggestion(id: number): Promise<Outcome> {
    return outcome(await deleteTagSuggestion(this.deps.db, id), 'Suggestion not found');
  }

  /** Adds the 17 built-in suggestions that are missing, so repeated calls add nothing (§9 #16); how many it added. */
  seedSuggestions(): Promise<number> {
    return this.deps.db.prisma.$transaction(async (tx) => {
      await lockSeed(tx, 'seed_tag_suggestions');
      return addMissingTagSuggestions(tx);
    });
  }

  // ---- tag groups

  listGroups(annotationType?: string) {
    return listTagGroups(this.deps.db, annotationType);
  }

  async getGroup(groupName: string) {
    const group = await getTagGroupByName(this.deps.db, groupName);
    if (!group) throw new NotFoundError('Tag group not found');
    return group;
  }

  /** The groups of the annotation form for a scenario (`is_negative=true` is the only true value). */
  formSchema(query: TagSchemaRequest) {
    return tagSchema(this.deps.db, {
      annotationType: query.annotation_type,
      groundTruth: query.ground_truth || undefined,
      isNegative: query.is_negative === 'true',
    });
  }

  /**
   * Creates the built-in taxonomy (29 groups / 123 options). Idempotent (§9 #16): only what is missing is added.
   * One transaction under an advisory lock, so concurrent seeds cannot duplicate options.
   */
  seedTaxonomy(): Promise<TaxonomySeedResult> {
    return this.deps.db.prisma.$transaction(async (tx) => {
      await lockSeed(tx, 'seed_taxonomy');
      return addMissingTaxonomy(tx);
    });
  }
}
