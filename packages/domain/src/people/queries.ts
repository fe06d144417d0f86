/** Person detections and recent names/values (shared/spec/api.md §4.2, quirks §9 #5 and #6). */
import type { Database } from '@groundtruth/db';
import { PERSON_NAME_GROUP } from '../annotations/queries';
import type { Queryable } from '../shared/sql';
import { isUnknownName, parsePersonNameValue, personKeySql, personNameForms } from './person-name';
import type { PersonDetection, PersonDetectionFilters, PersonDetections } from './schemas';

/**
 * Keyframe annotations of people: those with a person-name tag or a `person_identification` scenario tag.
 * `person_value` is the annotation's first person-name tag value (null when unnamed).
 */
const PERSON_SELECTION = `
  person_group AS (SELECT id FROM tag_groups WHERE group_name = '${PERSON_NAME_GROUP}'),
  selection AS (
    SELECT ka.id, ka.video_id,
           (SELECT t.tag_value FROM annotation_tags t
             WHERE t.annotation_id = ka.id AND t.annotation_type = 'keyframe'
               AND t.group_id = (SELECT id FROM person_group) AND t.tag_value <> ''
             ORDER BY t.id LIMIT 1) AS person_value
      FROM keyframe_annotations ka
     WHERE ka.id IN (SELECT t.annotation_id FROM annotation_tags t
                      WHERE t.annotation_type = 'keyframe'
                        AND (t.group_id = (SELECT id FROM person_group)
                             OR t.tag_value LIKE '%person_identification%'))
  )`;

/** A detection as the page query reads it: the stored person value, and the filtered count on every row. */
type DetectionRow = Omit<PersonDetection, 'thumbnail_url' | 'person_name'> & {
  person_value: string | null;
  total: number;
};

function thumbnailUrl(path: string | null): string | null {
  if (!path) return null;
  const base = path.split(/[\\/]/).pop();
  return base ? `/thumbnails/${encodeURIComponent(base)}` : null;
}

function detection(row: DetectionRow): PersonDetection {
  return {
    id: row.id,
    video_id: row.video_id,
    video_title: row.video_title,
    timestamp: row.timestamp,
    bbox_x: row.bbox_x,
    bbox_y: row.bbox_y,
    bbox_width: row.bbox_width,
    bbox_height: row.bbox_height,
    // The unchanged person manager uses thumbnail_path as the <img src> (api.md route 43, §9 #20): both fields carry
    // the URL the server serves; the stored server path stays in the videos row (and in GET /api/videos).
    thumbnail_path: thumbnailUrl(row.thumbnail_path),
    thumbnail_url: thumbnailUrl(row.thumbnail_path),
    person_name: parsePersonNameValue(row.person_value),
    pose: row.pose,
    distance_category: row.distance_category,
    created_date: row.created_date,
  };
}

