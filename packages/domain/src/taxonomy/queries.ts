import type {
  Database,
  Prisma,
  TagGroupModel as TagGroup,
  TagOptionModel as TagOption,
} from '@groundtruth/db';
import { legacyFlag, legacyTimestamp } from '../shared/legacy-format';
import type { TagGroupRecord, TagOptionRecord, TaxonomySeedResult } from './schemas';
import { TAXONOMY_GROUPS } from './seed-data';

/** Tag groups, their options, the annotation-form schema and the built-in taxonomy (api.md §3.7, routes 30–33). */

function optionRecord(option: TagOption): TagOptionRecord {
  return {
    id: option.id,
    group_id: option.groupId,
    option_value: option.optionValue,
    display_text: option.displayText,
    is_negative: legacyFlag(option.isNegative),
    description: option.description,
    sort_order: option.sortOrder,
    created_date: legacyTimestamp(option.createdDate),
  };
}

function groupRecord(group: TagGroup & { options: TagOption[] }): TagGroupRecord {
  return {
    id: group.id,
    group_name: group.groupName,
    display_name: group.displayName,
    group_type: group.groupType,
    description: group.description,
    is_required: legacyFlag(group.isRequired),
    applies_to: group.appliesTo,
    sort_order: group.sortOrder,
    created_date: legacyTimestamp(group.createdDate),
    options: group.options.map(optionRecord),
  };
}

const withOrderedOptions = {
  options: {
    orderBy: [{ sortOrder: 'asc' as const }, { displayText: 'asc' as const }, { id: 'asc' as const }],
  },
};

/**
 * Groups with their options, ordered by sort_order then display_name. With an annotation type, only groups that
 * apply to it or to `both` (groups with a null `applies_to`, like `person_name`, are left out).
 */
export async function listTagGroups(db: Database, annotationType?: string): Promise<TagGroupRecord[]> {
  const groups = await db.prisma.tagGroup.findMany({
    where: annotationType ? { appliesTo: { in: [annotationType, 'both'] } } : undefined,
    orderBy: [{ sortOrder: 'asc' }, { displayName: 'asc' }, { id: 'asc' }],
    include: withOrderedOptions,
  });
  return groups.map(groupRecord);
}

export async function getTagGroupByName(db: Database, groupName: string): Promise<TagGroupRecord | null> {
  const group = await db.prisma.tagGroup.findUnique({ where: { groupName }, include: withOrderedOptions });
  return group ? groupRecord(group) : null;
}

export interface TagSchemaQuery {
  annotationType?: string;
  groundTruth?: string;
  isNegative: boolean;
}

/** Groups shown only for one ground-truth class (and, for the indicators, one polarity). */
function belongsToSchema(groupName: string, { groundTruth, isNegative }: TagSchemaQuery): boolean {
  // Internal groups (`_scenario_data`) hold data the UI writes itself; never part of the form (§9 #15).
  if (groupName.startsWith('_')) return false;
  if (groupName.startsWith('false_positive_')) return isNegative;
  switch (groupName) {
    case 'present_indicators':
      return groundTruth === 'power_loading' && !isNegative;
    case 'absent_indicators':
      return groundTruth === 'power_loading' && isNegative;
    case 'violation_context':
    case 'motor_state':
    case 'boat_motion':
      return groundTruth === 'power_loading';
    case 'vehicle_type':
    case 'plate_state':
      return groundTruth === 'license_plate';
    case 'face_angle':
    case 'face_obstruction':
      return groundTruth === 'face_detected';
    default:
      return true;
  }
}

/** The groups of the dynamic annotation form (route 32): route 30's list, filtered by the scenario. */
export async function tagSchema(db: Database, query: TagSchemaQuery): Promise<TagGroupRecord[]> {
  const groups = await listTagGroups(db, query.annotationType);
  return groups.filter((group) => belongsToSchema(group.group_name, query));
}

/** Serializes seeds of one kind until the transaction ends, so concurrent seeds cannot add a row twice. */
export async function lockSeed(tx: Prisma.TransactionClient, seed: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`groundtruth.${seed}`}))`;
}

/**
 * Adds the groups and options of the built-in taxonomy that are missing: groups are matched by name and options by
 * value within their group; existing rows are left as they are. The caller holds the `seed_taxonomy` lock.
 */
export async function addMissingTaxonomy(tx: Prisma.TransactionClient): Promise<TaxonomySeedResult> {
  const existing = await tx.tagGroup.findMany({
    where: { groupName: { in: TAXONOMY_GROUPS.map((group) => group.groupName) } },
    include: { options: { select: { optionValue: true } } },
  });
  const byName = new Map(existing.map((group) => [group.groupName, group]));
  let groupsCreated = 0;
  let optionsCreated = 0;
  for (const seed of TAXONOMY_GROUPS) {
    const { options, ...fields } = seed;
    let group = byName.get(seed.groupName);
    if (!group) {
      const created = await tx.tagGroup.create({ data: fields });
      group = { ...created, options: [] };
      groupsCreated += 1;
    }
    const present = new Set(group.options.map((option) => option.optionValue));
    const missing = options.filter((option) => !present.has(option.optionValue));
    if (missing.length) {
      await tx.tagOption.createMany({ data: missing.map((option) => ({ ...option, groupId: group.id })) });
      optionsCreated += missing.length;
    }
  }
  return { groupsCreated, optionsCreated };
}

export const TAXONOMY_GROUP_COUNT = TAXONOMY_GROUPS.length;
