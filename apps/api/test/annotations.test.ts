import request from 'supertest';
import { loadLegacyFixture } from './fixture';
import { startTestApp, type TestApp } from './harness';

const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

describe('time-range tags, keyframe annotations, annotation tags (on the real legacy fixture)', () => {
  let t: TestApp;
  const query = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await t.context.db.pool.query<T>(sql, params)).rows;

  beforeAll(async () => {
    t = await startTestApp();
    await loadLegacyFixture(t.context.db.pool);
  });
  afterAll(() => t.close());

  describe('time-range tags', () => {
    it('creates, lists by start time, reads, updates partially and deletes', async () => {
      const created = await request(t.app)
        .post('/api/videos/1/time-range-tags')
        .send({ tag_name: ' docking ', start_time: 0, end_time: 12.5, is_negative: 1, comment: 'c' })
        .expect(200);
      expect(created.body).toEqual({ success: true, tag_id: expect.any(Number) });
      const id = created.body.tag_id as number;

      const list = await request(t.app).get('/api/videos/1/time-range-tags').expect(200);
      expect(list.body.tags.map((tag: { id: number }) => tag.id)).toEqual([id, 1]); // 0 before 267.56
      expect(list.body.tags[1]).toEqual({
        id: 1,
        video_id: 1,
        tag_name: 'loading_boat_trailer',
        start_time: 267.564008,
        end_time: null,
        is_negative: 0,
        comment: '',
        created_date: '2026-01-19 19:31:01',
      });
      expect((await request(t.app).get('/api/videos/999999/time-range-tags').expect(200)).body).toEqual({
        success: true,
        tags: [],
      });

      const one = await request(t.app).get(`/api/time-range-tags/${id}`).expect(200);
      expect(one.body.tag).toMatchObject({
        tag_name: 'docking',
        start_time: 0,
        end_time: 12.5,
        is_negative: 1,
        comment: 'c',
        created_date: expect.stringMatching(TIMESTAMP),
      });

      const update = await request(t.app)
        .put(`/api/time-range-tags/${id}`)
        .send({ tag_name: 'undocking', end_time: null, is_negative: false, comment: '' })
        .expect(200);
      expect(update.body).toEqual({ success: true });
      expect((await request(t.app).get(`/api/time-range-tags/${id}`)).body.tag).toMatchObject({
        tag_name: 'undocking',
        end_time: 12.5, // null is ignored
        is_negative: 0,
        comment: '',
      });
      expect((await request(t.app).put(`/api/time-range-tags/${id}`).send({}).expect(200)).body.success).toBe(
        false,
      );
      expect(
        (await request(t.app).put('/api/time-range-tags/999999').send({ comment: 'x' })).body.success,
      ).toBe(false);

      expect((await request(t.app).delete(`/api/time-range-tags/${id}`).expect(200)).body).toEqual({
        success: true,
      });
      expect((await request(t.app).delete(`/api/time-range-tags/${id}`).expect(200)).body.success).toBe(
        false,
      );
      await request(t.app).get(`/api/time-range-tags/${id}`).expect(404);
    });

    it('validates input and 404s unknown videos and tags', async () => {
      const missing = await request(t.app)
        .post('/api/videos/1/time-range-tags')
        .send({ tag_name: 'x' })
        .expect(400);
      expect(missing.body.error).toContain('body.start_time');
      await request(t.app)
        .post('/api/videos/1/time-range-tags')
        .send({ tag_name: '', start_time: 1 })
        .expect(400);
      const flag = await request(t.app)
        .post('/api/videos/1/time-range-tags')
        .send({ tag_name: 'x', start_time: 1, is_negative: 'false' })
        .expect(400);
      expect(flag.body.error).toContain('body.is_negative');
      await request(t.app)
        .post('/api/videos/999999/time-range-tags')
        .send({ tag_name: 'x', start_time: 1 })
        .expect(404);
      expect((await request(t.app).get('/api/time-range-tags/999999').expect(404)).body).toEqual({
        success: false,
        error: 'Tag not found',
      });
      await request(t.app).put('/api/time-range-tags/1').send({ end_time: 'soon' }).expect(400);
      await request(t.app).delete('/api/time-range-tags/-1').expect(404);
    });
  });

  describe('keyframe annotations', () => {
    it('lists a video’s keyframes by timestamp in the legacy shape', async () => {
      const res = await request(t.app).get('/api/videos/1/keyframe-annotations').expect(200);
      expect(res.body.annotations.map((a: { id: number }) => a.id)).toEqual([7, 8, 9, 10, 11, 12]);
      expect(res.body.annotations[0]).toEqual({
        id: 7,
        video_id: 1,
        timestamp: 0,
        bbox_x: 264,
        bbox_y: 354,
        bbox_width: 289,
        bbox_height: 142,
        activity_tag: 'boat_operating_water',
        moment_tag: null,
        is_negative: 0,
        comment: '',
        created_date: '2026-01-20 01:50:58',
        reviewed: 1,
      });
    });

    it('creates (reviewed by default), reads, updates (timestamp too) and deletes with its tags', async () => {
      const created = await request(t.app)
        .post('/api/videos/1/keyframe-annotations')
        .send({
          timestamp: 3.25,
          bbox_x: 10.4,
          bbox_y: 20,
          bbox_width: 30,
          bbox_height: 40.6,
          activity_tag: 'wake',
        })
        .expect(200);
      expect(created.body).toEqual({ success: true, annotation_id: expect.any(Number) });
      const id = created.body.annotation_id as number;
      const read = await request(t.app).get(`/api/keyframe-annotations/${id}`).expect(200);
      expect(read.body).toEqual({
        success: true,
        annotation: expect.objectContaining({
          id,
          video_id: 1,
          timestamp: 3.25,
          bbox_x: 10.4, // stored and returned as sent (§2.1), not rounded
          bbox_y: 20,
          bbox_height: 40.6,
          activity_tag: 'wake',
          is_negative: 0,
          reviewed: 1,
          created_date: expect.stringMatching(TIMESTAMP),
        }),
      });

      const update = await request(t.app)
        .put(`/api/keyframe-annotations/${id}`)
        .send({ timestamp: 99, bbox_x: 11, reviewed: 0, comment: null, moment_tag: 'splash' })
        .expect(200);
      expect(update.body).toEqual({ success: true });
      expect((await request(t.app).get(`/api/keyframe-annotations/${id}`)).body.annotation).toMatchObject({
        timestamp: 99,
        bbox_x: 11,
        reviewed: 0,
        moment_tag: 'splash',
        comment: null,
      });
      expect(
        (await request(t.app).put(`/api/keyframe-annotations/${id}`).send({ comment: null })).body.success,
      ).toBe(false);

      await request(t.app)
        .post(`/api/annotations/${id}/tags`)
        .send({ annotation_type: 'keyframe', tags: { scenario: 's' } })
        .expect(200);
      expect((await request(t.app).delete(`/api/keyframe-annotations/${id}`).expect(200)).body).toEqual({
        success: true,
      });
      expect(
        await query(
          `SELECT 1 FROM annotation_tags WHERE annotation_id = $1 AND annotation_type = 'keyframe'`,
          [id],
        ),
      ).toEqual([]);
      expect((await request(t.app).delete(`/api/keyframe-annotations/${id}`)).body.success).toBe(false);
    });

    it('validates input and 404s unknown videos and annotations', async () => {
      const missing = await request(t.app)
        .post('/api/videos/1/keyframe-annotations')
        .send({ timestamp: 1, bbox_x: 1, bbox_y: 1, bbox_width: 1 })
        .expect(400);
      expect(missing.body.error).toContain('body.bbox_height');
      await request(t.app)
        .post('/api/videos/1/keyframe-annotations')
        .send({ timestamp: null, bbox_x: 1, bbox_y: 1, bbox_width: 1, bbox_height: 1 })
        .expect(400);
      await request(t.app)
        .post('/api/videos/999999/keyframe-annotations')
        .send({ timestamp: 1, bbox_x: 1, bbox_y: 1, bbox_width: 1, bbox_height: 1 })
        .expect(404);
      expect((await request(t.app).get('/api/keyframe-annotations/999999').expect(404)).body.error).toBe(
        'Annotation not found',
      );
      await request(t.app).put('/api/keyframe-annotations/7').send({ bbox_x: 'left' }).expect(400);
      // bounds: finite numbers only (JSON has no Infinity/NaN; 1e400 parses to Infinity)
      for (const raw of ['{"bbox_x": 1e400}', '{"bbox_width": -1e999}']) {
        await request(t.app)
          .put('/api/keyframe-annotations/7')
          .set('content-type', 'application/json')
          .send(raw)
          .expect(400);
      }
      await request(t.app)
        .post('/api/videos/1/keyframe-annotations')
        .set('content-type', 'application/json')
        .send('{"timestamp": 1, "bbox_x": 1e400, "bbox_y": 1, "bbox_width": 1, "bbox_height": 1}')
        .expect(400);
      const fraction = await request(t.app)
        .put('/api/keyframe-annotations/7')
        .send({ bbox_x: 10.5, bbox_width: 2147483648.25 })
        .expect(200);
      expect(fraction.body).toEqual({ success: true });
      expect((await request(t.app).get('/api/keyframe-annotations/7')).body.annotation).toMatchObject({
        bbox_x: 10.5,
        bbox_width: 2147483648.25,
      });
      await request(t.app)
        .put('/api/keyframe-annotations/7')
        .set('content-type', 'application/json')
        .send('null')
        .expect(400);
    });

    it('lists distinct activity and moment tags', async () => {
      expect((await request(t.app).get('/api/activity-tags').expect(200)).body).toEqual({
        success: true,
        tags: ['boat_operating_water', 'loading_boat_trailer', 'vehicle_identification'],
      });
      const moments = await request(t.app).get('/api/moment-tags').expect(200);
      expect(moments.body).toEqual({ success: true, tags: expect.any(Array) });
    });
  });

  describe('annotation tags', () => {
    it('reads the legacy _scenario_data row merged at the top level', async () => {
      const res = await request(t.app).get('/api/annotations/7/tags?annotation_type=keyframe').expect(200);
      expect(res.body).toEqual({
        success: true,
        tags: {
          scenario: 'boat_operating_water',
          bboxes: {
            entire_boat: { x: 264, y: 354, width: 289, height: 142 },
            boat_operator: { x: 332, y: 371, width: 68, height: 43 },
            wake: { x: 238, y: 392, width: 89, height: 44 },
          },
          notVisible: ['boat_registration'],
        },
      });
      // keys in the order the legacy app answered (Flask's jsonify sorts them): the UI colours boxes by it
      expect(Object.keys(res.body.tags)).toEqual(['bboxes', 'notVisible', 'scenario']);
      expect(Object.keys(res.body.tags.bboxes)).toEqual(['boat_operator', 'entire_boat', 'wake']);
      expect(Object.keys(res.body.tags.bboxes.wake)).toEqual(['height', 'width', 'x', 'y']);
      expect(
        (await request(t.app).get('/api/annotations/7/tags?annotation_type=time_range')).body.tags,
      ).toEqual({});
    });

    it('replaces the tags: scenario JSON as Python wrote it, checkbox lists, unknown keys dropped, person name kept', async () => {
      const personGroup = (
        await query<{ id: number }>(
          `INSERT INTO tag_groups (group_name, display_name, group_type) VALUES ('person_name', 'Person Name', 'text') RETURNING id`,
        )
      )[0]!.id;
      await query(
        `INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value) VALUES (8, 'keyframe', $1, '{"person_name": "J\\u00f6rg"}')`,
        [personGroup],
      );
      const body = {
        annotation_type: 'keyframe',
        tags: {
          scenario: 'boat_operating_water',
          bboxes: { wake: { x: 1, y: 2, width: 3, height: 4 } },
          notVisible: [],
          comment: 'dropped: no such group',
          lighting_conditions: ['low_light_dusk', 'night_conditions'],
          weather_conditions: ['rain'],
          ground_truth: 'true_positive',
          confidence_level: '',
          reviewer_notes: 'Jörg',
          boat_type: true,
        },
      };
      expect((await request(t.app).post('/api/annotations/8/tags').send(body).expect(200)).body).toEqual({
        success: true,
      });
      const rows = await query<{ group_name: string; tag_value: string }>(
        `SELECT g.group_name, a.tag_value FROM annotation_tags a JOIN tag_groups g ON g.id = a.group_id
         WHERE a.annotation_id = 8 AND a.annotation_type = 'keyframe' ORDER BY g.group_name`,
      );
      expect(Object.fromEntries(rows.map((row) => [row.group_name, row.tag_value]))).toEqual({
        _scenario_data:
          '{"scenario": "boat_operating_water", "bboxes": {"wake": {"x": 1, "y": 2, "width": 3, "height": 4}}, "notVisible": []}',
        boat_type: 'true',
        ground_truth: 'true_positive',
        lighting_conditions: 'low_light_dusk,night_conditions',
        person_name: '{"person_name": "J\\u00f6rg"}',
        reviewer_notes: 'Jörg',
        weather_conditions: 'rain',
      });

      const read = await request(t.app).get('/api/annotations/8/tags').query({ annotation_type: 'keyframe' });
      expect(read.body.tags).toEqual({
        scenario: 'boat_operating_water',
        bboxes: { wake: { x: 1, y: 2, width: 3, height: 4 } },
        notVisible: [],
        boat_type: 'true',
        ground_truth: 'true_positive',
        lighting_conditions: ['low_light_dusk', 'night_conditions'],
        weather_conditions: 'rain', // single checkbox value stays a string (§9 #14)
        reviewer_notes: 'Jörg',
        person_name: '{"person_name": "J\\u00f6rg"}',
      });

      // an empty replace clears everything but the assigned person name
      await request(t.app).post('/api/annotations/8/tags').send({ annotation_type: 'keyframe' }).expect(200);
      expect(
        (await request(t.app).get('/api/annotations/8/tags?annotation_type=keyframe')).body.tags,
      ).toEqual({
        person_name: '{"person_name": "J\\u00f6rg"}',
      });
    });

    it('runs concurrent replaces of one annotation one after the other (never a mix of two)', async () => {
      await Promise.all(
        ['true_positive', 'false_positive', 'uncertain', 'skip', 'other'].map((value) =>
          request(t.app)
            .post('/api/annotations/9/tags')
            .send({ annotation_type: 'keyframe', tags: { ground_truth: value, scenario: value } })
            .expect(200),
        ),
      );
      const rows = await query<{ tag_value: string }>(
        `SELECT tag_value FROM annotation_tags WHERE annotation_id = 9 AND annotation_type = 'keyframe' ORDER BY id`,
      );
      expect(rows).toHaveLength(2);
      expect(rows[1]!.tag_value).toBe(JSON.parse(rows[0]!.tag_value).scenario);
    });

    it('validates annotation_type and 404s unknown annotations', async () => {
      const bad = await request(t.app)
        .post('/api/annotations/8/tags')
        .send({ annotation_type: 'video', tags: {} })
        .expect(400);
      expect(bad.body.error).toBe('Invalid annotation_type: body.annotation_type');
      await request(t.app)
        .post('/api/annotations/8/tags')
        .send({ annotation_type: 'keyframe', tags: [] })
        .expect(400);
      const missing = await request(t.app).get('/api/annotations/8/tags').expect(400);
      expect(missing.body.error).toContain('annotation_type required');
      await request(t.app)
        .post('/api/annotations/999999/tags')
        .send({ annotation_type: 'keyframe', tags: { scenario: 'x' } })
        .expect(404);
      await request(t.app)
        .post('/api/annotations/1/tags')
        .send({ annotation_type: 'time_range', tags: {} })
        .expect(200);
    });
  });
});
