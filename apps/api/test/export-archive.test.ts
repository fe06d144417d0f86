import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { exportArchive } from '@groundtruth/legacy-archive';
import { makeTestVideo } from '@groundtruth/media/testing';
import { startTestApp, type TestApp } from './harness';

const LEGACY_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?$/;

/** The legacy app's own SQL shapes (database.py at 41e09b7) over the file the export writes. */
const LEGACY_VIDEO_LIST = `
  SELECT v.*, GROUP_CONCAT(t.name, ', ') AS tags, COUNT(DISTINCT ka.id) AS annotation_count
  FROM videos v
  LEFT JOIN video_tags vt ON v.id = vt.video_id
  LEFT JOIN tags t ON vt.tag_id = t.id
  LEFT JOIN keyframe_annotations ka ON v.id = ka.video_id
  GROUP BY v.id ORDER BY v.upload_date DESC LIMIT ? OFFSET ?`;
const LEGACY_KEYFRAMES = `SELECT * FROM keyframe_annotations WHERE video_id = ? ORDER BY timestamp`;
const LEGACY_ANNOTATION_TAGS = `
  SELECT at.*, tg.group_name, tg.display_name, tg.group_type
  FROM annotation_tags at JOIN tag_groups tg ON at.group_id = tg.id
  WHERE at.annotation_id = ? AND at.annotation_type = ? ORDER BY tg.sort_order`;

describe('an archive written through the new API exports to a file the legacy queries read', () => {
  let t: TestApp;
  let media: string;
  let out: string;
  let videoId: number;
  const keyframes: number[] = [];

  beforeAll(async () => {
    media = mkdtempSync(path.join(tmpdir(), 'export-api-'));
    out = path.join(media, 'video_archive.db');
    t = await startTestApp({
      DOWNLOADS_DIR: path.join(media, 'downloads'),
      THUMBNAILS_DIR: path.join(media, 'thumbnails'),
    });
    const api = () => request(t.app);
    await api().post('/api/tag-taxonomy/seed').expect(200);
    const upload = await api()
      .post('/api/upload')
      .field('notes', 'dock ☀')
      .attach('file', makeTestVideo(path.join(media, 'clip.mp4')), 'clip.mp4')
      .expect(200);
    videoId = upload.body.video_id as number;
    for (const tag of ['boat', 'ramp'])
      await api().post(`/api/videos/${videoId}/tags`).send({ tag }).expect(200);
    for (const [timestamp, reviewed] of [
      [1.5, true],
      [0.25, false],
    ] as const) {
      const created = await api()
        .post(`/api/videos/${videoId}/keyframe-annotations`)
        .send({
          timestamp,
          bbox_x: 10,
          bbox_y: 20,
          bbox_width: 30,
          bbox_height: 40,
          activity_tag: 'launch',
          reviewed,
        })
        .expect(200);
      keyframes.push(created.body.annotation_id as number);
    }
    await api()
      .post(`/api/annotations/${keyframes[0]}/tags`)
      .send({
        annotation_type: 'keyframe',
        tags: {
          ground_truth: 'power_loading',
          scenario: 'boat_ramp',
          bboxes: { boat: { x: 1, y: 2, width: 3, height: 4 } },
        },
      })
      .expect(200);
    await api()
      .post('/api/person-detections/assign-name')
      .send({ detection_ids: [keyframes[1]], person_name: 'José' })
      .expect(200);
    await api()
      .post(`/api/videos/${videoId}/time-range-tags`)
      .send({ tag_name: 'docking', start_time: 0, end_time: 2, is_negative: 1 })
      .expect(200);
    await api()
      .post('/api/yolo/configs')
      .send({ config_name: 'boats', class_mapping: { launch: 0, Zoë: 1 }, min_confidence: 0.5 })
      .expect(200);
    const report = await exportArchive({ out, databaseUrl: t.testDb.url });
    expect(report.ok).toBe(true);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(media, { recursive: true, force: true });
  });

  const legacy = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(out, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };

  it('the video list: the same videos, tags and counts the API answers, in the legacy text forms', async () => {
    const rows = legacy<Record<string, unknown>>(LEGACY_VIDEO_LIST, 100, 0);
    const api = (await request(t.app).get('/api/videos').expect(200)).body.videos as Record<
      string,
      unknown
    >[];
    expect(rows).toHaveLength(1);
    const { tags, ...row } = rows[0]!;
    expect(String(tags).split(', ').sort()).toEqual(['boat', 'boat', 'ramp', 'ramp']); // the legacy join repeats them
    expect(row).toEqual({
      id: api[0]!.id,
      filename: api[0]!.filename,
      original_url: api[0]!.original_url,
      title: api[0]!.title,
      duration: api[0]!.duration,
      width: api[0]!.width,
      height: api[0]!.height,
      file_size: api[0]!.file_size,
      thumbnail_path: api[0]!.thumbnail_path,
      upload_date: expect.stringMatching(LEGACY_TIME),
      notes: 'dock ☀',
      annotation_count: 2,
    });
    expect(String(row.upload_date).startsWith(String(api[0]!.upload_date))).toBe(true);
  });

  it('the keyframes of a video: by timestamp, 0/1 flags, every field as the API answers it', async () => {
    const rows = legacy<Record<string, unknown>>(LEGACY_KEYFRAMES, videoId);
    const api = (await request(t.app).get(`/api/videos/${videoId}/keyframe-annotations`).expect(200)).body
      .annotations as Record<string, unknown>[];
    expect(rows.map((row) => row.id)).toEqual([keyframes[1], keyframes[0]]);
    expect(rows.map((row) => [row.is_negative, row.reviewed])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    // rows written by the new app keep their microseconds (the import would bring them back exactly);
    // the API answers whole seconds, as the legacy app's CURRENT_TIMESTAMP stored them
    expect(rows.map((row) => ({ ...row, created_date: String(row.created_date).slice(0, 19) }))).toEqual(api);
    for (const row of rows) expect(row.created_date).toMatch(LEGACY_TIME);
  });

  it('annotation tags joined with their groups; JSON the legacy app wrote with json.dumps reads as it did', async () => {
    const rows = legacy<{ group_name: string; tag_value: string }>(
      LEGACY_ANNOTATION_TAGS,
      keyframes[0],
      'keyframe',
    );
    expect(rows.map((row) => row.group_name)).toEqual(['ground_truth', '_scenario_data']);
    expect(rows[0]!.tag_value).toBe('power_loading');
    expect(JSON.parse(rows[1]!.tag_value)).toEqual({
      scenario: 'boat_ramp',
      bboxes: { boat: { x: 1, y: 2, width: 3, height: 4 } },
    });
    const api = (
      await request(t.app).get(`/api/annotations/${keyframes[0]}/tags?annotation_type=keyframe`).expect(200)
    ).body.tags as Record<string, unknown>;
    expect(api).toMatchObject({ ground_truth: 'power_loading', scenario: 'boat_ramp' });
    const person = legacy<{ tag_value: string }>(LEGACY_ANNOTATION_TAGS, keyframes[1], 'keyframe');
    expect(person.map((row) => row.tag_value)).toEqual(['{"person_name": "Jos\\u00e9"}']);
    const [config] = legacy<{ class_mapping: string; include_ai_generated: number }>(
      'SELECT class_mapping, include_ai_generated FROM yolo_export_configs',
    );
    expect(config).toEqual({ class_mapping: '{"Zo\\u00eb": 1, "launch": 0}', include_ai_generated: 1 });
  });
});
