import request from 'supertest';
import { z } from 'zod';
import { ApiRouter, CHECK_RESPONSES, ROUTE_SPECS, type RouteSpec } from '../src/route';
import { startTestApp, type TestApp } from './harness';

/** Routes whose answer is a file or a page, not JSON: they have no response schema to check. */
const NOT_JSON_TAGS = new Set(['media', 'pages']);

describe('declared response schemas', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('every JSON route declares the schema its answers are parsed through', () => {
    const specs = t.app.locals[ROUTE_SPECS] as RouteSpec[];
    expect(specs.length).toBeGreaterThan(80);
    const undeclared = specs
      .filter((spec) => !NOT_JSON_TAGS.has(spec.tag) && !spec.response)
      .map((spec) => `${spec.method.toUpperCase()} ${spec.path}`);
    expect(undeclared).toEqual([]);
  });

  it('an answer outside its declared schema fails loudly outside production, and is sent as is in production', async () => {
    const drifted = new ApiRouter().route(
      {
        method: 'get',
        path: '/drift',
        tag: 'test',
        summary: 'answers a string where its schema says number',
        response: z.object({ success: z.literal(true), count: z.number() }),
      },
      () => ({ success: true, count: 'three' }),
    );
    const app = (await import('express')).default();
    app.set(CHECK_RESPONSES, true);
    app.use(drifted.router);
    const { errorHandler } = await import('../src/errors');
    app.use(errorHandler);
    await request(app).get('/drift').expect(500);
    app.set(CHECK_RESPONSES, false);
    expect((await request(app).get('/drift').expect(200)).body).toEqual({ success: true, count: 'three' });
  });
});
