import type { Database } from '@groundtruth/db';
import { pythonJson } from '../shared/legacy-format';
import { preparedStatement, sqlFlag, sqlTimestamp } from '../shared/sql';

/** Time-range tags (routes 12–16), keyframe annotations (17–23) and structured annotation tags (34, 35). */

export type TimeRangeTagRow = {
  id: number;
  video_id: number;
  tag_name: string;
  start_time: number;
  end_time: number | null;
  is_negative: 0 | 1 | null;
  comment: string | null;
  created_date: string | null;
};

export type KeyframeRow = {
  id: number;
  video_id: number;
  timestamp: number;
  bbox_x: number;
  bbox_y: number;
  bbox_width: number;
  bbox_height: number;
  activity_tag: string | null;
  moment_tag: string | null;
  is_negative: 0 | 1 | null;
  comment: string | null;
  created_date: string | null;
  reviewed: 0 | 1 | null;
};

const TIME_RANGE_COLUMNS = `id, video_id, tag_name, start_time, end_time, ${sqlFlag('is_negative')} AS is_negative,
  comment, ${sqlTimestamp('created_date')} AS created_date`;

const KEYFRAME_COLUMNS = `id, video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height, activity_tag, moment_tag,
  ${sqlFlag('is_negative')} AS is_negative, comment, ${sqlTimestamp('created_date')} AS created_date,
  ${sqlFlag('reviewed')} AS reviewed`;

/** Only the keys whose value is present and not null: legacy PUTs cannot clear a field. */
function presentFields<T extends Record<string, unknown>>(
  fields: T,
): Partial<{ [K in keyof T]: NonNullable<T[K]> }> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined && value !== null),
  ) as Partial<{ [K in keyof T]: NonNullable<T[K]> }>;
}

// ---- time-range tags ----

export async function listTimeRangeTags(db: Database, videoId: number): Promise<TimeRangeTagRow[]> {
  const { rows } = await db.pool.query<TimeRangeTagRow>(
    `SELECT ${TIME_RANGE_COLUMNS} FROM time_range_tags WHERE video_id = $1 ORDER BY start_time, id`,
    [videoId],
  );
  return rows;
}

export async function getTimeRangeTag(db: Database, tagId: number): Promise<TimeRangeTagRow | null> {
  const { rows } = await db.pool.query<TimeRangeTagRow>(
    `SELECT ${TIME_RANGE_COLUMNS} FROM time_range_tags WHERE id = $1`,
    [tagId],
  );
  return rows[0] ?? null;
}

export interface NewTimeRangeTag {
  tag_name: string;
  start_time: number;
  end_time?: number | null;
  is_negative?: boolean | null;
  comment?: string | null;
}

