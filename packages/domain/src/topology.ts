/**
 * Camera topology learned from person detections (shared/spec/api.md §4.3), computed in PostgreSQL: a person's
 * detections ordered by annotation time, LAG() over them gives the transitions (consecutive detections in
 * different videos), and the graph, path and link suggestions aggregate those.
 *
 * Kept from the legacy app (§9 #7): a transition's time is the difference of the annotations' created_date (when
 * they were annotated, not when the footage was recorded). Fixed (§9 #5): people are the parsed names of the
 * `person_name` tag group (see people.ts), so names assigned through the UI do produce transitions.
 */
import type { Database } from '@groundtruth/db';
import { PERSON_NAME_GROUP } from './annotations';
import { personKeySql, personNameForms, withPgTransaction, type Queryable } from './people';

/**
 * SQL: the camera id of a video row `v`, as the legacy extractor derived it: the first token after `camera`
 * (optionally `id` and `:`) in the lower-cased notes, else after `camera`, `cam` or `view` in the lower-cased
 * title, else the title itself, else `unknown`.
 */
export function cameraIdSql(v: string): string {
  const token = '([a-zA-Z0-9_-]+)';
  return `COALESCE(
    substring(lower(${v}.notes) FROM 'camera[_\\s]*(?:id)?[_\\s]*:?\\s*${token}'),
    substring(lower(${v}.title) FROM 'camera[_\\s]*${token}'),
    substring(lower(${v}.title) FROM 'cam[_\\s]*${token}'),
    substring(lower(${v}.title) FROM 'view[_\\s]*${token}'),
    NULLIF(${v}.title, ''),
    'unknown')`;
}

/**
 * CTEs `named` (annotation_id, person_key of every named person-name row; `$1` is the person_name group id),
 * `steps` (each person's detections in time order, with the previous one via LAG) and `transitions` (consecutive
 * detections in different videos, with both cameras). `personFilter` is the placeholder of a text[] of stored
 * values that restricts everything to one person (`personNameForms()`: its rows are keyed by the plain name, so
 * both stored forms make one sequence), or null for everyone.
 */
function transitionsCtes(personFilter: string | null): string {
  return `
  named AS MATERIALIZED (
    SELECT DISTINCT annotation_id, person_key
      FROM (SELECT t.annotation_id,
                   ${personFilter ? `(${personFilter})[2]` : personKeySql('t')} AS person_key
              FROM annotation_tags t
             WHERE t.group_id = $1 AND t.annotation_type = 'keyframe'
                   ${personFilter ? `AND t.tag_value = ANY(${personFilter})` : ''}) keyed
     WHERE person_key <> '' AND lower(person_key) <> 'unknown'
  ),
  steps AS MATERIALIZED (
    SELECT n.person_key, ka.id, ka.video_id, ka.timestamp, ka.created_date,
           LAG(ka.id) OVER w AS prev_id,
           LAG(ka.video_id) OVER w AS prev_video_id,
           LAG(ka.timestamp) OVER w AS prev_timestamp,
           EXTRACT(EPOCH FROM ka.created_date - LAG(ka.created_date) OVER w)::float8 AS time_delta,
           row_number() OVER w AS step
      FROM named n
      JOIN keyframe_annotations ka ON ka.id = n.annotation_id
     WINDOW w AS (PARTITION BY n.person_key ORDER BY ka.created_date, ka.timestamp, ka.id)
  ),
  cameras AS MATERIALIZED (
    SELECT v.id AS video_id, ${cameraIdSql('v')} AS camera
      FROM videos v
     WHERE v.id IN (SELECT video_id FROM steps)
  ),
  transitions AS MATERIALIZED (
    SELECT s.person_key, s.step, s.prev_id AS from_detection_id, s.prev_video_id AS from_video_id,
           fc.camera AS from_camera, s.prev_timestamp AS from_timestamp,
           s.id AS to_detection_id, s.video_id AS to_video_id, tc.camera AS to_camera, s.timestamp AS to_timestamp,
           s.time_delta
      FROM steps s
      JOIN cameras fc ON fc.video_id = s.prev_video_id
      JOIN cameras tc ON tc.video_id = s.video_id
     WHERE s.prev_video_id <> s.video_id
  )`;
}

/**
 * Runs topology SQL in one read-only transaction without JIT, with the id of the person_name tag group (null when
 * no name was ever assigned). The id goes in as a parameter so the planner sees its real row count.
 */
function withPersonGroup<T>(db: Database, run: (client: Queryable, groupId: number | null) => Promise<T>) {
  return withPgTransaction(
    db,
    async (client) => {
      const { rows } = await client.query<{ id: number }>('SELECT id FROM tag_groups WHERE group_name = $1', [
        PERSON_NAME_GROUP,
      ]);
      return run(client, rows[0]?.id ?? null);
    },
    { readOnlyAnalytics: true },
  );
}

export interface CameraGraph {
  nodes: { id: string; label: string; detection_count: number; people_count: number }[];
  edges: {
    from: string;
    to: string;
    transition_count: number;
    avg_time_seconds: number;
    min_time_seconds: number;
    max_time_seconds: number;
    people_count: number;
  }[];
  total_transitions: number;
  unique_people: number;
}

