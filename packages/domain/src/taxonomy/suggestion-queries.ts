import type { Database, Prisma, TagSuggestionModel as TagSuggestion } from '@groundtruth/db';
import { presentFields } from '../shared/changes';
import { legacyFlag, legacyTimestamp } from '../shared/legacy-format';
import type { TagSuggestionRecord } from './schemas';
import { DEFAULT_TAG_SUGGESTIONS } from './seed-data';

/** Tag suggestions (api.md §3.6, routes 24–29). */

export type NewTagSuggestion = {
  category: string;
  tagText: string;
  isNegative?: boolean;
  description?: string | null;
  sortOrder?: number;
};

/** Partial update: undefined and null fields are left unchanged (legacy semantics). */
export type TagSuggestionChanges = { [K in keyof NewTagSuggestion]?: NewTagSuggestion[K] | null };

function suggestionRecord(row: TagSuggestion): TagSuggestionRecord {
  return {
    id: row.id,
    category: row.category,
    tag_text: row.tagText,
    is_negative: legacyFlag(row.isNegative),
    description: row.description,
    sort_order: row.sortOrder,
    created_date: legacyTimestamp(row.createdDate),
  };
}

/** One category ordered by sort_order, tag_text; or all ordered by category first. */
export async function listTagSuggestions(db: Database, category?: string): Promise<TagSuggestionRecord[]> {
  const rows = await db.prisma.tagSuggestion.findMany({
    where: category === undefined ? undefined : { category },
    orderBy: [{ category: 'asc' }, { sortOrder: 'asc' }, { tagText: 'asc' }, { id: 'asc' }],
  });
  return rows.map(suggestionRecord);
}

export async function listSuggestionCategories(db: Database): Promise<string[]> {
  const rows = await db.prisma.tagSuggestion.findMany({
    distinct: ['category'],
    select: { category: true },
    orderBy: { category: 'asc' },
  });
  return rows.map((row) => row.category);
}

export async function addTagSuggestion(db: Database, input: NewTagSuggestion): Promise<number> {
  const row = await db.prisma.tagSuggestion.create({
    data: {
      category: input.category,
      tagText: input.tagText,
      isNegative: input.isNegative ?? false,
      description: input.description ?? null,
      sortOrder: input.sortOrder ?? 0,
    },
    select: { id: true },
  });
  return row.id;
}

/** Returns whether a row changed (false: unknown id or nothing to update). */
export async function updateTagSuggestion(
  db: Database,
  id: number,
  changes: TagSuggestionChanges,
): Promise<boolean> {
  const data = presentFields(changes);
  if (Object.keys(data).length === 0) return false;
  const { count } = await db.prisma.tagSuggestion.updateMany({ where: { id }, data });
  return count > 0;
}

export async function deleteTagSuggestion(db: Database, id: number): Promise<boolean> {
  const { count } = await db.prisma.tagSuggestion.deleteMany({ where: { id } });
  return count > 0;
}

/**
 * Adds the built-in suggestions that are missing (matched by category + tag_text); returns how many. The caller
 * holds the `seed_tag_suggestions` lock.
 */
export async function addMissingTagSuggestions(tx: Prisma.TransactionClient): Promise<number> {
  const existing = await tx.tagSuggestion.findMany({
    where: { category: { in: [...new Set(DEFAULT_TAG_SUGGESTIONS.map((seed) => seed.category))] } },
    select: { category: true, tagText: true },
  });
  const present = new Set(existing.map((row) => `${row.category}\u0000${row.tagText}`));
  const missing = DEFAULT_TAG_SUGGESTIONS.filter(
    (seed) => !present.has(`${seed.category}\u0000${seed.tagText}`),
  );
  if (missing.length) await tx.tagSuggestion.createMany({ data: missing.map((seed) => ({ ...seed })) });
  return missing.length;
}
