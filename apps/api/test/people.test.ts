import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from './harness';
import { seedPeople, type PeopleFixture } from './people-fixtures';

describe('person detections, recent names and values', () => {
  let t: TestApp;
  let f: PeopleFixture;
  let thumbnails: string;
  beforeAll(async () => {
    thumbnails = path.join(mkdtempSync(path.join(os.tmpdir(), 'gt-people-')), 'thumbnails');
    mkdirSync(thumbnails);
    writeFileSync(path.join(thumbnails, 'v1.mp4.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    t = await startTestApp({ THUMBNAILS_DIR: thumbnails });
    f = await seedPeople(t.context.db.pool);
  });
  afterAll(async () => {
    await t.close();
    rmSync(path.dirname(thumbnails), { recursive: true, force: true });
  });

  const personRows = async (annotationId: number) =>
    (
      await t.context.db.pool.query<{ id: number; tag_value: string; created_date: Date }>(
        `SELECT id, tag_value, created_date FROM annotation_tags
          WHERE annotation_id = $1 AND annotation_type = 'keyframe' AND group_id = $2 ORDER BY id`,
        [annotationId, f.groups.person],
      )
    ).rows;

  describe('GET /api/person-detections', () => {
    it('lists every person detection newest first, with people and stats', async () => {
      const res = await request(t.app).get('/api/person-detections').expect(200);
      expect(res.body.success).toBe(true);
      expect(res.body.detections.map((d: { id: number }) => d.id)).toEqual(
        ['j2', 'j1', 'b2', 'b1', 'a4', 'u1', 'a3', 'x2', 'a2', 'a1'].map(
          (k) => f.ann[k as keyof typeof f.ann],
        ),
      );
      expect(res.body.detections.at(-1)).toEqual({
        id: f.ann.a1,
        video_id: f.videos.v1,
        video_title: 'Lot',
        timestamp: 1,
        bbox_x: 10,
        bbox_y: 20,
        bbox_width: 30,
        bbox_height: 40,
        // the unchanged UI's <img src>: a URL the server serves, not the stored server path
        thumbnail_path: '/thumbnails/v1.mp4.jpg',
        thumbnail_url: '/thumbnails/v1.mp4.jpg',
        person_name: 'Alice',
        pose: 'standing',
        distance_category: null,
        created_date: '2026-01-01 10:00:00',
      });
      const image = await request(t.app).get(res.body.detections.at(-1).thumbnail_path).expect(200);
      expect(image.headers['content-type']).toBe('image/jpeg');
      // legacy JSON with \u escapes and the plain form both read as the name
      expect(res.body.detections[0].person_name).toBe('José');
      expect(res.body.detections[2].person_name).toBe('Bob');
      expect(res.body.people).toEqual([
        { name: 'Alice', count: 4 },
        { name: 'Bob', count: 2 },
        { name: 'José', count: 2 },
        { name: 'Unknown', count: 2 },
      ]);
      expect(res.body.stats).toEqual({
        total_detections: 10,
        named_people: 8,
        unknown: 2,
        videos_with_people: 3,
      });
      expect(res.body.total).toBe(10);
    });

    it('filters by person and video, and pages', async () => {
      const alice = await request(t.app)
        .get('/api/person-detections')
        .query({ person_name: 'Alice', limit: 2, offset: 1 })
        .expect(200);
      expect(alice.body.detections.map((d: { id: number }) => d.id)).toEqual([f.ann.a3, f.ann.a2]);
      expect(alice.body.total).toBe(4);
      expect(alice.body.stats.total_detections).toBe(10);

      const unknown = await request(t.app).get('/api/person-detections?person_name=Unknown').expect(200);
      expect(unknown.body.detections.map((d: { id: number }) => d.id)).toEqual([f.ann.u1, f.ann.x2]);

      const inVideo = await request(t.app)
        .get('/api/person-detections')
        .query({ video_id: f.videos.v3 })
        .expect(200);
      expect(inVideo.body.detections.map((d: { id: number }) => d.id)).toEqual([f.ann.a4, f.ann.u1]);

      const pastTheEnd = await request(t.app).get('/api/person-detections?offset=50').expect(200);
      expect(pastTheEnd.body.detections).toEqual([]);
      expect(pastTheEnd.body.total).toBe(10);
    });

    it('rejects bad paging with a 400 naming the field', async () => {
      const res = await request(t.app).get('/api/person-detections?limit=abc').expect(400);
      expect(res.body).toEqual({ success: false, error: expect.stringContaining('limit') });
      await request(t.app).get('/api/person-detections?offset=-1').expect(400);
    });
  });

  describe('GET /api/person-names/recent', () => {
    it('gives parsed names, most recently assigned first, without Unknown (§9 #5)', async () => {
      const res = await request(t.app).get('/api/person-names/recent').expect(200);
      expect(res.body).toEqual({ success: true, names: ['José', 'Bob', 'Alice'] });
      const limited = await request(t.app).get('/api/person-names/recent?limit=2').expect(200);
      expect(limited.body.names).toEqual(['José', 'Bob']);
    });

    it('rejects a bad limit', async () => {
      const res = await request(t.app).get('/api/person-names/recent?limit=ten').expect(400);
      expect(res.body.error).toMatch(/limit/);
      await request(t.app).get('/api/person-names/recent?limit=0').expect(400);
    });
  });

  describe('GET /api/tag-values/recent', () => {
    it('gives distinct keyframe values of the named tag group, newest first (§9 #6)', async () => {
      const res = await request(t.app).get('/api/tag-values/recent?tag_name=make').expect(200);
      expect(res.body).toEqual({ success: true, values: ['Ford', 'Toyota'] });
      const one = await request(t.app).get('/api/tag-values/recent?tag_name=make&limit=1').expect(200);
      expect(one.body.values).toEqual(['Ford']);
    });

    it('has no values for an unknown group', async () => {
      const res = await request(t.app).get('/api/tag-values/recent?tag_name=fleet_id').expect(200);
      expect(res.body).toEqual({ success: true, values: [] });
    });

    it('requires tag_name', async () => {
      const res = await request(t.app).get('/api/tag-values/recent').expect(400);
      expect(res.body).toEqual({ success: false, error: expect.stringContaining('tag_name required') });
    });
  });

  describe('POST /api/person-detections/assign-name and unassign-name', () => {
    it('replaces an existing name and adds new rows in the legacy JSON form', async () => {
      const [before] = await personRows(f.ann.a1);
      const res = await request(t.app)
        .post('/api/person-detections/assign-name')
        .send({ detection_ids: [f.ann.a1, f.ann.x1, f.ann.x1], person_name: '  Zoë "Z"  ' })
        .expect(200);
      expect(res.body).toEqual({ success: true, updated_count: 3 });

      const value = '{"person_name": "Zo\\u00eb \\"Z\\""}';
      const [after] = await personRows(f.ann.a1);
      expect(after).toMatchObject({ id: before!.id, tag_value: value });
      expect(after!.created_date.getTime()).toBeGreaterThan(before!.created_date.getTime());
      expect((await personRows(f.ann.x1)).map((row) => row.tag_value)).toEqual([value]);

      const names = await request(t.app).get('/api/person-names/recent').expect(200);
      expect(names.body.names[0]).toBe('Zoë "Z"');
      const detections = await request(t.app)
        .get('/api/person-detections')
        .query({ person_name: 'Zoë "Z"' })
        .expect(200);
      expect(detections.body.detections.map((d: { id: number }) => d.id).sort()).toEqual(
        [f.ann.a1, f.ann.x1].sort(),
      );
    });

    it('creates the person_name group with the legacy attributes when it is missing', async () => {
      const pool = t.context.db.pool;
      await pool.query('DELETE FROM tag_groups WHERE id = $1', [f.groups.person]);
      await request(t.app)
        .post('/api/person-detections/assign-name')
        .send({ detection_ids: [f.ann.x3], person_name: 'Carol' })
        .expect(200);
      const { rows } = await pool.query(
        `SELECT id, display_name, group_type, description, applies_to, sort_order, is_required
           FROM tag_groups WHERE group_name = 'person_name'`,
      );
      expect(rows).toEqual([
        {
          id: expect.any(Number),
          display_name: 'Person Name',
          group_type: 'text',
          description: 'Name of identified person',
          applies_to: null,
          sort_order: 0,
          is_required: false,
        },
      ]);
      f.groups.person = rows[0].id;
      expect((await personRows(f.ann.x3)).map((row) => row.tag_value)).toEqual(['{"person_name": "Carol"}']);
    });

    it('answers 404 for unknown annotations and writes nothing', async () => {
      const res = await request(t.app)
        .post('/api/person-detections/assign-name')
        .send({ detection_ids: [f.ann.t1, 999_999], person_name: 'Dave' })
        .expect(404);
      expect(res.body).toEqual({ success: false, error: 'Keyframe annotation not found: 999999' });
      expect(await personRows(f.ann.t1)).toEqual([]);

      await request(t.app)
        .post('/api/person-detections/unassign-name')
        .send({ detection_ids: [f.ann.x3, 999_999] })
        .expect(404);
      expect(await personRows(f.ann.x3)).toHaveLength(1);
    });

    it('validates the body', async () => {
      const cases: [unknown, RegExp][] = [
        [{ detection_ids: [], person_name: 'A' }, /detection_ids/],
        [{ detection_ids: [1] }, /person_name/],
        [{ detection_ids: [1], person_name: '   ' }, /person_name/],
        [{ detection_ids: ['x'], person_name: 'A' }, /detection_ids/],
        [{ detection_ids: 5, person_name: 'A' }, /detection_ids/],
      ];
      for (const [body, field] of cases) {
        const res = await request(t.app)
          .post('/api/person-detections/assign-name')
          .send(body as object);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatch(field);
      }
      const unassign = await request(t.app)
        .post('/api/person-detections/unassign-name')
        .send({ detection_ids: [] })
        .expect(400);
      expect(unassign.body.error).toMatch(/detection_ids/);
    });

    it('unassign deletes only the person-name rows and counts them', async () => {
      await request(t.app)
        .post('/api/person-detections/assign-name')
        .send({ detection_ids: [f.ann.x1], person_name: 'Eve' })
        .expect(200);
      const res = await request(t.app)
        .post('/api/person-detections/unassign-name')
        .send({ detection_ids: [f.ann.x1, f.ann.x3, f.ann.x2] })
        .expect(200);
      expect(res.body).toEqual({ success: true, updated_count: 2 });
      expect(await personRows(f.ann.x1)).toEqual([]);
      expect(await personRows(f.ann.x3)).toEqual([]);
      // the scenario blob and other tags of x2 stay
      const { rows } = await t.context.db.pool.query(
        `SELECT count(*)::int AS n FROM annotation_tags WHERE annotation_id = $1`,
        [f.ann.x2],
      );
      expect(rows[0].n).toBe(3);
    });
  });
});