const EDGES_CTE = `
  edges AS (
    SELECT from_camera, to_camera, count(*)::int AS transition_count,
           COALESCE(avg(time_delta), 0)::float8 AS avg_time, COALESCE(min(time_delta), 0)::float8 AS min_time,
           COALESCE(max(time_delta), 0)::float8 AS max_time, count(DISTINCT person_key)::int AS people_count
      FROM transitions
     GROUP BY from_camera, to_camera
  )`;

/** GET /api/camera-topology/graph */
export async function cameraGraph(db: Database): Promise<CameraGraph> {
  return withPersonGroup(db, async (client, groupId) => {
    if (groupId === null) return { nodes: [], edges: [], total_transitions: 0, unique_people: 0 };
    const { rows } = await client.query<{ graph: CameraGraph }>(
      `WITH ${transitionsCtes(null)}, ${EDGES_CTE},
     endpoints AS (
       SELECT from_camera AS camera, person_key FROM transitions
       UNION ALL
       SELECT to_camera, person_key FROM transitions
     )
     SELECT json_build_object(
       'nodes', COALESCE((
         SELECT json_agg(json_build_object('id', camera, 'label', camera, 'detection_count', detection_count,
                                           'people_count', people_count) ORDER BY detection_count DESC, camera)
           FROM (SELECT camera, count(*)::int AS detection_count, count(DISTINCT person_key)::int AS people_count
                   FROM endpoints GROUP BY camera) nodes), '[]'::json),
       'edges', COALESCE((
         SELECT json_agg(json_build_object('from', from_camera, 'to', to_camera,
                                           'transition_count', transition_count, 'avg_time_seconds', avg_time,
                                           'min_time_seconds', min_time, 'max_time_seconds', max_time,
                                           'people_count', people_count)
                         ORDER BY transition_count DESC, from_camera, to_camera)
           FROM edges), '[]'::json),
       'total_transitions', (SELECT count(*)::int FROM transitions),
       'unique_people', (SELECT count(DISTINCT person_key)::int FROM named)
     ) AS graph`,
      [groupId],
    );
    return rows[0]!.graph;
  });
}

export interface Transition {
  person_name: string;
  from_video_id: number;
  from_camera: string;
  from_timestamp: number;
  to_video_id: number;
  to_camera: string;
  to_timestamp: number;
  time_delta_seconds: number | null;
  from_detection_id: number;
  to_detection_id: number;
}

/** Whether any person-name tag carries this name (a person the API knows). */
export async function personExists(db: Database, personName: string): Promise<boolean> {
  const { rows } = await db.pool.query(
    `SELECT 1 FROM annotation_tags t
      WHERE t.annotation_type = 'keyframe'
        AND t.group_id = (SELECT id FROM tag_groups WHERE group_name = '${PERSON_NAME_GROUP}')
        AND t.tag_value = ANY($1::text[])
      LIMIT 1`,
    [personNameForms(personName)],
  );
  return rows.length > 0;
}

/** GET /api/camera-topology/person/:person_name/transitions, in time order. */
export async function personTransitions(db: Database, personName: string): Promise<Transition[]> {
  return withPersonGroup(db, async (client, groupId) => {
    if (groupId === null) return [];
    const { rows } = await client.query<Omit<Transition, 'person_name'>>(
      `WITH ${transitionsCtes('$2::text[]')}
       SELECT from_video_id, from_camera, from_timestamp, to_video_id, to_camera, to_timestamp,
              time_delta AS time_delta_seconds, from_detection_id, to_detection_id
         FROM transitions
        ORDER BY person_key, step`,
      [groupId, personNameForms(personName)],
    );
    return rows.map((row) => ({ person_name: personName, ...row }));
  });
}

export type PathStep =
  | {
      sequence: number;
      camera: string;
      video_id: number;
      timestamp: number;
      detection_id: number;
      event: 'first_detection';
    }
  | {
      sequence: number;
      camera: string;
      video_id: number;
      timestamp: number;
      detection_id: number;
      event: 'transition';
      from_camera: string;
      transition_time_seconds: number | null;
    };

/** GET /api/camera-topology/person/:person_name/path: the first detection, then one step per transition. */
export async function personPath(db: Database, personName: string): Promise<PathStep[]> {
  const transitions = await personTransitions(db, personName);
  if (transitions.length === 0) return [];
  const first = transitions[0]!;
  return [
    {
      sequence: 0,
      camera: first.from_camera,
      video_id: first.from_video_id,
      timestamp: first.from_timestamp,
      detection_id: first.from_detection_id,
      event: 'first_detection',
    },
    ...transitions.map((transition, index) => ({
      sequence: index + 1,
      camera: transition.to_camera,
      video_id: transition.to_video_id,
      timestamp: transition.to_timestamp,
      detection_id: transition.to_detection_id,
      event: 'transition' as const,
      from_camera: transition.from_camera,
      transition_time_seconds: transition.time_delta_seconds,
    })),
  ];
}