export async function createTimeRangeTag(
  db: Database,
  videoId: number,
  input: NewTimeRangeTag,
): Promise<number> {
  const row = await db.prisma.timeRangeTag.create({
    data: {
      videoId,
      tagName: input.tag_name,
      startTime: input.start_time,
      endTime: input.end_time ?? null,
      isNegative: input.is_negative ?? false,
      comment: input.comment ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

export interface TimeRangeTagChanges {
  tag_name?: string | null;
  end_time?: number | null;
  is_negative?: boolean | null;
  comment?: string | null;
}

/** Route 15: writes the non-null fields; false when the tag is unknown or nothing was supplied. */
export async function updateTimeRangeTag(
  db: Database,
  tagId: number,
  changes: TimeRangeTagChanges,
): Promise<boolean> {
  const data = presentFields({
    tagName: changes.tag_name,
    endTime: changes.end_time,
    isNegative: changes.is_negative,
    comment: changes.comment,
  });
  if (Object.keys(data).length === 0) return false;
  const { count } = await db.prisma.timeRangeTag.updateMany({ where: { id: tagId }, data });
  return count > 0;
}

/** Route 16: removes the tag and its annotation tags (no FK links them) together. */
export async function deleteTimeRangeTag(db: Database, tagId: number): Promise<boolean> {
  return deleteAnnotation(db, tagId, 'time_range');
}

// ---- keyframe annotations ----

export async function listKeyframes(db: Database, videoId: number): Promise<KeyframeRow[]> {
  const { rows } = await db.pool.query<KeyframeRow>({
    ...preparedStatement(
      'list_keyframes',
      `SELECT ${KEYFRAME_COLUMNS} FROM keyframe_annotations WHERE video_id = $1 ORDER BY timestamp, id`,
    ),
    values: [videoId],
  });
  return rows;
}

export async function getKeyframe(db: Database, annotationId: number): Promise<KeyframeRow | null> {
  const { rows } = await db.pool.query<KeyframeRow>(
    `SELECT ${KEYFRAME_COLUMNS} FROM keyframe_annotations WHERE id = $1`,
    [annotationId],
  );
  return rows[0] ?? null;
}

export interface NewKeyframe {
  timestamp: number;
  bbox_x: number;
  bbox_y: number;
  bbox_width: number;
  bbox_height: number;
  activity_tag?: string | null;
  moment_tag?: string | null;
  is_negative?: boolean | null;
  comment?: string | null;
  reviewed?: boolean | null;
}

/** Boxes are INTEGER pixel columns; clients send canvas-scaled fractions, so they are rounded. */
const pixels = (value: number | null | undefined) =>
  value === null || value === undefined ? value : Math.round(value);

export async function createKeyframe(db: Database, videoId: number, input: NewKeyframe): Promise<number> {
  const row = await db.prisma.keyframeAnnotation.create({
    data: {
      videoId,
      timestamp: input.timestamp,
      bboxX: Math.round(input.bbox_x),
      bboxY: Math.round(input.bbox_y),
      bboxWidth: Math.round(input.bbox_width),
      bboxHeight: Math.round(input.bbox_height),
      activityTag: input.activity_tag ?? null,
      momentTag: input.moment_tag ?? null,
      isNegative: input.is_negative ?? false,
      comment: input.comment ?? null,
      reviewed: input.reviewed ?? true,
    },
    select: { id: true },
  });
  return row.id;
}

export type KeyframeChanges = { [K in Exclude<keyof NewKeyframe, never>]?: NewKeyframe[K] | null };

/** Route 20: writes the non-null fields (including `timestamp`, §9 #21); false when unknown or nothing supplied. */
export async function updateKeyframe(
  db: Database,
  annotationId: number,
  changes: KeyframeChanges,
): Promise<boolean> {
  const data = presentFields({
    timestamp: changes.timestamp,
    bboxX: pixels(changes.bbox_x),
    bboxY: pixels(changes.bbox_y),
    bboxWidth: pixels(changes.bbox_width),
    bboxHeight: pixels(changes.bbox_height),
    activityTag: changes.activity_tag,
    momentTag: changes.moment_tag,
    isNegative: changes.is_negative,
    comment: changes.comment,
    reviewed: changes.reviewed,
  });
  if (Object.keys(data).length === 0) return false;
  const { count } = await db.prisma.keyframeAnnotation.updateMany({ where: { id: annotationId }, data });
  return count > 0;
}

/** Route 21: removes the annotation and its annotation tags (person names included) together. */
export async function deleteKeyframe(db: Database, annotationId: number): Promise<boolean> {
  return deleteAnnotation(db, annotationId, 'keyframe');
}

/** Routes 22/23: distinct non-null values, byte order like SQLite (empty strings included). */
export async function distinctKeyframeValues(
  db: Database,
  column: 'activity_tag' | 'moment_tag',
): Promise<string[]> {
  const { rows } = await db.pool.query<{ value: string }>(
    `SELECT value FROM (SELECT DISTINCT ${column} AS value FROM keyframe_annotations WHERE ${column} IS NOT NULL) s
     ORDER BY value COLLATE "C"`,
  );
  return rows.map((row) => row.value);
}

// ---- annotation tags ----

export const ANNOTATION_TYPES = ['time_range', 'keyframe'] as const;
export type AnnotationType = (typeof ANNOTATION_TYPES)[number];

/** Keys of the scenario workflow stored together as one JSON row in the `_scenario_data` group. */
export const SCENARIO_KEYS = ['scenario', 'bboxes', 'notVisible', 'notPresent', 'skipped'] as const;
export const SCENARIO_GROUP = '_scenario_data';
/** Written by the person manager (route 46); a tag replace keeps it unless the body sets it. */
export const PERSON_NAME_GROUP = 'person_name';

async function deleteAnnotation(db: Database, id: number, type: AnnotationType): Promise<boolean> {
  return db.prisma.$transaction(async (tx) => {
    const deleted =
      type === 'keyframe'
        ? await tx.keyframeAnnotation.deleteMany({ where: { id } })
        : await tx.timeRangeTag.deleteMany({ where: { id } });
    if (deleted.count === 0) return false;
    await tx.annotationTag.deleteMany({ where: { annotationId: id, annotationType: type } });
    return true;
  });
}

/** Python truthiness of a JSON value: falsy values are not stored. */
function isFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
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
 * Route 34: replaces the annotation's tags with `tags` in one transaction. Scenario keys become one `_scenario_data`
 * JSON row; other keys are stored under the tag group of that name (unknown groups and falsy values are dropped).
 * A `person_name` row assigned by the person manager survives unless `tags` carries `person_name` itself.
 * The annotation row is locked first, so concurrent replaces of one annotation run one after the other.
 * Returns false (and changes nothing) when the annotation does not exist.
 */
export async function replaceAnnotationTags(
  db: Database,
  annotationId: number,
  annotationType: AnnotationType,
  tags: Record<string, unknown>,
): Promise<boolean> {
  const keys = Object.keys(tags);
  const scenarioEntries = Object.entries(tags).filter(([key]) =>
    (SCENARIO_KEYS as readonly string[]).includes(key),
  );
  const plainKeys = keys.filter((key) => !(SCENARIO_KEYS as readonly string[]).includes(key));
  return db.prisma.$transaction(async (tx) => {
    const locked =
      annotationType === 'keyframe'
        ? await tx.$queryRaw<
            unknown[]
          >`SELECT 1 FROM keyframe_annotations WHERE id = ${annotationId} FOR UPDATE`
        : await tx.$queryRaw<unknown[]>`SELECT 1 FROM time_range_tags WHERE id = ${annotationId} FOR UPDATE`;
    if (locked.length === 0) return false;
    const groups = await tx.tagGroup.findMany({
      where: { groupName: { in: [...plainKeys, PERSON_NAME_GROUP] } },
      select: { id: true, groupName: true, groupType: true },
    });
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
    if (scenarioEntries.length > 0) {
      const scenarioGroup = await tx.tagGroup.upsert({
        where: { groupName: SCENARIO_GROUP },
        create: {
          groupName: SCENARIO_GROUP,
          displayName: 'Scenario Data',
          groupType: 'text',
          appliesTo: 'both',
          sortOrder: 999,
          isRequired: false,
        },
        update: {},
        select: { id: true },
      });
      rows.push({
        annotationId,
        annotationType,
        groupId: scenarioGroup.id,
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
    return true;
  });
}

/**
 * Route 35: the annotation's tags as one flat object, groups by sort order: `_scenario_data` JSON merged at the top
 * level, multi-value checkboxes as arrays (a single value stays a string, §9 #14), everything else the stored text.
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
  return tags;
}
