/**
 * Camera topology learned from person detections (shared/spec/api.md §4.3), computed in PostgreSQL.
 *
 * Two derived tables, kept in step with every write by triggers (packages/db migration *_person_topology), spare
 * the calls the million-row annotation tables (suggest-links reads keyframe_annotations only through its
 * created_date index): `person_name_detections` (each keyframe person-name tag with its detection's video and
 * times) and `person_camera_edges` (per person and camera pair, the person's transitions — consecutive detections
 * in different videos, via LAG() over the person's detections in time order — with their time statistics). SQL
 * functions `video_camera_id()` and `person_name_key()` are the one definition of a video's camera and of a
 * person-name value's key.
 *
 * Kept from the legacy app (§9 #7): a transition's time is the difference of the annotations' created_date (when
 * they were annotated, not when the footage was recorded). Fixed (§9 #5): people are the parsed names of the
 * `person_name` tag group (see people/person-name.ts), so names assigned through the UI do produce transitions.
 */
import type { Database } from '@groundtruth/db';
import { personNameForms } from '../people/person-name';
import { withPgTransaction } from '../shared/sql';
import type { CameraGraph, LinkSuggestion, Transition } from './schemas';

/** SQL: the camera id of a video row `v` (see `video_camera_id()` in the person_topology migration). */
export function cameraIdSql(v: string): string {
  return `video_camera_id(${v}.title, ${v}.notes)`;
}

/** CTE `edges`: every camera pair with transitions, over all people (avg_time is 0 when no time is known). */
const EDGES_CTE = `
  edges AS (
    SELECT from_camera, to_camera, sum(transition_count)::int AS transition_count,
           COALESCE((sum(time_sum) / NULLIF(sum(timed_count), 0))::float8, 0) AS avg_time,
           COALESCE(min(min_time), 0)::float8 AS min_time, COALESCE(max(max_time), 0)::float8 AS max_time,
           count(*)::int AS people_count
      FROM person_camera_edges
     GROUP BY from_camera, to_camera
  )`;

/** GET /api/camera-topology/graph */
export async function cameraGraph(db: Database): Promise<CameraGraph> {
  return withPgTransaction(
    db,
    async (client) => {
      const { rows } = await client.query<{ graph: CameraGraph }>(
        `WITH ${EDGES_CTE},
         nodes AS (
           SELECT camera, sum(detections)::int AS detection_count, count(*)::int AS people_count
             FROM (SELECT camera, person_key, sum(transition_count) AS detections
                     FROM (SELECT from_camera AS camera, person_key, transition_count FROM person_camera_edges
                           UNION ALL
                           SELECT to_camera, person_key, transition_count FROM person_camera_edges) endpoints
                    GROUP BY camera, person_key) per_person
            GROUP BY camera
         )
         SELECT json_build_object(
           'nodes', COALESCE((
             SELECT json_agg(json_build_object('id', camera, 'label', camera, 'detection_count', detection_count,
                                               'people_count', people_count) ORDER BY detection_count DESC, camera)
               FROM nodes), '[]'::json),
           'edges', COALESCE((
             SELECT json_agg(json_build_object('from', from_camera, 'to', to_camera,
                                               'source', from_camera, 'target', to_camera,
                                               'transition_count', transition_count, 'avg_time_seconds', avg_time,
                                               'min_time_seconds', min_time, 'max_time_seconds', max_time,
                                               'people_count', people_count)
                             ORDER BY transition_count DESC, from_camera, to_camera)
               FROM edges), '[]'::json),
           'total_transitions', (SELECT COALESCE(sum(transition_count), 0)::int FROM person_camera_edges),
           'unique_people', (SELECT count(*)::int FROM (SELECT person_key FROM person_name_detections
                                                          WHERE person_key IS NOT NULL GROUP BY person_key) people)
         ) AS graph`,
      );
      return rows[0]!.graph;
    },
    { readOnlyAnalytics: true },
  );
}

