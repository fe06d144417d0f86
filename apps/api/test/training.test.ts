import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { makeTestVideo } from '@groundtruth/media/testing';
import type { JobRunner } from '@groundtruth/jobs';
import { startTestApp, startTestRunner, type TestApp } from './harness';

describe('training queue, YOLO and vibration exports', () => {
  let t: TestApp;
  let runner: JobRunner;
  let dir: string;
  let videoId: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gt-training-'));
    t = await startTestApp({
      EXPORTS_DIR: path.join(dir, 'exports'),
      DOWNLOADS_DIR: path.join(dir, 'downloads'),
      TRAINING_BACKEND: 'queue',
    });
    const { db } = t.context;
    const { training, yolo, vibration } = t.context.services;
    runner = startTestRunner(
      t,
      { ...training.processors, ...yolo.processors, ...vibration.processors },
      { concurrency: 2 },
    );
    await runner.firstHeartbeat; // the export routes answer 503 until a worker is live
    mkdirSync(path.join(dir, 'downloads'), { recursive: true });
    makeTestVideo(path.join(dir, 'downloads', 'clip.mp4'), { seconds: 3, size: '320x240' });
    const { rows } = await db.pool.query<{ id: number }>(
      `INSERT INTO videos (filename, title, width, height) VALUES ('clip.mp4', 'clip', 320, 240) RETURNING id`,
    );
    videoId = rows[0]!.id;
    // frames 5 and 15 (two boxes on frame 5), one unmapped tag, one negative
    await db.pool.query(
      `INSERT INTO keyframe_annotations (video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height, activity_tag,
         is_negative, reviewed) VALUES
       ($1, 0.5, 0, 0, 160, 120, 'walking', false, true), ($1, 0.5, 160, 120, 80, 60, 'running', false, true),
       ($1, 1.5, 32, 24, 64, 48, 'walking', false, true), ($1, 2.0, 10, 10, 10, 10, 'ignored', false, true),
       ($1, 2.5, 10, 10, 10, 10, 'walking', true, true)`,
      [videoId],
    );
    await db.pool.query(
      `INSERT INTO time_range_tags (video_id, tag_name, start_time, end_time) VALUES
       ($1, 'bearing_ok', 0, 1), ($1, 'bearing_fault', 1, 2), ($1, 'bearing_ok', 2, 3)`,
      [videoId],
    );
  });
  afterAll(async () => {
    await runner.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let configId: number;
  it('creates YOLO configs, rejects bad and duplicate ones', async () => {
    const created = await request(t.app)
      .post('/api/yolo/configs')
      .send({
        config_name: 'people',
        class_mapping: { walking: 0, running: 1 },
        include_negative_examples: 1,
      });
    expect(created.status).toBe(200);
    configId = created.body.config_id;
    const duplicate = await request(t.app)
      .post('/api/yolo/configs')
      .send({ config_name: 'people', class_mapping: { walking: 0 } });
    expect(duplicate.status).toBe(409);
    const bad = await request(t.app).post('/api/yolo/configs').send({ config_name: 'x', class_mapping: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/class_mapping/);
    const list = await request(t.app).get('/api/yolo/configs');
    expect(list.body.configs[0]).toMatchObject({
      id: configId,
      class_mapping: { walking: 0, running: 1 },
      include_negative_examples: 1,
      include_reviewed_only: 0,
      export_format: 'yolov8',
      last_export_count: 0,
    });
    expect(list.body.configs[0].created_date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('previews with the export rules, lists activity tags, 404s unknown configs', async () => {
    const preview = await request(t.app).get(`/api/yolo/configs/${configId}/preview`);
    expect(preview.body.preview).toMatchObject({
      video_count: 1,
      total_annotations: 4,
      class_distribution: { walking: 3, running: 1 },
    });
    expect((await request(t.app).get('/api/yolo/configs/9999/preview')).status).toBe(404);
    expect(
      (
        await request(t.app)
          .post('/api/yolo/configs/9999/filters')
          .send({ filter_type: 'tag', filter_value: 'x' })
      ).status,
    ).toBe(404);
    const tags = await request(t.app).get('/api/yolo/activity-tags');
    expect(tags.body.tags[0]).toEqual({ name: 'walking', count: 3 });
  });

  it('exports frames, labels, data.yaml and a deterministic split as a job', async () => {
    const res = await request(t.app)
      .post(`/api/yolo/configs/${configId}/export`)
      .send({ output_name: '../evil name' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      video_count: 1,
      frame_count: 3,
      annotation_count: 4,
      train_count: 2,
      val_count: 1,
    });
    const exportPath: string = res.body.export_path;
    expect(path.dirname(exportPath)).toBe(path.join(dir, 'exports')); // sanitised name stays inside EXPORTS_DIR
    const images = ['train', 'val'].flatMap((split) => readdirSync(path.join(exportPath, split, 'images')));
    expect(images.sort()).toEqual(
      [
        'video_' + videoId + '_frame_15.jpg',
        'video_' + videoId + '_frame_25.jpg',
        'video_' + videoId + '_frame_5.jpg',
      ].sort(),
    );
    const labelFile = ['train', 'val']
      .map((split) => path.join(exportPath, split, 'labels', `video_${videoId}_frame_5.txt`))
      .find((file) => existsSync(file))!;
    expect(readFileSync(labelFile, 'utf8')).toBe(
      '0 0.250000 0.250000 0.500000 0.500000\n1 0.625000 0.625000 0.250000 0.250000\n',
    );
    const negative = ['train', 'val']
      .map((split) => path.join(exportPath, split, 'labels', `video_${videoId}_frame_25.txt`))
      .find((file) => existsSync(file))!;
    expect(readFileSync(negative, 'utf8')).toBe('');
    expect(readFileSync(path.join(exportPath, 'data.yaml'), 'utf8')).toContain('nc: 2');
    // same seed, same split
    const again = await request(t.app)
      .post(`/api/yolo/configs/${configId}/export`)
      .send({ output_name: 'again' });
    expect(readdirSync(path.join(again.body.export_path, 'val', 'images'))).toEqual(
      readdirSync(path.join(exportPath, 'val', 'images')),
    );
    const { rows } = await t.context.db.pool.query(
      `SELECT count(*)::int AS logs, max(c.last_export_count) AS count, bool_and(c.last_export_date IS NOT NULL) AS dated
       FROM yolo_export_logs l JOIN yolo_export_configs c ON c.id = l.export_config_id`,
    );
    expect(rows[0]).toEqual({ logs: 2, count: 4, dated: true });
  });

  it('exports vibration samples as a job', async () => {
    const res = await request(t.app).post('/api/vibration/export').send({ output_name: 'vib' });
    expect(res.body).toMatchObject({
      success: true,
      total_samples: 3,
      train_count: 2,
      val_count: 1,
      formats: ['csv'],
    });
    expect(readFileSync(path.join(res.body.export_path, 'all_samples.csv'), 'utf8').split('\n')[0]).toBe(
      'sample_id,video_id,video_title,filename,tag_name,start_time,end_time,duration,is_negative,comment,label,split',
    );
    const none = await request(t.app).post('/api/vibration/export').send({ tag_filter: 'nothing' });
    expect(none.body).toEqual({
      success: true,
      export_path: null,
      total_samples: 0,
      message: 'No time-range annotations found',
    });
  });

  it('submits, dispatches to the remote queue and follows the worker callbacks', async () => {
    expect((await request(t.app).post('/api/training/submit').send({})).body.error).toBe(
      'Either export_config_id or export_path required',
    );
    expect((await request(t.app).post('/api/training/submit').send({ export_path: '/nope' })).status).toBe(
      400,
    );
    const exportPath = path.join(dir, 'exports');
    const submitted = await request(t.app)
      .post('/api/training/submit')
      .send({ job_type: 'yolo-training', config: { epochs: 3 }, export_path: exportPath });
    expect(submitted.body).toMatchObject({ success: true, status: 'uploading' });
    const jobId: string = submitted.body.job_id;
    expect(submitted.body.s3_uri).toBe(`s3://groundtruth-studio/training-jobs/${jobId}/`);
    // the worker dispatches: status queued, one message on the remote queue with the legacy fields
    for (let i = 0; i < 100; i++) {
      const job = await request(t.app).get(`/api/training/jobs/${jobId}`);
      if (job.body.job.status === 'queued') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const status = await request(t.app).get('/api/training/queue-status');
    expect(status.body).toEqual({ success: true, queue_messages: 1, queue_in_flight: 0, dlq_messages: 0 });
    const remote = await t.context.jobs.queue('training-remote').getJob(`train-${jobId}`);
    expect(remote?.data).toMatchObject({
      job_id: jobId,
      type: 'yolo-training',
      config: { epochs: 3 },
      callback_url: `/api/training/jobs/${jobId}/complete`,
    });

    const claimed = await request(t.app).post(`/api/training/jobs/${jobId}/processing`);
    expect(claimed.body).toEqual({ success: true, cancelled: false, job_id: jobId });
    const completed = await request(t.app)
      .post(`/api/training/jobs/${jobId}/complete`)
      .send({ result: { map50: 0.9 } });
    expect(completed.body).toEqual({ success: true, job_id: jobId, status: 'completed' });
    expect((await request(t.app).post(`/api/training/jobs/${jobId}/complete`).send({})).status).toBe(404);
    const job = (await request(t.app).get(`/api/training/jobs/${jobId}`)).body.job;
    expect(job).toMatchObject({ status: 'completed', result: { map50: 0.9 }, config: { epochs: 3 } });
    expect(job.completed_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const list = await request(t.app).get('/api/training/jobs?limit=10');
    expect(list.body.jobs.map((row: { job_id: string }) => row.job_id)).toContain(jobId);

    const failed = await request(t.app)
      .post(`/api/training/jobs/${jobId}/fail`)
      .send({ error: 'x'.repeat(2000) });
    expect(failed.body.status).toBe('failed');
    expect((await request(t.app).post(`/api/training/jobs/${jobId}/cancel`)).body.status).toBe('cancelled');
    expect((await request(t.app).post(`/api/training/jobs/${jobId}/processing`)).body).toEqual({
      success: true,
      cancelled: true,
      job_id: jobId,
    });
    expect((await request(t.app).delete(`/api/training/jobs/${jobId}`)).body).toEqual({
      success: true,
      job_id: jobId,
    });
    expect((await request(t.app).get(`/api/training/jobs/${jobId}`)).status).toBe(404);
    expect((await request(t.app).post(`/api/training/jobs/${jobId}/processing`)).status).toBe(404);
  });

  it('submit with an export config exports in the worker and records the stats', async () => {
    const res = await request(t.app)
      .post('/api/training/submit')
      .send({ export_config_id: configId, output_name: 'from-submit' });
    expect(res.body.status).toBe('uploading');
    let job: { status: string; config: { export_stats?: unknown } } | undefined;
    for (let i = 0; i < 200; i++) {
      job = (await request(t.app).get(`/api/training/jobs/${res.body.job_id}`)).body.job;
      if (job?.status === 'queued') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(job).toMatchObject({
      status: 'queued',
      config: {
        export_stats: {
          video_count: 1,
          frame_count: 3,
          annotation_count: 4,
          class_mapping: { walking: 0, running: 1 },
        },
      },
    });
    expect(existsSync(path.join(dir, 'exports', 'from-submit', 'data.yaml'))).toBe(true);
    expect((await request(t.app).post('/api/training/submit').send({ export_config_id: 9999 })).status).toBe(
      404,
    );
  });

  it('export-and-train validates the job type and the config id', async () => {
    expect(
      (await request(t.app).post('/api/training/export-and-train').send({ job_type: 'x' })).body.error,
    ).toBe('Unknown job_type: x');
    expect((await request(t.app).post('/api/training/export-and-train').send({})).body.error).toBe(
      'export_config_id required for YOLO jobs',
    );
    const res = await request(t.app)
      .post('/api/training/export-and-train')
      .send({ job_type: 'vibration', output_name: 'vib2' });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Exported 3 samples and submitted training job');
    const row = (await request(t.app).get(`/api/training/jobs/${res.body.job.job_id}`)).body.job;
    expect(row).toMatchObject({ job_type: 'bearing-fault', config: { model_type: 'default', epochs: 100 } });
  });

  it('serves Bull Board on /admin/queues', async () => {
    const res = await request(t.app).get('/admin/queues');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html');
  });
});

describe('Bull Board behind API_WRITE_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ API_WRITE_TOKEN: 'sesame' });
  });
  afterAll(() => t.close());

  it('needs the token as Bearer or Basic password', async () => {
    expect((await request(t.app).get('/admin/queues')).status).toBe(401);
    expect((await request(t.app).get('/admin/queues').set('Authorization', 'Bearer wrong')).status).toBe(401);
    expect((await request(t.app).get('/admin/queues').set('Authorization', 'Bearer sesame')).status).toBe(
      200,
    );
    const basic = Buffer.from('admin:sesame').toString('base64');
    const api = await request(t.app).get('/admin/queues/api/queues').set('Authorization', `Basic ${basic}`);
    expect(api.status).toBe(200);
    expect(api.body.queues.map((queue: { name: string }) => queue.name)).toEqual(
      expect.arrayContaining(['training', 'training-remote', 'exports']),
    );
  });
});

describe('training dispatch on the PostgreSQL queue backend (no REDIS_URL)', () => {
  let t: TestApp;
  let runner: JobRunner;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gt-training-pg-'));
    t = await startTestApp({ REDIS_URL: '', TRAINING_BACKEND: 'queue', EXPORTS_DIR: dir });
    runner = startTestRunner(t, t.context.services.training.processors);
  });
  afterAll(async () => {
    await runner.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dispatches to the remote queue and reports its counts', async () => {
    expect(t.context.queue.kind).toBe('postgres');
    const res = await request(t.app).post('/api/training/submit').send({ export_path: dir });
    let status = '';
    for (let i = 0; i < 200 && status !== 'queued'; i++) {
      status = (await request(t.app).get(`/api/training/jobs/${res.body.job_id}`)).body.job.status;
      if (status !== 'queued') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('queued');
    const counts = await request(t.app).get('/api/training/queue-status');
    expect(counts.body).toEqual({ success: true, queue_messages: 1, queue_in_flight: 0, dlq_messages: 0 });
  });
});
