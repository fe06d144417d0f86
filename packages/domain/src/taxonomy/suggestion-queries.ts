import type { PrismaClient, TagSuggestionModel as TagSuggestion } from '@groundtruth/db';
import { legacyFlag, legacyTimestamp } from '../shared/legacy-format';
import { DEFAULT_TAG_SUGGESTIONS } from './seed-data';

/** Tag suggestions (api.md §3.6, routes 24–29). */

export interface TagSuggestionRecord {
  id: number;
  category: string;
  tag_text: string;
  is_negative: 0 | 1 | null;
  description: string | null;
  sort_order: number | null;
  created_date: string | null;
}

export interface NewTagSuggestion {
  category: string;
  tagText: string;
  isNegative?: boolean;
  description?: string | null;
  sortOrder?: number;
}

/** Partial update: undefined and null fields are left unchanged (legacy semantics). */
export interface TagSuggestionChanges {
  category?: string | null;
  tagText?: string | null;
  isNegative?: boolean | null;
  description?: string | null;
  sortOrder?: number | null;
}

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
export async function listTagSuggestions(
  prisma: PrismaClient,
  category?: string,
): Promise<TagSuggestionRecord[]> {
  const rows = await prisma.tagSuggestion.findMany({
    where: category === undefined ? undefined : { category },
    orderBy: [{ category: 'asc' }, { sortOrder: 'asc' }, { tagText: 'asc' }, { id: 'asc' }],
  });
  return rows.map(suggestionRecord);
}

export async function listSuggestionCategories(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.tagSuggestion.findMany({
    distinct: ['category'],
    select: { category: true },
    orderBy: { category: 'asc' },
  });
  return rows.map((row) => row.category);
}

export async function addTagSuggestion(prisma: PrismaClient, input: NewTagSuggestion): Promise<number> {
  const row = await prisma.tagSuggestion.create({
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
  prisma: PrismaClient,
  id: number,
  changes: TagSuggestionChanges,
): Promise<boolean> {
  const data = Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined && value !== null),
  );
  if (Object.keys(data).length === 0) return false;
  const { count } = await prisma.tagSuggestion.updateMany({ where: { id }, data });
  return count > 0;
}

export async function deleteTagSuggestion(prisma: PrismaClient, id: number): Promise<boolean> {
  const { count } = await prisma.tagSuggestion.deleteMany({ where: { id } });
  return count > 0;
}

export async function tagSuggestionExists(prisma: PrismaClient, id: number): Promise<boolean> {
  return (await prisma.tagSuggestion.count({ where: { id } })) > 0;
}

/**
 * Adds the 17 built-in suggestions that are missing (matched by category + tag_text), so repeated calls add
 * nothing (§9 #16). Returns how many were added.
 */
export async function seedDefaultTagSuggestions(prisma: PrismaClient): Promise<number> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('groundtruth.seed_tag_suggestions'))`;
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
  });
}