export interface LinkSuggestion {
  unknown_detection_id: number;
  unknown_video_id: number;
  unknown_camera: string;
  unknown_timestamp: number;
  related_detection_id: number;
  related_camera: string;
  time_delta_seconds: number;
  confidence: number;
  reasoning: string[];
}

/**
 * POST /api/camera-topology/suggest-links: unassigned keyframe annotations (no named person) in another video
 * whose created_date lies within `timeWindowSeconds` of one of the person's detections, scored as the legacy
 * app did (known camera edge and its typical time, closeness in time, later than the known detection); kept above
 * 0.2, capped at 1, best first, at most `limit`.
 */
export async function suggestTrackLinks(
  db: Database,
  personName: string,
  timeWindowSeconds: number,
  limit: number,
): Promise<LinkSuggestion[]> {
  return withPersonGroup(db, async (client, groupId) => {
    if (groupId === null) return [];
    const { rows } = await client.query<LinkSuggestion>(
      `WITH ${transitionsCtes(null)}, ${EDGES_CTE},
     known AS (
       SELECT DISTINCT ka.id, ka.video_id, ka.created_date, ${cameraIdSql('v')} AS camera
         FROM annotation_tags t
         JOIN keyframe_annotations ka ON ka.id = t.annotation_id
         JOIN videos v ON v.id = ka.video_id
        WHERE t.group_id = $1 AND t.annotation_type = 'keyframe' AND t.tag_value = ANY($2::text[])
     ),
     candidates AS (
       SELECT k.id AS related_id, k.camera AS related_camera, k.created_date AS known_time,
              u.id, u.video_id, u.timestamp, u.created_date, ${cameraIdSql('uv')} AS camera,
              abs(EXTRACT(EPOCH FROM u.created_date - k.created_date))::float8 AS time_delta
         FROM known k
         JOIN keyframe_annotations u
           ON u.created_date BETWEEN k.created_date - make_interval(secs => $3)
                                 AND k.created_date + make_interval(secs => $3)
         JOIN videos uv ON uv.id = u.video_id
        WHERE u.video_id <> k.video_id
          AND NOT EXISTS (SELECT 1 FROM named n WHERE n.annotation_id = u.id)
     ),
     scored AS (
       SELECT c.*, e.avg_time,
              CASE WHEN e.from_camera IS NOT NULL THEN
                     CASE WHEN abs(c.time_delta - e.avg_time) < 30 THEN 0.5::float8
                          WHEN abs(c.time_delta - e.avg_time) < 60 THEN 0.3::float8
                          ELSE 0.1::float8 END
                   WHEN r.from_camera IS NOT NULL THEN 0.2::float8
                   ELSE 0::float8 END AS edge_score,
              CASE WHEN e.from_camera IS NOT NULL THEN
                     CASE WHEN abs(c.time_delta - e.avg_time) < 30
                            THEN format('Typical transition time (~%ss)', round(e.avg_time)::bigint)
                          WHEN abs(c.time_delta - e.avg_time) < 60
                            THEN format('Reasonable transition time (~%ss)', round(e.avg_time)::bigint)
                          ELSE format('Possible transition (~%ss typical)', round(e.avg_time)::bigint) END
                   WHEN r.from_camera IS NOT NULL THEN 'Reverse of known transition' END AS edge_reason,
              CASE WHEN c.time_delta < 30 THEN 0.3::float8 WHEN c.time_delta < 60 THEN 0.2::float8
                   WHEN c.time_delta < 180 THEN 0.1::float8 ELSE 0::float8 END AS time_score,
              CASE WHEN c.time_delta < 30 THEN 'Very close in time (<30s)'
                   WHEN c.time_delta < 60 THEN 'Close in time (<1min)'
                   WHEN c.time_delta < 180 THEN 'Within 3 minutes' END AS time_reason,
              c.created_date > c.known_time AS later
         FROM candidates c
         LEFT JOIN edges e ON e.from_camera = c.related_camera AND e.to_camera = c.camera
         LEFT JOIN edges r ON r.from_camera = c.camera AND r.to_camera = c.related_camera
     )
     SELECT id AS unknown_detection_id, video_id AS unknown_video_id, camera AS unknown_camera,
            timestamp AS unknown_timestamp, related_id AS related_detection_id, related_camera,
            time_delta AS time_delta_seconds,
            LEAST(edge_score + time_score + CASE WHEN later THEN 0.1::float8 ELSE 0 END, 1.0::float8) AS confidence,
            array_remove(ARRAY[edge_reason, time_reason,
                               CASE WHEN later THEN 'Chronologically after' END], NULL) AS reasoning
       FROM scored
      WHERE edge_score + time_score + CASE WHEN later THEN 0.1::float8 ELSE 0 END > 0.2
      ORDER BY confidence DESC, known_time, related_id, created_date, id
      LIMIT $4`,
      [groupId, personNameForms(personName), timeWindowSeconds, limit],
    );
    return rows;
  });
}
