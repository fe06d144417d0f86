import request from 'supertest';
import { startTestApp, type TestApp } from './harness';
import { seedPeople, type PeopleFixture } from './people-fixtures';

// Transitions in the fixture (annotation created_date deltas):
//   Alice a2 (front) → a3 (b) 50 s, a3 (b) → a4 (north) 60 s; Bob b1 (b) → b2 (front) 30 s;
//   José j1 (front) → j2 (b) 45 s. "Unknown" is no person.
describe('camera topology', () => {
  let t: TestApp;
  let f: PeopleFixture;
  beforeAll(async () => {
    t = await startTestApp();
    f = await seedPeople(t.context.db.pool);
  });
  afterAll(() => t.close());

  describe('GET /api/camera-topology/graph', () => {
    it('aggregates every named person’s transitions into cameras and edges', async () => {
      const res = await request(t.app).get('/api/camera-topology/graph').expect(200);
      expect(res.body).toEqual({
        success: true,
        graph: {
          nodes: [
            { id: 'b', label: 'b', detection_count: 4, people_count: 3 },
            { id: 'front', label: 'front', detection_count: 3, people_count: 3 },
            { id: 'north', label: 'north', detection_count: 1, people_count: 1 },
          ],
          edges: [
            {
              from: 'front',
              to: 'b',
              source: 'front',
              target: 'b',
              transition_count: 2,
              avg_time_seconds: 47.5,
              min_time_seconds: 45,
              max_time_seconds: 50,
              people_count: 2,
            },
            {
              from: 'b',
              to: 'front',
              source: 'b',
              target: 'front',
              transition_count: 1,
              avg_time_seconds: 30,
              min_time_seconds: 30,
              max_time_seconds: 30,
              people_count: 1,
            },
            {
              from: 'b',
              to: 'north',
              source: 'b',
              target: 'north',
              transition_count: 1,
              avg_time_seconds: 60,
              min_time_seconds: 60,
              max_time_seconds: 60,
              people_count: 1,
            },
          ],
          total_transitions: 4,
          unique_people: 3,
        },
      });
    });
  });

  describe('GET /api/camera-topology/person/:person_name/transitions and /path', () => {
    it('gives a person’s transitions in time order', async () => {
      const res = await request(t.app).get('/api/camera-topology/person/Alice/transitions').expect(200);
      expect(res.body).toEqual({
        success: true,
        transitions: [
          {
            person_name: 'Alice',
            from_video_id: f.videos.v1,
            from_camera: 'front',
            from_timestamp: 2,
            to_video_id: f.videos.v2,
            to_camera: 'b',
            to_timestamp: 3,
            time_delta_seconds: 50,
            from_detection_id: f.ann.a2,
            to_detection_id: f.ann.a3,
          },
          {
            person_name: 'Alice',
            from_video_id: f.videos.v2,
            from_camera: 'b',
            from_timestamp: 3,
            to_video_id: f.videos.v3,
            to_camera: 'north',
            to_timestamp: 4,
            time_delta_seconds: 60,
            from_detection_id: f.ann.a3,
            to_detection_id: f.ann.a4,
          },
        ],
      });
    });

    it('finds names stored with \\u escapes (legacy JSON) and plain names', async () => {
      const jose = await request(t.app)
        .get(`/api/camera-topology/person/${encodeURIComponent('José')}/transitions`)
        .expect(200);
      expect(jose.body.transitions).toHaveLength(1);
      expect(jose.body.transitions[0]).toMatchObject({
        person_name: 'José',
        from_camera: 'front',
        to_camera: 'b',
      });
      const bob = await request(t.app).get('/api/camera-topology/person/Bob/transitions').expect(200);
      expect(bob.body.transitions[0]).toMatchObject({
        from_camera: 'b',
        to_camera: 'front',
        time_delta_seconds: 30,
      });
    });

    it('joins the legacy JSON form and the plain form of one name into one sequence', async () => {
      const pool = t.context.db.pool;
      await pool.query(
        `INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value, created_date)
         VALUES ($1, 'keyframe', $3, '{"person_name": "Zo\\u00e9"}', now()), ($2, 'keyframe', $3, 'Zoé', now())`,
        [f.ann.x3, f.ann.t1, f.groups.person],
      );
      const res = await request(t.app)
        .get(`/api/camera-topology/person/${encodeURIComponent('Zoé')}/transitions`)
        .expect(200);
      expect(res.body.transitions).toEqual([
        expect.objectContaining({
          from_detection_id: f.ann.x3,
          to_detection_id: f.ann.t1,
          to_camera: 'Plain',
        }),
      ]);
      await pool.query('DELETE FROM annotation_tags WHERE annotation_id = ANY($1) AND group_id = $2', [
        [f.ann.x3, f.ann.t1],
        f.groups.person,
      ]);
    });

    it('gives the path: first detection, then each transition', async () => {
      const res = await request(t.app).get('/api/camera-topology/person/Alice/path').expect(200);
      expect(res.body).toEqual({
        success: true,
        path: [
          {
            sequence: 0,
            camera: 'front',
            video_id: f.videos.v1,
            timestamp: 2,
            detection_id: f.ann.a2,
            event: 'first_detection',
          },
          {
            sequence: 1,
            camera: 'b',
            video_id: f.videos.v2,
            timestamp: 3,
            detection_id: f.ann.a3,
            event: 'transition',
            from_camera: 'front',
            transition_time_seconds: 50,
          },
          {
            sequence: 2,
            camera: 'north',
            video_id: f.videos.v3,
            timestamp: 4,
            detection_id: f.ann.a4,
            event: 'transition',
            from_camera: 'b',
            transition_time_seconds: 60,
          },
        ],
      });
    });

    it('answers an empty path and transitions for a name no detection carries (legacy 200)', async () => {
      for (const name of ['Nobody', 'Ali']) {
        // 'Ali': a substring of a stored name is not that person (legacy LIKE matched it)
        expect(
          (await request(t.app).get(`/api/camera-topology/person/${name}/path`).expect(200)).body,
        ).toEqual({
          success: true,
          path: [],
        });
        expect(
          (await request(t.app).get(`/api/camera-topology/person/${name}/transitions`).expect(200)).body,
        ).toEqual({ success: true, transitions: [] });
      }
    });

    it('answers 400 for a blank name', async () => {
      const res = await request(t.app).get('/api/camera-topology/person/%20/path').expect(400);
      expect(res.body.error).toMatch(/person_name/);
    });
  });

  it('documents the person and topology routes in the OpenAPI document', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/person-detections',
        '/api/person-names/recent',
        '/api/tag-values/recent',
        '/api/person-detections/assign-name',
        '/api/person-detections/unassign-name',
        '/api/camera-topology/graph',
        '/api/camera-topology/person/{person_name}/transitions',
        '/api/camera-topology/person/{person_name}/path',
        '/api/camera-topology/suggest-links',
      ]),
    );
    expect(doc.paths['/api/camera-topology/suggest-links'].post.requestBody).toBeDefined();
  });

  describe('POST /api/camera-topology/suggest-links', () => {
    it('scores unassigned detections near the person’s detections like the legacy app', async () => {
      const res = await request(t.app)
        .post('/api/camera-topology/suggest-links')
        .send({ person_name: 'Alice' })
        .expect(200);
      expect(res.body.success).toBe(true);
      const suggestions = res.body.suggestions as Record<string, unknown>[];
      expect(
        suggestions.map((s) => [
          s.related_detection_id,
          s.unknown_detection_id,
          Number(s.confidence).toFixed(2),
        ]),
      ).toEqual([
        [f.ann.a1, f.ann.x2, '0.80'],
        [f.ann.a2, f.ann.x2, '0.80'],
        [f.ann.a3, f.ann.u1, '0.60'],
        [f.ann.a3, f.ann.x1, '0.40'],
        [f.ann.a4, f.ann.x2, '0.30'],
      ]);
      expect(suggestions[0]).toEqual({
        unknown_detection_id: f.ann.x2,
        unknown_video_id: f.videos.v2,
        unknown_camera: 'b',
        unknown_timestamp: 11,
        related_detection_id: f.ann.a1,
        related_camera: 'front',
        time_delta_seconds: 40,
        confidence: expect.closeTo(0.8, 10),
        reasoning: ['Typical transition time (~48s)', 'Close in time (<1min)', 'Chronologically after'],
      });
      expect(suggestions[2]!.reasoning).toEqual([
        'Reasonable transition time (~60s)',
        'Close in time (<1min)',
        'Chronologically after',
      ]);
      expect(suggestions[4]!.reasoning).toEqual(['Reverse of known transition', 'Within 3 minutes']);
    });

    it('honours the time window', async () => {
      const res = await request(t.app)
        .post('/api/camera-topology/suggest-links')
        .send({ person_name: 'Alice', time_window_seconds: 35 })
        .expect(200);
      expect(
        res.body.suggestions.map((s: { unknown_detection_id: number }) => s.unknown_detection_id),
      ).toEqual([f.ann.x2, f.ann.u1, f.ann.x1]);
    });

    it('validates the body and answers 404 for an unknown person', async () => {
      const missing = await request(t.app).post('/api/camera-topology/suggest-links').send({}).expect(400);
      expect(missing.body.error).toMatch(/person_name required/);
      const badWindow = await request(t.app)
        .post('/api/camera-topology/suggest-links')
        .send({ person_name: 'Alice', time_window_seconds: 'soon' })
        .expect(400);
      expect(badWindow.body.error).toMatch(/time_window_seconds/);
      await request(t.app)
        .post('/api/camera-topology/suggest-links')
        .send({ person_name: 'Nobody' })
        .expect(404);
    });
  });
});

