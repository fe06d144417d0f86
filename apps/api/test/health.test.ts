import request from 'supertest';
import { startTestApp, type TestApp } from './harness';

describe('GET /api/health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ API_WRITE_TOKEN: 'sekret' });
  });
  afterAll(() => t.close());

  it('reports the database and the queue backend', async () => {
    const res = await request(t.app).get('/api/health').expect(200);
    expect(res.body).toMatchObject({
      success: true,
      status: 'ok',
      database: { ok: true },
      queue: { ok: true, backend: 'redis' },
    });
  });

  it('without WEB_DIR, / is a welcome page with the links and first steps, not a 404', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    for (const link of ['href="/api/docs"', 'href="/api/health"', 'href="/admin/queues"']) {
      expect(res.text).toContain(link);
    }
    expect(res.text).toContain('WEB_DIR');
    expect(res.text).toContain('pnpm migrate /path/to/video_archive.db');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await request(t.app).get('/api/nope').expect(404);
    expect(res.body).toEqual({ success: false, error: 'Not found: GET /api/nope' });
  });

  it('answers malformed JSON with a JSON 400', async () => {
    const res = await request(t.app)
      .post('/api/nope')
      .set('authorization', 'Bearer sekret')
      .set('content-type', 'application/json')
      .send('{"broken"');
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
  });

  it('requires the write token on mutating routes when API_WRITE_TOKEN is set', async () => {
    const res = await request(t.app).post('/api/anything').send({}).expect(401);
    expect(res.body.error).toMatch(/bearer token/);
  });
});
