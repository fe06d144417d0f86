import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, startTestRunner, type TestApp } from './harness';

/** Routes that wait on a job, with no worker running and with one; /api/health's worker report. */
describe('worker liveness', () => {
  let t: TestApp;
  let dir: string;
  let configId: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gt-workers-'));
    t = await startTestApp({ EXPORTS_DIR: dir, TRAINING_BACKEND: 'queue' });
    const { rows } = await t.context.db.pool.query<{ id: number }>(
      `INSERT INTO yolo_export_configs (config_name, class_mapping) VALUES ('c', '{"a": 0}') RETURNING id`,
    );
    configId = rows[0]!.id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const queued = async () =>
    (await Promise.all(t.context.jobs.queues().map((queue) => queue.count()))).reduce((a, b) => a + b, 0);

  it('without a worker: the waiting routes answer 503 with a JSON message, queue nothing; health says so', async () => {
    for (const [route, body] of [
      [`/api/yolo/configs/${configId}/export`, {}],
      ['/api/vibration/export', {}],
      ['/api/training/export-and-train', { job_type: 'yolo', export_config_id: configId }],
      ['/api/training/export-and-train', { job_type: 'vibration' }],
    ] as const) {
      const res = await request(t.app).post(route).send(body);
      expect({ route, status: res.status, body: res.body }).toEqual({
        route,
        status: 503,
        body: { success: false, error: expect.stringMatching(/^No worker is running for the "\w+" jobs/) },
      });
    }
    expect(await queued()).toBe(0);
    const health = await request(t.app).get('/api/health').expect(200);
    expect(health.body).toMatchObject({
      success: true,
      status: 'ok',
      workers: { ok: false, live: 0, queues: [] },
    });
  });

  it('input errors come first (400), before the worker check', async () => {
    const bad = await request(t.app).post(`/api/yolo/configs/${configId}/export`).send({ output_name: '' });
    expect(bad.status).toBe(400);
    const unknown = await request(t.app).post('/api/yolo/configs/999999/export').send({});
    expect(unknown.status).toBe(404);
    const missing = await request(t.app).post('/api/training/export-and-train').send({ job_type: 'yolo' });
    expect(missing.status).toBe(400);
    expect(await queued()).toBe(0);
  });

  it('with a worker: health reports it and its queues, and the export runs', async () => {
    const { yolo, vibration, training } = t.context.services;
    const runner = startTestRunner(t, {
      ...yolo.processors,
      ...vibration.processors,
      ...training.processors,
    });
    try {
      await runner.firstHeartbeat;
      const health = await request(t.app).get('/api/health').expect(200);
      expect(health.body.workers).toEqual({
        ok: true,
        live: 1,
        queues: expect.arrayContaining(['exports', 'training']),
      });
      const res = await request(t.app).post(`/api/yolo/configs/${configId}/export`).send({});
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
    } finally {
      await runner.close();
    }
    expect((await request(t.app).get('/api/health')).body.workers).toMatchObject({ ok: false, live: 0 });
  });
});