/** Whether any person-name tag carries this name (a person the API knows). */
export async function personExists(db: Database, personName: string): Promise<boolean> {
  const { rows } = await db.pool.query(
    'SELECT 1 FROM person_name_detections WHERE tag_value = ANY($1::text[]) LIMIT 1',
    [personNameForms(personName)],
  );
  return rows.length > 0;
}

/**
 * GET /api/camera-topology/person/:person_name/transitions, in time order. Both stored forms of the name make one
 * sequence; a name that names nobody ('' or 'unknown') has none.
 */
export async function personTransitions(db: Database, personName: string): Promise<Transition[]> {
  return withPgTransaction(
    db,
    async (client) => {
      const { rows } = await client.query<Omit<Transition, 'person_name'>>(
        `WITH detections AS (
           SELECT DISTINCT annotation_id, video_id, timestamp, created_date
             FROM person_name_detections
            WHERE tag_value = ANY($1::text[]) AND video_id IS NOT NULL
              AND $2::text <> '' AND lower($2::text) <> 'unknown'
         ),
         steps AS (
           SELECT annotation_id, video_id, timestamp,
                  LAG(annotation_id) OVER w AS prev_id,
                  LAG(video_id) OVER w AS prev_video_id,
                  LAG(timestamp) OVER w AS prev_timestamp,
                  EXTRACT(EPOCH FROM created_date - LAG(created_date) OVER w)::float8 AS time_delta,
                  row_number() OVER w AS step
             FROM detections
           WINDOW w AS (ORDER BY created_date, timestamp, annotation_id)
         )
         SELECT s.prev_video_id AS from_video_id, ${cameraIdSql('fv')} AS from_camera,
                s.prev_timestamp AS from_timestamp, s.video_id AS to_video_id, ${cameraIdSql('tv')} AS to_camera,
                s.timestamp AS to_timestamp, s.time_delta AS time_delta_seconds, s.prev_id AS from_detection_id,
                s.annotation_id AS to_detection_id
           FROM steps s
           JOIN videos fv ON fv.id = s.prev_video_id
           JOIN videos tv ON tv.id = s.video_id
          WHERE s.prev_video_id <> s.video_id
          ORDER BY s.step`,
        [personNameForms(personName), personName],
      );
      return rows.map((row) => ({ person_name: personName, ...row }));
    },
    { readOnlyAnalytics: true },
  );
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
  return withPgTransaction(
    db,
    async (client) => {
      const { rows } = await client.query<LinkSuggestion>(
        `WITH ${EDGES_CTE},
     known AS MATERIALIZED (
       SELECT DISTINCT d.annotation_id AS id, d.video_id, d.created_date, ${cameraIdSql('v')} AS camera
         FROM person_name_detections d
         JOIN videos v ON v.id = d.video_id
        WHERE d.tag_value = ANY($1::text[])
     ),
     nearby AS MATERIALIZED (
       SELECT k.id AS related_id, k.camera AS related_camera, k.created_date AS known_time,
              u.id, u.video_id, u.timestamp, u.created_date,
              abs(EXTRACT(EPOCH FROM u.created_date - k.created_date))::float8 AS time_delta
         FROM known k
         JOIN keyframe_annotations u
           ON u.created_date BETWEEN k.created_date - make_interval(secs => $2)
                                 AND k.created_date + make_interval(secs => $2)
        WHERE u.video_id <> k.video_id
          AND NOT EXISTS (SELECT 1 FROM person_name_detections n
                           WHERE n.annotation_id = u.id AND n.person_key IS NOT NULL)
     ),
     -- each video's camera once (regular expressions), not once per candidate
     nearby_cameras AS MATERIALIZED (
       SELECT v.id AS video_id, ${cameraIdSql('v')} AS camera FROM videos v WHERE v.id IN (SELECT video_id FROM nearby)
     ),
     candidates AS (
       SELECT n.*, nc.camera FROM nearby n JOIN nearby_cameras nc ON nc.video_id = n.video_id
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
      LIMIT $3`,
        [personNameForms(personName), timeWindowSeconds, limit],
      );
      return rows;
    },
    { readOnlyAnalytics: true },
  );
}
