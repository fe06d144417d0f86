import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from './harness';

type Operation = {
  parameters: { name: string; in: string }[];
  requestBody?: {
    required: boolean;
    content: Record<string, { schema: { properties?: Record<string, unknown> } }>;
  };
};

describe('the OpenAPI document', () => {
  let t: TestApp;
  let dir: string;
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gt-openapi-'));
    mkdirSync(path.join(dir, 'static'));
    t = await startTestApp({ WEB_DIR: dir });
    paths = (await request(t.app).get('/api/openapi.json').expect(200)).body.paths;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every path parameter as {name} and declares each of them', () => {
    for (const [route, operations] of Object.entries(paths)) {
      expect(route).not.toMatch(/[:*]/);
      const names = [...route.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const operation of Object.values(operations)) {
        const declared = operation.parameters.filter((p) => p.in === 'path').map((p) => p.name);
        expect({ route, declared: declared.sort() }).toEqual({ route, declared: [...names].sort() });
      }
    }
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/downloads/{path}', '/thumbnails/{path}']));
  });

  it('lists the paths served outside the route modules: static, health, the docs, Bull Board', () => {
    for (const route of [
      '/static/{path}',
      '/api/health',
      '/api/docs',
      '/api/openapi.json',
      '/admin/queues',
    ]) {
      expect(paths[route]?.get).toBeDefined();
    }
  });

  it('documents the bodies the handlers read themselves', () => {
    const upload = paths['/api/upload']!.post!.requestBody!;
    expect(upload.content['multipart/form-data']!.schema.properties).toEqual(
      expect.objectContaining({
        file: expect.objectContaining({ format: 'binary' }),
        title: expect.anything(),
      }),
    );
    for (const route of [
      '/api/sync/ecoeye/alerts',
      '/api/sync/ecoeye/videos',
      '/api/yolo/configs/{config_id}/export',
      '/api/training/jobs/{job_id}/complete',
      '/api/training/jobs/{job_id}/fail',
    ]) {
      const body = paths[route]!.post!.requestBody;
      expect({
        route,
        optional: body?.required === false,
        json: Boolean(body?.content['application/json']),
      }).toEqual({
        route,
        optional: true,
        json: true,
      });
    }
    expect(paths['/api/videos/{videoId}/tags']!.post!.requestBody!.required).toBe(true);
  });
});
