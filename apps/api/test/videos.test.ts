import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadLegacyFixture } from './fixture';
import { startTestApp, type TestApp } from './harness';

describe('videos, legacy video tags, behaviors (on the real legacy fixture)', () => {
  let t: TestApp;
  let media: string;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await t.context.db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);

  beforeAll(async () => {
    media = await mkdtemp(path.join(tmpdir(), 'gt-videos-'));
    t = await startTestApp({
      DOWNLOADS_DIR: path.join(media, 'downloads'),
      THUMBNAILS_DIR: path.join(media, 'thumbnails'),
    });
    await loadLegacyFixture(t.context.db.pool);
  });
  afterAll(async () => {
    await t.close();
    await rm(media, { recursive: true, force: true });
  });

  describe('GET /api/videos', () => {
    it('lists newest first with the computed fields of the contract', async () => {
      const res = await request(t.app).get('/api/videos').expect(200);
      expect(res.body.success).toBe(true);
      expect(res.headers.etag).toBeUndefined(); // as the legacy API: JSON answers are not revalidated
      const videos = res.body.videos as Record<string, unknown>[];
      expect(videos).toHaveLength(54);
      expect(videos.map((v) => v.id).slice(0, 3)).toEqual([54, 53, 52]);
      expect(videos.filter((v) => v.is_ecoeye_import === true)).toHaveLength(39);
      expect(videos.filter((v) => v.has_video_file === false)).toHaveLength(39);

      const ecoeye = videos.find((v) => v.id === 16)!;
      expect(ecoeye).toMatchObject({
        filename: 'ecoeye_metadata_1769655001933_847848263C76_motion.placeholder',
        is_ecoeye_import: true,
        has_video_file: false,
        ecoeye_event_id: '1769655001933_847848263C76_motion',
        ecoeye_camera: '847848263C76',
        annotation_count: 0,
        tags: null,
        upload_date: '2026-01-29 07:49:29',
      });
      const annotated = videos.find((v) => v.id === 1)!;
      expect(annotated).toMatchObject({ annotation_count: 6, is_ecoeye_import: false, has_video_file: true });
      expect(annotated).not.toHaveProperty('ecoeye_event_id');
      expect(Object.keys(annotated).sort()).toEqual(
        [
          'annotation_count',
          'duration',
          'file_size',
          'filename',
          'has_video_file',
          'height',
          'id',
          'is_ecoeye_import',
          'notes',
          'original_url',
          'tags',
          'thumbnail_path',
          'title',
          'upload_date',
          'width',
        ].sort(),
      );
      expect(videos.find((v) => v.id === 2)).toMatchObject({ annotation_count: 4 });
    });

    it('paginates with limit and offset', async () => {
      const res = await request(t.app).get('/api/videos?limit=2&offset=1').expect(200);
      expect(res.body.videos.map((v: { id: number }) => v.id)).toEqual([53, 52]);
      const all = await request(t.app).get('/api/videos?limit=-1').expect(200);
      expect(all.body.videos).toHaveLength(54);
    });

    it('orders undated videos last and equal dates by id, on every page', async () => {
      const { rows: added } = await t.context.db.pool.query<{ id: number }>(
        `INSERT INTO videos (filename, upload_date) VALUES
           ('undated-a.mp4', NULL), ('undated-b.mp4', NULL),
           ('same-a.mp4', '2026-01-25 00:00:00'), ('same-b.mp4', '2026-01-25 00:00:00')
         RETURNING id`,
      );
      try {
        const { rows } = await t.context.db.pool.query<{ id: number; dated: boolean; at: number }>(
          'SELECT id, upload_date IS NOT NULL AS dated, extract(epoch FROM upload_date)::float8 AS at FROM videos',
        );
        const expected = rows
          .sort((a, b) => Number(b.dated) - Number(a.dated) || (b.at ?? 0) - (a.at ?? 0) || b.id - a.id)
          .map((row) => row.id);
        const ids = async (query: string) =>
          ((await request(t.app).get(`/api/videos${query}`).expect(200)).body.videos as { id: number }[]).map(
            (video) => video.id,
          );
        expect(await ids('?limit=-1')).toEqual(expected);
        expect(expected.slice(-2)).toEqual([added[1]!.id, added[0]!.id]);
        const n = expected.length;
        expect(await ids(`?limit=3&offset=${n - 4}`)).toEqual(expected.slice(n - 4, n - 1));
        expect(await ids(`?offset=${n - 1}`)).toEqual(expected.slice(n - 1));
        expect(await ids('?limit=0')).toEqual([]);
        const sameDay = await ids('?limit=-1');
        expect(sameDay.indexOf(added[3]!.id)).toBe(sameDay.indexOf(added[2]!.id) - 1);
      } finally {
        await t.context.db.pool.query('DELETE FROM videos WHERE id = ANY($1)', [added.map((row) => row.id)]);
      }
    });

    it('joins distinct legacy tag names once each', async () => {
      await request(t.app).post('/api/videos/1/tags').send({ tag: 'beta' }).expect(200);
      await request(t.app).post('/api/videos/1/tags').send({ tag: 'alpha' }).expect(200);
      const res = await request(t.app).get('/api/videos').expect(200);
      expect(res.body.videos.find((v: { id: number }) => v.id === 1).tags).toBe('alpha, beta');
    });

    it('searches titles, notes, tags, annotation fields and annotation tag values', async () => {
      const ids = async (term: string) =>
        (await request(t.app).get('/api/videos').query({ search: term }).expect(200)).body.videos
          .map((v: { id: number }) => v.id)
          .sort((a: number, b: number) => a - b);
      expect(await ids('Pickerel EMS')).toEqual(expect.arrayContaining([17, 18])); // notes
      expect(await ids('power your boat')).toEqual([2]); // title, case-insensitive
      expect(await ids('vehicle_identification')).toEqual([2]); // keyframe activity_tag
      expect(await ids('entire_boat')).toEqual([1, 2]); // _scenario_data tag values
      expect(await ids('alpha')).toEqual([1]); // legacy tag name
      expect(await ids('100%')).toEqual([]); // wildcards are literal
      const res = await request(t.app).get('/api/videos?search=alpha&limit=0').expect(200);
      expect(res.body.videos).toHaveLength(1); // limit ignored while searching
      expect(res.body.videos[0].tags).toBe('alpha, beta');
    });

    it('rejects bad pagination with a 400 naming the field', async () => {
      const res = await request(t.app).get('/api/videos?limit=abc').expect(400);
      expect(res.body).toEqual({ success: false, error: expect.stringContaining('query.limit') });
      await request(t.app).get('/api/videos?offset=-3').expect(400);
    });
  });

  describe('GET /api/videos/:id', () => {
    it('returns the row with tags and behaviors', async () => {
      const res = await request(t.app).get('/api/videos/2').expect(200);
      expect(res.body).toEqual({
        success: true,
        behaviors: [],
        video: {
          id: 2,
          filename: 'How To POWER Your Boat Onto The Trailer - Bass Boat Tips_loQaAY3HwTA.mp4',
          original_url: 'https://www.youtube.com/watch?v=loQaAY3HwTA',
          title: 'How To POWER Your Boat Onto The Trailer - Bass Boat Tips',
          duration: expect.any(Number),
          width: expect.any(Number),
          height: expect.any(Number),
          file_size: expect.any(Number),
          thumbnail_path: expect.stringMatching(/thumbnails\/How To POWER/),
          upload_date: '2026-01-20 02:09:17',
          notes: null,
          tags: null,
        },
      });
    });

    it('404s an unknown id and a malformed one (no route matched, as Flask)', async () => {
      expect((await request(t.app).get('/api/videos/999999').expect(404)).body).toEqual({
        success: false,
        error: 'Video not found',
      });
      const bad = await request(t.app).get('/api/videos/abc').expect(404);
      expect(bad.body.error).toContain('params.videoId');
      await request(t.app).get('/api/videos/99999999999').expect(404);
    });
  });

  describe('behaviors', () => {
    it('records a behavior, returned by GET /api/videos/:id in start order', async () => {
      const late = await request(t.app)
        .post('/api/videos/3/behaviors')
        .send({ behavior_type: 'docking', start_time: 20, end_time: 25.5, confidence: 0.9, notes: 'n' })
        .expect(200);
      expect(late.body).toEqual({ success: true, behavior_id: expect.any(Number) });
      await request(t.app).post('/api/videos/3/behaviors').send({ behavior_type: 'launch', start_time: 1 });
      const res = await request(t.app).get('/api/videos/3').expect(200);
      expect(res.body.behaviors.map((b: { behavior_type: string }) => b.behavior_type)).toEqual([
        'launch',
        'docking',
      ]);
      expect(res.body.behaviors[1]).toEqual({
        id: late.body.behavior_id,
        video_id: 3,
        behavior_type: 'docking',
        start_time: 20,
        end_time: 25.5,
        confidence: 0.9,
        notes: 'n',
        annotated_date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      });
    });

    it('400s a missing behavior_type, 404s an unknown video', async () => {
      const res = await request(t.app).post('/api/videos/3/behaviors').send({ start_time: 1 }).expect(400);
      expect(res.body.error).toContain('behavior_type');
      await request(t.app).post('/api/videos/999999/behaviors').send({ behavior_type: 'x' }).expect(404);
    });
  });

  describe('legacy video tags', () => {
    it('links, reports duplicates softly, lists with counts and unlinks', async () => {
      expect((await request(t.app).post('/api/videos/4/tags').send({ tag: '  gamma ' })).body).toEqual({
        success: true,
      });
      expect((await request(t.app).post('/api/videos/4/tags').send({ tag: 'gamma' })).body).toEqual({
        success: false,
      });
      await request(t.app).post('/api/videos/5/tags').send({ tag: 'gamma' }).expect(200);
      const list = await request(t.app).get('/api/tags').expect(200);
      expect(list.body.success).toBe(true);
      expect(list.body.tags.find((tag: { name: string }) => tag.name === 'gamma')).toEqual({
        id: expect.any(Number),
        name: 'gamma',
        category: null,
        created_date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        video_count: 2,
      });
      expect((await request(t.app).delete('/api/videos/4/tags/gamma').expect(200)).body).toEqual({
        success: true,
      });
      expect((await request(t.app).delete('/api/videos/4/tags/gamma').expect(200)).body).toEqual({
        success: false,
      });
      expect(await count(`SELECT count(*) AS n FROM tags WHERE name = 'gamma'`)).toBe(1);
    });

    it('400s an empty tag, 404s an unknown video', async () => {
      const res = await request(t.app).post('/api/videos/4/tags').send({ tag: ' ' }).expect(400);
      expect(res.body).toEqual({ success: false, error: 'Tag required: body.tag' });
      await request(t.app).post('/api/videos/4/tags').send({}).expect(400);
      await request(t.app).post('/api/videos/999999/tags').send({ tag: 'x' }).expect(404);
    });
  });

  describe('DELETE /api/videos/:id', () => {
    it('removes the row, its annotations, their annotation tags and the media files', async () => {
      const downloads = path.join(media, 'downloads');
      const thumbnails = path.join(media, 'thumbnails');
      await mkdir(downloads, { recursive: true });
      await mkdir(thumbnails, { recursive: true });
      const video = (await request(t.app).get('/api/videos/2')).body.video;
      const videoFile = path.join(downloads, video.filename);
      const thumbnail = path.join(thumbnails, path.basename(video.thumbnail_path));
      await writeFile(videoFile, 'video');
      await writeFile(thumbnail, 'jpeg');
      const range = await request(t.app)
        .post('/api/videos/2/time-range-tags')
        .send({ tag_name: 'x', start_time: 0 })
        .expect(200);
      const groupId = (await t.context.db.pool.query(`SELECT id FROM tag_groups LIMIT 1`)).rows[0].id;
      await t.context.db.pool.query(
        `INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value) VALUES ($1, 'time_range', $2, 'v')`,
        [range.body.tag_id, groupId],
      );
      const before = await count(`SELECT count(*) AS n FROM annotation_tags`);

      expect((await request(t.app).delete('/api/videos/2').expect(200)).body).toEqual({ success: true });
      expect(await count(`SELECT count(*) AS n FROM videos WHERE id = 2`)).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM keyframe_annotations WHERE video_id = 2`)).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM time_range_tags WHERE video_id = 2`)).toBe(0);
      // keyframes 13..16 had 4 tag rows, plus the time-range row
      expect(await count(`SELECT count(*) AS n FROM annotation_tags`)).toBe(before - 5);
      await expect(stat(videoFile)).rejects.toThrow();
      await expect(stat(thumbnail)).rejects.toThrow();

      await request(t.app).delete('/api/videos/2').expect(404);
      await request(t.app).delete('/api/videos/x').expect(404);
    });
  });

  it('lists every route of this area in the OpenAPI document', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([route, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /api/videos',
        'GET /api/videos/{videoId}',
        'DELETE /api/videos/{videoId}',
        'POST /api/videos/{videoId}/tags',
        'DELETE /api/videos/{videoId}/tags/{tagName}',
        'GET /api/tags',
        'POST /api/videos/{videoId}/behaviors',
        'GET /api/videos/{videoId}/time-range-tags',
        'POST /api/videos/{videoId}/time-range-tags',
        'GET /api/time-range-tags/{tagId}',
        'PUT /api/time-range-tags/{tagId}',
        'DELETE /api/time-range-tags/{tagId}',
        'GET /api/videos/{videoId}/keyframe-annotations',
        'POST /api/videos/{videoId}/keyframe-annotations',
        'GET /api/keyframe-annotations/{annotationId}',
        'PUT /api/keyframe-annotations/{annotationId}',
        'DELETE /api/keyframe-annotations/{annotationId}',
        'GET /api/activity-tags',
        'GET /api/moment-tags',
        'GET /api/annotations/{annotationId}/tags',
        'POST /api/annotations/{annotationId}/tags',
        'GET /api/system/status',
      ]),
    );
  });
});