/** GET /api/person-detections: one page of detections (newest first) plus people and stats of all of them. */
export async function listPersonDetections(
  db: Database,
  filters: PersonDetectionFilters = {},
): Promise<PersonDetections> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (filters.person_name !== undefined) {
    params.push(personNameForms(filters.person_name));
    const named = `s.person_value = ANY($${params.length}::text[])`;
    where.push(isUnknownName(filters.person_name) ? `(s.person_value IS NULL OR ${named})` : named);
  }
  if (filters.video_id !== undefined) {
    params.push(filters.video_id);
    where.push(`s.video_id = $${params.length}`);
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  params.push(filters.limit ?? null, filters.offset ?? 0);
  const paging = `LIMIT $${params.length - 1} OFFSET $${params.length}`;

  const [page, people, stats] = await Promise.all([
    db.pool.query<DetectionRow>(
      `WITH ${PERSON_SELECTION}
       SELECT ka.id, ka.video_id, v.title AS video_title, ka.timestamp, ka.bbox_x, ka.bbox_y, ka.bbox_width,
              ka.bbox_height, v.thumbnail_path, s.person_value,
              to_char(ka.created_date, 'YYYY-MM-DD HH24:MI:SS') AS created_date,
              (SELECT string_agg(t.tag_value, ',' ORDER BY t.id) FROM annotation_tags t
                 JOIN tag_groups g ON g.id = t.group_id AND g.group_name = 'pose'
                WHERE t.annotation_id = ka.id AND t.annotation_type = 'keyframe') AS pose,
              (SELECT string_agg(t.tag_value, ',' ORDER BY t.id) FROM annotation_tags t
                 JOIN tag_groups g ON g.id = t.group_id AND g.group_name = 'distance_category'
                WHERE t.annotation_id = ka.id AND t.annotation_type = 'keyframe') AS distance_category,
              count(*) OVER ()::int AS total
         FROM selection s
         JOIN keyframe_annotations ka ON ka.id = s.id
         JOIN videos v ON v.id = ka.video_id
         ${whereSql}
        ORDER BY ka.created_date DESC NULLS LAST, ka.id DESC
        ${paging}`,
      params,
    ),
    db.pool.query<{ person_value: string | null; count: number }>(
      `WITH ${PERSON_SELECTION}
       SELECT s.person_value, count(*)::int AS count
         FROM selection s JOIN videos v ON v.id = s.video_id
        GROUP BY s.person_value`,
    ),
    db.pool.query<{ total: number; videos: number }>(
      `WITH ${PERSON_SELECTION}
       SELECT count(*)::int AS total, count(DISTINCT s.video_id)::int AS videos
         FROM selection s JOIN videos v ON v.id = s.video_id`,
    ),
  ]);

  const counts = new Map<string, number>();
  for (const row of people.rows) {
    const name = parsePersonNameValue(row.person_value) ?? 'Unknown';
    counts.set(name, (counts.get(name) ?? 0) + row.count);
  }
  const peopleList = [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const total = stats.rows[0]?.total ?? 0;
  const unknown = counts.get('Unknown') ?? 0;

  let filteredTotal = page.rows[0]?.total;
  if (filteredTotal === undefined) {
    // the page is empty (offset past the end, or nothing matches): count without paging
    const counted = await db.pool.query<{ total: number }>(
      `WITH ${PERSON_SELECTION}
       SELECT count(*)::int AS total FROM selection s JOIN videos v ON v.id = s.video_id ${whereSql}`,
      params.slice(0, -2),
    );
    filteredTotal = counted.rows[0]?.total ?? 0;
  }

  return {
    detections: page.rows.map(detection),
    people: peopleList,
    stats: {
      total_detections: total,
      named_people: total - unknown,
      unknown,
      videos_with_people: stats.rows[0]?.videos ?? 0,
    },
    total: filteredTotal,
  };
}

/** GET /api/person-names/recent: distinct assigned names, most recently written first. */
export async function recentPersonNames(db: Database, limit: number): Promise<string[]> {
  const { rows } = await db.pool.query<{ sample: string }>(
    `SELECT min(t.tag_value) AS sample
       FROM annotation_tags t
      WHERE t.annotation_type = 'keyframe'
        AND t.group_id = (SELECT id FROM tag_groups WHERE group_name = '${PERSON_NAME_GROUP}')
        AND t.tag_value <> ''
        AND lower(${personKeySql('t')}) <> 'unknown'
      GROUP BY ${personKeySql('t')}
      ORDER BY max(t.created_date) DESC NULLS LAST, min(t.id) DESC
      LIMIT $1`,
    [limit],
  );
  const names: string[] = [];
  for (const row of rows) {
    const name = parsePersonNameValue(row.sample);
    if (name !== null && !isUnknownName(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * GET /api/tag-values/recent: distinct values of the keyframe tag group named `tagName`, most recently written
 * first (§9 #6: matched by group name, not by substring of the stored value). An unknown group has no values.
 */
export async function recentTagValues(db: Database, tagName: string, limit: number): Promise<string[]> {
  const { rows } = await db.pool.query<{ tag_value: string }>(
    `SELECT t.tag_value
       FROM annotation_tags t
       JOIN tag_groups g ON g.id = t.group_id
      WHERE g.group_name = $1 AND t.annotation_type = 'keyframe' AND btrim(t.tag_value) <> ''
      GROUP BY t.tag_value
      ORDER BY max(t.created_date) DESC NULLS LAST, max(t.id) DESC
      LIMIT $2`,
    [tagName, limit],
  );
  return rows.map((row) => row.tag_value);
}

// ---- writes: run inside the caller's transaction (the service's)

/** Locks the keyframe annotations among `ids` (FOR UPDATE) and returns the ids that are none. */
export async function lockKeyframes(client: Queryable, ids: number[]): Promise<number[]> {
  // The lock order (ARCHITECTURE.md): their videos (KEY SHARE), then the keyframes, each in id order.
  await client.query(
    `SELECT id FROM videos WHERE id IN (SELECT video_id FROM keyframe_annotations WHERE id = ANY($1::int[]))
     ORDER BY id FOR KEY SHARE`,
    [ids],
  );
  const { rows } = await client.query<{ id: number }>(
    'SELECT id FROM keyframe_annotations WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE',
    [ids],
  );
  const found = new Set(rows.map((row) => row.id));
  return ids.filter((id) => !found.has(id));
}

/**
 * Creates the `person_name` tag group with the legacy attributes unless it exists, and holds its KEY SHARE lock
 * (tag groups are locked before annotation tags).
 */
export async function ensurePersonNameGroup(client: Queryable): Promise<void> {
  await client.query(
    `INSERT INTO tag_groups (group_name, display_name, group_type, description, is_required, applies_to, sort_order)
     VALUES ('${PERSON_NAME_GROUP}', 'Person Name', 'text', 'Name of identified person', false, NULL, 0)
     ON CONFLICT (group_name) DO NOTHING`,
  );
  await client.query(`SELECT id FROM tag_groups WHERE group_name = '${PERSON_NAME_GROUP}' FOR KEY SHARE`);
}

/**
 * Each annotation's first person-name row gets `value` (and a fresh created_date, as in the legacy app);
 * annotations without one get a new row.
 */
export async function writePersonName(client: Queryable, ids: number[], value: string): Promise<void> {
  await client.query(
    `WITH person_group AS (SELECT id FROM tag_groups WHERE group_name = '${PERSON_NAME_GROUP}'),
     existing AS (
       SELECT DISTINCT ON (t.annotation_id) t.id, t.annotation_id
         FROM annotation_tags t
        WHERE t.annotation_type = 'keyframe' AND t.annotation_id = ANY($1::int[])
          AND t.group_id = (SELECT id FROM person_group)
        ORDER BY t.annotation_id, t.id),
     updated AS (
       UPDATE annotation_tags t SET tag_value = $2, created_date = timezone('utc', now())
         FROM existing e WHERE t.id = e.id
       RETURNING t.annotation_id)
     INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value)
     SELECT ids.annotation_id, 'keyframe', (SELECT id FROM person_group), $2
       FROM unnest($1::int[]) AS ids(annotation_id)
      WHERE ids.annotation_id NOT IN (SELECT annotation_id FROM existing)
      ORDER BY ids.annotation_id`,
    [ids, value],
  );
}

/** Deletes the person-name rows of those annotations (only those: §9, never a `_scenario_data` blob) → rows. */
export async function deletePersonNames(client: Queryable, ids: number[]): Promise<number> {
  const result = await client.query(
    `DELETE FROM annotation_tags t
      WHERE t.annotation_type = 'keyframe' AND t.annotation_id = ANY($1::int[])
        AND t.group_id = (SELECT id FROM tag_groups WHERE group_name = '${PERSON_NAME_GROUP}')`,
    [ids],
  );
  return result.rowCount ?? 0;
}
