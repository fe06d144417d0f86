import type { Database, Prisma } from '@groundtruth/db';
import { pythonJson } from '../shared/legacy-format';
import { preparedStatement } from '../shared/sql';
import { lockVideoForChildWrite } from '../videos/locks';
import type { AnnotationType } from './schemas';

/**
 * Structured annotation tags (`annotation_tags`, routes 34, 35): the tag-group values of a time-range tag or a
 * keyframe annotation, linked by (annotation_id, annotation_type) without a foreign key. The time-range and
 * keyframe rows themselves are in `time-range-queries.ts` and `keyframe-queries.ts`.
 */

/** Keys of the scenario workflow stored together as one JSON row in the `_scenario_data` group. */
export const SCENARIO_KEYS = ['scenario', 'bboxes', 'notVisible', 'notPresent', 'skipped'] as const;
export const SCENARIO_GROUP = '_scenario_data';
/** Written by the person manager (route 46); a tag replace keeps it unless the body sets it. */
export const PERSON_NAME_GROUP = 'person_name';

type Tx = Prisma.TransactionClient;

/**
 * Locks the annotation for a write of it or its tags, in the lock order (ARCHITECTURE.md): KEY SHARE on its video,
 * then FOR UPDATE on the annotation's row, so writes to its tags run one after the other and a video delete racing
 * them waits or finds nothing. False when unknown (or deleted meanwhile).
 */
export async function lockAnnotation(
  tx: Tx,
  annotationId: number,
  annotationType: AnnotationType,
): Promise<boolean> {
  const keyframe = annotationType === 'keyframe';
  const [parent] = keyframe
    ? await tx.$queryRaw<
        { video_id: number }[]
      >`SELECT video_id FROM keyframe_annotations WHERE id = ${annotationId}`
    : await tx.$queryRaw<
        { video_id: number }[]
      >`SELECT video_id FROM time_range_tags WHERE id = ${annotationId}`;
  if (!parent || !(await lockVideoForChildWrite(tx, parent.video_id))) return false;
  const locked = keyframe
    ? await tx.$queryRaw<unknown[]>`SELECT 1 FROM keyframe_annotations WHERE id = ${annotationId} FOR UPDATE`
    : await tx.$queryRaw<unknown[]>`SELECT 1 FROM time_range_tags WHERE id = ${annotationId} FOR UPDATE`;
  return locked.length > 0;
}

export async function deleteAnnotationTags(tx: Tx, annotationId: number, annotationType: AnnotationType) {
  await tx.annotationTag.deleteMany({ where: { annotationId, annotationType } });
}

/** Python truthiness of a JSON value: falsy values are not stored. */
function isFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/**
 * Stored text of one group's value: checkbox arrays comma-joined, strings as sent, anything else as JSON text
 * (the legacy app used Python `str()`, giving `True` and `{'a': 1}`; §9 #13).
 */
export function tagValueText(groupType: string, value: unknown): string {
  if (groupType === 'checkbox' && Array.isArray(value)) return value.map((item) => String(item)).join(',');
  if (typeof value === 'string') return value;
  return pythonJson(value);
}

/**
 * The `_scenario_data` group, created on first use: ON CONFLICT waits for a concurrent first use, so both succeed,
 * and the group's KEY SHARE lock keeps it until the transaction ends.
 */
