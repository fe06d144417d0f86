import type pg from 'pg';

/**
 * A small surveillance archive for the person and topology tests. Person-name values are written in the forms the
 * legacy app left behind: `{"person_name": "Alice"}` (assign-name, Python json.dumps with \uXXXX escapes) and a
 * plain `Bob` (a `person_name` key sent to the annotation-tags route).
 *
 * Cameras: v1 notes "Camera: Front Gate" → `front`; v2 "Cam B dock" → `b`; v3 "Overview north" → `north`;
 * v4 "Plain" → `Plain` (the title itself).
 */
export interface PeopleFixture {
  videos: Record<'v1' | 'v2' | 'v3' | 'v4', number>;
  ann: Record<
    'a1' | 'a2' | 'a3' | 'a4' | 'b1' | 'b2' | 'j1' | 'j2' | 'u1' | 'x1' | 'x2' | 'x3' | 't1',
    number
  >;
  groups: Record<'person' | 'scenario' | 'pose' | 'make', number>;
}

const DAY = '2026-01-01';

export async function seedPeople(pool: pg.Pool): Promise<PeopleFixture> {
  const video = async (filename: string, title: string, notes: string | null) =>
    (
      await pool.query<{ id: number }>(
        `INSERT INTO videos (filename, title, notes, thumbnail_path) VALUES ($1, $2, $3, $4) RETURNING id`,
        [filename, title, notes, `/srv/thumbnails/${filename}.jpg`],
      )
    ).rows[0]!.id;
  const videos = {
    v1: await video('v1.mp4', 'Lot', 'Camera: Front Gate'),
    v2: await video('v2.mp4', 'Cam B dock', null),
    v3: await video('v3.mp4', 'Overview north', null),
    v4: await video('v4.mp4', 'Plain', null),
  };
  const annotation = async (videoId: number, timestamp: number, time: string) =>
    (
      await pool.query<{ id: number }>(
        `INSERT INTO keyframe_annotations (video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height, created_date)
         VALUES ($1, $2, 10, 20, 30, 40, $3) RETURNING id`,
        [videoId, timestamp, `${DAY} ${time}`],
      )
    ).rows[0]!.id;
  const ann = {
    a1: await annotation(videos.v1, 1, '10:00:00'),
    a2: await annotation(videos.v1, 2, '10:00:10'),
    a3: await annotation(videos.v2, 3, '10:01:00'),
    a4: await annotation(videos.v3, 4, '10:02:00'),
    b1: await annotation(videos.v2, 5, '11:00:00'),
    b2: await annotation(videos.v1, 6, '11:00:30'),
    j1: await annotation(videos.v1, 7, '12:00:00'),
    j2: await annotation(videos.v2, 8, '12:00:45'),
    u1: await annotation(videos.v3, 9, '10:01:30'),
    x1: await annotation(videos.v4, 10, '10:01:20'),
    x2: await annotation(videos.v2, 11, '10:00:40'),
    x3: await annotation(videos.v1, 12, '09:00:00'),
    t1: await annotation(videos.v4, 13, '13:00:00'),
  };
  const group = async (name: string, type: string) =>
    (
      await pool.query<{ id: number }>(
        `INSERT INTO tag_groups (group_name, display_name, group_type) VALUES ($1, $1, $2) RETURNING id`,
        [name, type],
      )
    ).rows[0]!.id;
  const groups = {
    person: await group('person_name', 'text'),
    scenario: await group('_scenario_data', 'text'),
    pose: await group('pose', 'dropdown'),
    make: await group('make', 'text'),
  };
  const tag = (annotationId: number, groupId: number, value: string, time: string, type = 'keyframe') =>
    pool.query(
      `INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value, created_date)
       VALUES ($1, $2, $3, $4, $5)`,
      [annotationId, type, groupId, value, `${DAY} ${time}`],
    );
  const alice = '{"person_name": "Alice"}';
  await tag(ann.a1, groups.person, alice, '10:00:00');
  await tag(ann.a2, groups.person, alice, '10:00:10');
  await tag(ann.a3, groups.person, alice, '10:01:00');
  await tag(ann.a4, groups.person, alice, '10:02:00');
  await tag(ann.b1, groups.person, 'Bob', '11:00:00');
  await tag(ann.b2, groups.person, 'Bob', '11:00:30');
  await tag(ann.j1, groups.person, '{"person_name": "Jos\\u00e9"}', '12:00:00');
  await tag(ann.j2, groups.person, '{"person_name": "Jos\\u00e9"}', '12:00:45');
  await tag(ann.u1, groups.person, '{"person_name": "Unknown"}', '10:01:30');
  await tag(ann.x2, groups.scenario, '{"scenario": "person_identification", "bboxes": {}}', '10:00:40');
  await tag(ann.a1, groups.pose, 'standing', '10:00:00');
  // values of the `make` group for /api/tag-values/recent
  await tag(ann.t1, groups.make, 'Ford', '13:00:00');
  await tag(ann.x3, groups.make, 'Toyota', '13:00:05');
  await tag(ann.x1, groups.make, 'Ford', '13:00:10');
  await tag(ann.x2, groups.make, '  ', '13:00:20');
  await tag(ann.x2, groups.make, 'Honda', '13:00:30', 'time_range');
  return { videos, ann, groups };
}
