-- DropIndex
DROP INDEX "idx_annotation_tags_value";

-- CreateTable
CREATE TABLE "person_name_detections" (
    "tag_id" INTEGER NOT NULL,
    "annotation_id" INTEGER NOT NULL,
    "tag_value" TEXT NOT NULL,
    "person_key" TEXT,
    "video_id" INTEGER,
    "timestamp" DOUBLE PRECISION,
    "created_date" TIMESTAMP(6),

    CONSTRAINT "person_name_detections_pkey" PRIMARY KEY ("tag_id")
);

-- CreateTable
CREATE TABLE "person_camera_edges" (
    "id" SERIAL NOT NULL,
    "person_key" TEXT NOT NULL,
    "from_camera" TEXT NOT NULL,
    "to_camera" TEXT NOT NULL,
    "transition_count" INTEGER NOT NULL,
    "timed_count" INTEGER NOT NULL,
    "time_sum" DECIMAL(20,6),
    "min_time" DOUBLE PRECISION,
    "max_time" DOUBLE PRECISION,

    CONSTRAINT "person_camera_edges_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "idx_person_name_detections_annotation" ON "person_name_detections"("annotation_id");

-- CreateIndex
CREATE INDEX "idx_person_name_detections_video" ON "person_name_detections"("video_id");

-- CreateIndex
CREATE INDEX "idx_person_name_detections_value" ON "person_name_detections" USING HASH ("tag_value");

-- CreateIndex
CREATE INDEX "idx_person_name_detections_person" ON "person_name_detections" USING HASH ("person_key");

-- CreateIndex
CREATE INDEX "idx_person_camera_edges_person" ON "person_camera_edges" USING HASH ("person_key");

-- Camera topology (shared/spec/api.md §4.3) reads the two tables above. The functions and triggers below keep
-- them in step with annotation_tags, keyframe_annotations, videos and tag_groups inside the transaction of every
-- write, whichever program writes (API, worker, migrator, legacy scripts).

-- The identity key of a person-name tag value: the escaped text between the quotes of the legacy JSON form
-- {"person_name": "<name>"}, else the value itself.
CREATE FUNCTION person_name_key(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN starts_with(value, '{"person_name": "') AND right(value, 2) = '"}' AND length(value) >= 19
                THEN substr(value, 18, length(value) - 19) ELSE value END
  $$;

-- The key of a value that names a person; null when it names nobody ('' or 'unknown').
CREATE FUNCTION named_person_key(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN person_name_key(value) <> '' AND lower(person_name_key(value)) <> 'unknown'
                THEN person_name_key(value) END
  $$;

-- The camera of a video, as the legacy extractor derived it: the first token after `camera` (optionally `id` and
-- `:`) in the lower-cased notes, else after `camera`, `cam` or `view` in the lower-cased title, else the title
-- itself, else 'unknown'.
CREATE FUNCTION video_camera_id(title text, notes text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT COALESCE(
      substring(lower(notes) FROM 'camera[_\s]*(?:id)?[_\s]*:?\s*([a-zA-Z0-9_-]+)'),
      substring(lower(title) FROM 'camera[_\s]*([a-zA-Z0-9_-]+)'),
      substring(lower(title) FROM 'cam[_\s]*([a-zA-Z0-9_-]+)'),
      substring(lower(title) FROM 'view[_\s]*([a-zA-Z0-9_-]+)'),
      NULLIF(title, ''),
      'unknown')
  $$;

-- Every change to the two tables happens under this one transaction-level lock, taken before anything is read: a
-- maintainer then sees all that earlier ones committed (a detection inserted while its keyframe annotation changes
-- gets the new values, two writers never recompute one person from different snapshots), and one lock cannot
-- deadlock with itself.
CREATE FUNCTION lock_person_topology() RETURNS void
  LANGUAGE sql
  AS $$ SELECT pg_advisory_xact_lock(hashtext('person_topology')) $$;

-- Recomputes the person_camera_edges rows of these people from their detections: consecutive detections (by
-- created_date, timestamp, id) in different videos are transitions. The caller holds lock_person_topology().
CREATE FUNCTION refresh_person_camera_edges(keys text[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF coalesce(cardinality(keys), 0) = 0 THEN
      RETURN;
    END IF;
    DELETE FROM person_camera_edges WHERE person_key IN (SELECT unnest(keys));
    WITH moves AS (
      SELECT person_key, prev_video_id, video_id, count(*) AS transition_count, count(time_delta) AS timed_count,
             sum(time_delta) AS time_sum, min(time_delta::float8) AS min_time, max(time_delta::float8) AS max_time
        FROM (SELECT d.person_key, d.video_id,
                     lag(d.video_id) OVER w AS prev_video_id,
                     EXTRACT(EPOCH FROM d.created_date - lag(d.created_date) OVER w) AS time_delta
                FROM person_name_detections d
               WHERE d.person_key IN (SELECT unnest(keys)) AND d.video_id IS NOT NULL
              WINDOW w AS (PARTITION BY d.person_key ORDER BY d.created_date, d.timestamp, d.annotation_id)) steps
       WHERE prev_video_id <> video_id
       GROUP BY person_key, prev_video_id, video_id
    ),
    -- each video's camera once (regular expressions), not once per transition
    cameras AS (
      SELECT v.id, video_camera_id(v.title, v.notes) AS camera
        FROM videos v
       WHERE v.id IN (SELECT prev_video_id FROM moves UNION SELECT video_id FROM moves)
    )
    INSERT INTO person_camera_edges
           (person_key, from_camera, to_camera, transition_count, timed_count, time_sum, min_time, max_time)
    SELECT m.person_key, fc.camera, tc.camera, sum(m.transition_count), sum(m.timed_count), sum(m.time_sum),
           min(m.min_time), max(m.max_time)
      FROM moves m
      JOIN cameras fc ON fc.id = m.prev_video_id
      JOIN cameras tc ON tc.id = m.video_id
     GROUP BY m.person_key, fc.camera, tc.camera;
  END
  $$;

-- Refills both tables from annotation_tags, keyframe_annotations and videos: after a bulk load that ran with
-- these triggers disabled (ALTER TABLE … DISABLE TRIGGER USER), or to repair.
CREATE FUNCTION rebuild_person_topology() RETURNS void
  LANGUAGE plpgsql
  AS $$
  BEGIN
    PERFORM lock_person_topology();
    DELETE FROM person_camera_edges;
    DELETE FROM person_name_detections;
    INSERT INTO person_name_detections
           (tag_id, annotation_id, tag_value, person_key, video_id, timestamp, created_date)
    SELECT t.id, t.annotation_id, t.tag_value, named_person_key(t.tag_value), ka.video_id, ka.timestamp,
           ka.created_date
      FROM annotation_tags t
      JOIN tag_groups g ON g.id = t.group_id AND g.group_name = 'person_name'
      LEFT JOIN keyframe_annotations ka ON ka.id = t.annotation_id
     WHERE t.annotation_type = 'keyframe';
    PERFORM refresh_person_camera_edges(ARRAY(
      SELECT DISTINCT person_key FROM person_name_detections WHERE person_key IS NOT NULL AND video_id IS NOT NULL));
  END
  $$;

-- annotation_tags rows written: replace the person_name_detections rows of those in the person_name group, then
-- refresh the people involved. Statements that touch no person-name tag do nothing (and take no lock).
CREATE FUNCTION person_topology_tags_written() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    keys text[] := '{}';
  BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      IF EXISTS (SELECT 1 FROM old_rows o JOIN tag_groups g ON g.id = o.group_id AND g.group_name = 'person_name'
                  WHERE o.annotation_type = 'keyframe') THEN
        PERFORM lock_person_topology();
        WITH removed AS (
          DELETE FROM person_name_detections d USING old_rows o WHERE d.tag_id = o.id
          RETURNING d.person_key, d.video_id)
        SELECT ARRAY(SELECT DISTINCT person_key FROM removed WHERE person_key IS NOT NULL AND video_id IS NOT NULL)
          INTO keys;
      END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      IF EXISTS (SELECT 1 FROM new_rows n JOIN tag_groups g ON g.id = n.group_id AND g.group_name = 'person_name'
                  WHERE n.annotation_type = 'keyframe') THEN
        PERFORM lock_person_topology();
        WITH added AS (
          INSERT INTO person_name_detections
                 (tag_id, annotation_id, tag_value, person_key, video_id, timestamp, created_date)
          SELECT n.id, n.annotation_id, n.tag_value, named_person_key(n.tag_value), ka.video_id, ka.timestamp,
                 ka.created_date
            FROM new_rows n
            JOIN tag_groups g ON g.id = n.group_id AND g.group_name = 'person_name'
            LEFT JOIN keyframe_annotations ka ON ka.id = n.annotation_id
           WHERE n.annotation_type = 'keyframe'
          RETURNING person_key, video_id)
        SELECT keys || ARRAY(SELECT DISTINCT person_key FROM added
                              WHERE person_key IS NOT NULL AND video_id IS NOT NULL)
          INTO keys;
      END IF;
    END IF;
    PERFORM refresh_person_camera_edges(keys);
    RETURN NULL;
  END
  $$;

-- keyframe_annotations rows written: copy their video and times into their detections, then refresh the people
-- whose detections changed. Updates that change none of id, video_id, timestamp, created_date do nothing.
CREATE FUNCTION person_topology_keyframes_written() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    keys text[] := '{}';
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      IF NOT EXISTS (
           SELECT 1 FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
            WHERE (o.video_id, o.timestamp, o.created_date) IS DISTINCT FROM (n.video_id, n.timestamp, n.created_date))
      THEN
        RETURN NULL;
      END IF;
    END IF;
    PERFORM lock_person_topology();
    IF TG_OP = 'DELETE' THEN
      WITH cleared AS (
        UPDATE person_name_detections d SET video_id = NULL, timestamp = NULL, created_date = NULL
          FROM old_rows o
         WHERE d.annotation_id = o.id AND d.video_id IS NOT NULL
        RETURNING d.person_key)
      SELECT ARRAY(SELECT DISTINCT person_key FROM cleared WHERE person_key IS NOT NULL) INTO keys;
    END IF;
    IF TG_OP = 'UPDATE' THEN
      -- an id that changed leaves its old detections without a keyframe annotation
      WITH cleared AS (
        UPDATE person_name_detections d SET video_id = NULL, timestamp = NULL, created_date = NULL
          FROM old_rows o
         WHERE d.annotation_id = o.id AND d.video_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)
        RETURNING d.person_key)
      SELECT ARRAY(SELECT DISTINCT person_key FROM cleared WHERE person_key IS NOT NULL) INTO keys;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      WITH copied AS (
        UPDATE person_name_detections d
           SET video_id = n.video_id, timestamp = n.timestamp, created_date = n.created_date
          FROM new_rows n
         WHERE d.annotation_id = n.id
           AND (d.video_id, d.timestamp, d.created_date) IS DISTINCT FROM (n.video_id, n.timestamp, n.created_date)
        RETURNING d.person_key)
      SELECT keys || ARRAY(SELECT DISTINCT person_key FROM copied WHERE person_key IS NOT NULL) INTO keys;
    END IF;
    PERFORM refresh_person_camera_edges(keys);
    RETURN NULL;
  END
  $$;

-- videos updated: a changed camera (title or notes) changes the transitions of everyone detected in that video.
CREATE FUNCTION person_topology_videos_updated() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE video_camera_id(o.title, o.notes) IS DISTINCT FROM video_camera_id(n.title, n.notes)) THEN
      PERFORM lock_person_topology();
      PERFORM refresh_person_camera_edges(ARRAY(
        SELECT DISTINCT d.person_key
          FROM old_rows o
          JOIN new_rows n ON n.id = o.id
          JOIN person_name_detections d ON d.video_id = n.id
         WHERE d.person_key IS NOT NULL
           AND video_camera_id(o.title, o.notes) IS DISTINCT FROM video_camera_id(n.title, n.notes)));
    END IF;
    RETURN NULL;
  END
  $$;

-- tag_groups updated: a group renamed to or from person_name changes which tags name people.
CREATE FUNCTION person_topology_groups_updated() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF EXISTS (
         SELECT 1 FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
          WHERE (o.group_name = 'person_name') IS DISTINCT FROM (n.group_name = 'person_name')
            AND 'person_name' IN (o.group_name, n.group_name)) THEN
      PERFORM rebuild_person_topology();
    END IF;
    RETURN NULL;
  END
  $$;

-- TRUNCATE fires no row changes: start over from what is left.
CREATE FUNCTION person_topology_truncated() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    PERFORM rebuild_person_topology();
    RETURN NULL;
  END
  $$;

CREATE TRIGGER person_topology_tags_inserted AFTER INSERT ON annotation_tags
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_topology_tags_written();
CREATE TRIGGER person_topology_tags_updated AFTER UPDATE ON annotation_tags
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_topology_tags_written();
CREATE TRIGGER person_topology_tags_deleted AFTER DELETE ON annotation_tags
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_topology_tags_written();
CREATE TRIGGER person_topology_tags_truncated AFTER TRUNCATE ON annotation_tags
  FOR EACH STATEMENT EXECUTE FUNCTION person_topology_truncated();

CREATE TRIGGER person_topology_keyframes_inserted AFTER INSERT ON keyframe_annotations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_topology_keyframes_written();
CREATE TRIGGER person_topology_keyframes_updated AFTER UPDATE ON keyframe_annotations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_topology_keyframes_written();
CREATE TRIGGER person_topology_keyframes_deleted AFTER DELETE ON keyframe_annotations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_topology_keyframes_written();
CREATE TRIGGER person_topology_keyframes_truncated AFTER TRUNCATE ON keyframe_annotations
  FOR EACH STATEMENT EXECUTE FUNCTION person_topology_truncated();

CREATE TRIGGER person_topology_videos_updated AFTER UPDATE ON videos
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_topology_videos_updated();

CREATE TRIGGER person_topology_groups_updated AFTER UPDATE ON tag_groups
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_topology_groups_updated();

-- the data already there
SELECT rebuild_person_topology();