async function scenarioGroupId(tx: Tx): Promise<number> {
  await tx.$executeRaw`INSERT INTO tag_groups (group_name, display_name, group_type, applies_to, sort_order, is_required)
    VALUES (${SCENARIO_GROUP}, 'Scenario Data', 'text', 'both', 999, false) ON CONFLICT (group_name) DO NOTHING`;
  const [group] = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM tag_groups WHERE group_name = ${SCENARIO_GROUP} FOR KEY SHARE`;
  return group!.id;
}

/**
 * Replaces the annotation's tags with `tags`; the caller holds the annotation's row lock (`lockAnnotation`) in the
 * same transaction. Scenario keys become one `_scenario_data` JSON row; other keys are stored under the tag group of
 * that name (unknown groups and falsy values are dropped). A `person_name` row assigned by the person manager
 * survives unless `tags` carries `person_name` itself.
 */
export async function writeAnnotationTags(
  tx: Tx,
  annotationId: number,
  annotationType: AnnotationType,
  tags: Record<string, unknown>,
): Promise<void> {
  const isScenarioKey = (key: string) => (SCENARIO_KEYS as readonly string[]).includes(key);
  const scenarioEntries = Object.entries(tags).filter(([key]) => isScenarioKey(key));
  const plainKeys = Object.keys(tags).filter((key) => !isScenarioKey(key));
  // The groups written into are locked (KEY SHARE, id order) before any annotation_tags row: a group delete then
  // waits for this replace, or this replace no longer sees the group.
  const scenarioGroup = scenarioEntries.length > 0 ? await scenarioGroupId(tx) : undefined;
  const groups = await tx.$queryRaw<{ id: number; groupName: string; groupType: string }[]>`
    SELECT id, group_name AS "groupName", group_type AS "groupType" FROM tag_groups
    WHERE group_name = ANY(${[...plainKeys, PERSON_NAME_GROUP]}::text[]) ORDER BY id FOR KEY SHARE`;
  const byName = new Map(groups.map((group) => [group.groupName, group]));
  const personGroup = byName.get(PERSON_NAME_GROUP);
  const keepPersonName = personGroup !== undefined && !('person_name' in tags);
  await tx.annotationTag.deleteMany({
    where: {
      annotationId,
      annotationType,
      ...(keepPersonName ? { groupId: { not: personGroup.id } } : {}),
    },
  });
  const rows: { annotationId: number; annotationType: string; groupId: number; tagValue: string }[] = [];
  if (scenarioGroup !== undefined) {
    rows.push({
      annotationId,
      annotationType,
      groupId: scenarioGroup,
      tagValue: pythonJson(Object.fromEntries(scenarioEntries)),
    });
  }
  for (const key of plainKeys) {
    const group = byName.get(key);
    const value = tags[key];
    if (!group || isFalsy(value)) continue;
    rows.push({
      annotationId,
      annotationType,
      groupId: group.id,
      tagValue: tagValueText(group.groupType, value),
    });
  }
  if (rows.length > 0) await tx.annotationTag.createMany({ data: rows });
}

/** Nesting beyond which stored JSON is answered as parsed (key order then unsorted); far past what the UI writes. */
const SORTED_DEPTH = 64;

/** Objects' keys in code-point order at every level, as Flask's jsonify answered them (JSON_SORT_KEYS). */
function withSortedKeys(value: unknown, depth = 0): unknown {
  if (depth > SORTED_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => withSortedKeys(item, depth + 1));
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return Object.fromEntries(entries.map(([key, item]) => [key, withSortedKeys(item, depth + 1)]));
}

/**
 * Route 35: the annotation's tags as one flat object, groups by sort order: `_scenario_data` JSON merged at the top
 * level, multi-value checkboxes as arrays (a single value stays a string, §9 #14), everything else the stored text.
 * The answer's keys are sorted at every level, as the legacy app's jsonify sorted them: the UI colours the scenario's
 * `bboxes` by their key order.
 */
export async function getAnnotationTags(
  db: Database,
  annotationId: number,
  annotationType: string,
): Promise<Record<string, unknown>> {
  const { rows } = await db.pool.query<{ group_name: string; group_type: string; tag_value: string }>({
    ...preparedStatement(
      'annotation_tags',
      `SELECT g.group_name, g.group_type, a.tag_value
       FROM annotation_tags a JOIN tag_groups g ON g.id = a.group_id
       WHERE a.annotation_id = $1 AND a.annotation_type = $2
       ORDER BY g.sort_order NULLS FIRST, a.id`,
    ),
    values: [annotationId, annotationType],
  });
  const tags: Record<string, unknown> = {};
  for (const row of rows) {
    if (row.group_name === SCENARIO_GROUP) {
      try {
        const parsed: unknown = JSON.parse(row.tag_value);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(tags, parsed);
      } catch {
        // an unparsable scenario blob is skipped, as in the legacy app
      }
    } else if (row.group_type === 'checkbox' && row.tag_value.includes(',')) {
      tags[row.group_name] = row.tag_value.split(',');
    } else {
      tags[row.group_name] = row.tag_value;
    }
  }
  return withSortedKeys(tags) as Record<string, unknown>;
}