// The topology reads person_name_detections and person_camera_edges, which triggers maintain. After each kind of
// write, the maintained rows must equal what rebuild_person_topology() computes from the source tables.
describe('derived topology tables', () => {
  let t: TestApp;
  let f: PeopleFixture;
  beforeAll(async () => {
    t = await startTestApp();
    f = await seedPeople(t.context.db.pool);
  });
  afterAll(() => t.close());

  type Rows = { detections: Record<string, unknown>[]; edges: Record<string, unknown>[] };

  async function expectInStep(): Promise<Rows> {
    const client = await t.context.db.pool.connect();
    const read = async (): Promise<Rows> => ({
      detections: (
        await client.query(
          `SELECT tag_id, annotation_id, tag_value, person_key, video_id, timestamp, created_date
             FROM person_name_detections ORDER BY tag_id`,
        )
      ).rows,
      edges: (
        await client.query(
          `SELECT person_key, from_camera, to_camera, transition_count, timed_count, time_sum, min_time, max_time
             FROM person_camera_edges ORDER BY person_key, from_camera, to_camera`,
        )
      ).rows,
    });
    try {
      const maintained = await read();
      await client.query('BEGIN');
      await client.query('SELECT rebuild_person_topology()');
      const rebuilt = await read();
      await client.query('ROLLBACK');
      expect(maintained).toEqual(rebuilt);
      return maintained;
    } finally {
      client.release();
    }
  }

  const edge = (person_key: string, from_camera: string, to_camera: string) =>
    expect.objectContaining({ person_key, from_camera, to_camera });

  it('stay equal to a rebuild after every write path', async () => {
    const pool = t.context.db.pool;
    const seeded = await expectInStep();
    expect(seeded.detections).toHaveLength(9);
    expect(seeded.edges).toContainEqual(edge('Alice', 'front', 'b'));

    await request(t.app)
      .post('/api/person-detections/assign-name')
      .send({ detection_ids: [f.ann.x2, f.ann.x1], person_name: 'Eve' })
      .expect(200);
    expect((await expectInStep()).edges).toContainEqual(edge('Eve', 'b', 'Plain'));

    // renaming a detection takes it out of one person's sequence and into another's
    await request(t.app)
      .post('/api/person-detections/assign-name')
      .send({ detection_ids: [f.ann.a3], person_name: 'Eve' })
      .expect(200);
    const renamed = await expectInStep();
    expect(renamed.edges).toContainEqual(edge('Alice', 'front', 'north'));
    expect(renamed.edges).not.toContainEqual(edge('Alice', 'front', 'b'));

    await request(t.app)
      .post('/api/person-detections/unassign-name')
      .send({ detection_ids: [f.ann.x1] })
      .expect(200);
    expect((await expectInStep()).edges).not.toContainEqual(edge('Eve', 'b', 'Plain'));

    await request(t.app)
      .post(`/api/annotations/${f.ann.t1}/tags`)
      .send({ annotation_type: 'keyframe', tags: { person_name: 'Bob' } })
      .expect(200);
    expect((await expectInStep()).edges).toContainEqual(edge('Bob', 'front', 'Plain'));

    await request(t.app).put(`/api/keyframe-annotations/${f.ann.a2}`).send({ timestamp: 2.5 }).expect(200);
    await pool.query(`UPDATE keyframe_annotations SET created_date = '2026-01-01 09:59:00' WHERE id = $1`, [
      f.ann.a4,
    ]);
    expect((await expectInStep()).edges).toContainEqual(edge('Alice', 'north', 'front'));

    // a new camera for v3 (notes win over the title)
    await pool.query(`UPDATE videos SET notes = 'camera: south' WHERE id = $1`, [f.videos.v3]);
    expect((await expectInStep()).edges).toContainEqual(edge('Alice', 'south', 'front'));

    await request(t.app).delete(`/api/keyframe-annotations/${f.ann.a4}`).expect(200);
    // a keyframe annotation deleted behind the API's back leaves its tag: the detection stays, without a video
    await pool.query('DELETE FROM keyframe_annotations WHERE id = $1', [f.ann.b1]);
    const orphaned = await expectInStep();
    expect(orphaned.detections).toContainEqual(
      expect.objectContaining({ annotation_id: f.ann.b1, video_id: null }),
    );
    expect(orphaned.edges).not.toContainEqual(edge('Bob', 'b', 'front'));

    await request(t.app).delete(`/api/videos/${f.videos.v2}`).expect(200);
    await expectInStep();

    await pool.query(`UPDATE tag_groups SET group_name = 'person_names' WHERE id = $1`, [f.groups.person]);
    expect(await expectInStep()).toEqual({ detections: [], edges: [] });
    await pool.query(`UPDATE tag_groups SET group_name = 'person_name' WHERE id = $1`, [f.groups.person]);
    expect((await expectInStep()).edges.length).toBeGreaterThan(0);

    await pool.query('TRUNCATE annotation_tags');
    expect(await expectInStep()).toEqual({ detections: [], edges: [] });
  });
});
