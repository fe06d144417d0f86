import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { deepJson } from './fuzz/arbitraries';
import { findUnsafeInput, jsonNestsDeeperThan, MAX_JSON_DEPTH } from '@groundtruth/domain';
import { toHttpError } from '../src/errors';
import { loadLegacyFixture } from './fixture';
import { startTestApp, startTestRunner, type TestApp } from './harness';

/** One example per class of hostile input the fuzz suite found (test/fuzz.test.ts generates the rest). */
describe('hostile input: a 4xx in the envelope, never a 500', () => {
  let t: TestApp;
  let annotationId: number;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gt-hostile-'));
    t = await startTestApp({
      DOWNLOADS_DIR: path.join(dir, 'downloads'),
      THUMBNAILS_DIR: path.join(dir, 'thumbnails'),
      EXPORTS_DIR: path.join(dir, 'exports'),
    });
    await loadLegacyFixture(t.context.db.pool);
    const { rows } = await t.context.db.pool.query<{ id: number }>(
      'SELECT id FROM keyframe_annotations ORDER BY id LIMIT 1',
    );
    annotationId = rows[0]!.id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectError = (res: request.Response, status: number, text: RegExp | string) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ success: false, error: expect.stringMatching(text) });
  };

  it('refuses a NUL byte in a path, a query, a body and a nested JSON value, naming the field', async () => {
    expectError(await request(t.app).get('/api/tag-groups/a%00b'), 400, /^params\.groupName: .*NUL/);
    expectError(await request(t.app).get('/api/videos?search=%00'), 400, /^query\.search: .*NUL/);
    expectError(
      await request(t.app).post('/api/tag-suggestions').send({ category: 'a\u0000', tag_text: 'x' }),
      400,
      /^category and tag_text required: body\.category: .*NUL/,
    );
    expectError(
      await request(t.app)
        .post(`/api/annotations/${annotationId}/tags`)
        .send({ annotation_type: 'keyframe', tags: { weather: { inner: ['ok', 'x\u0000'] } } }),
      400,
      /^body\.tags\.weather\.inner\.1: .*NUL/,
    );
    expectError(await request(t.app).post('/api/training/jobs/%00/fail').send({}), 400, /params\.job_id/);
  });

  it('refuses lone surrogates (the EcoEye relay routes encoded them into a URIError)', async () => {
    expectError(
      await request(t.app).post('/api/ecoeye/sync-sample').send({ event_id: '\ud800' }),
      400,
      /^event_id required: body\.event_id: .*surrogate/,
    );
    // invalid UTF-8 in a query decodes to U+FFFD (no surrogate reaches the code)
    expect((await request(t.app).get('/api/videos?search=%ED%A0%80')).status).toBe(200);
    expect(findUnsafeInput({ ok: '\ud83d\ude00' }, 'body')).toBeUndefined(); // a pair is fine
  });

  it('answers 404 for int path params that do not fit, as Flask matched no route', async () => {
    for (const id of ['0x10', '1e3', '%2B1', '%0A', '-1', 'abc', '2147483648', '99999999999999999999']) {
      const res = await request(t.app).get(`/api/videos/${id}`);
      expectError(res, 404, /^Not found: params\.videoId/);
    }
    expectError(await request(t.app).get('/api/yolo/configs/2147483648/preview'), 404, /params\.config_id/);
    expectError(await request(t.app).get('/api/training/jobs?limit=0x10'), 400, /query\.limit/);
    expectError(await request(t.app).get('/api/training/jobs?offset=1e3'), 400, /query\.offset/);
  });

  it('bounds text bound for indexed columns; a PostgreSQL limit error is a 400 too', async () => {
    expectError(
      await request(t.app)
        .post('/api/videos/1/tags')
        .send({ tag: 'x'.repeat(1024 * 1024) }),
      400,
      /^Tag required: body\.tag: at most/,
    );
    expect(
      toHttpError(Object.assign(new Error('index row too large'), { code: '54000', severity: 'ERROR' })),
    ).toMatchObject({ status: 400 });
  });

  it('maps client SQLSTATEs to 400/409, from node-postgres and through Prisma’s driver adapter', async () => {
    const pgError = (code: string) => Object.assign(new Error(code), { code, severity: 'ERROR' });
    for (const code of ['22021', '22P05', '22003', '22P02', '22001', '54000', '23503', '23502']) {
      expect(toHttpError(pgError(code)).status).toBe(400);
    }
    expect(toHttpError(pgError('23505')).status).toBe(409);
    const viaPrisma = Object.assign(new Error('raw query failed'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: '22021', kind: 'postgres' } } },
    });
    expect(toHttpError(viaPrisma).status).toBe(400);
    expect(toHttpError(pgError('57014')).status).toBe(500); // a statement timeout is the server's
    const unfit = Object.assign(
      new Error('Unable to fit value 1e+308 into a 64-bit signed integer for field `bboxY`'),
      {
        name: 'PrismaClientValidationError',
      },
    );
    expect(toHttpError(unfit)).toMatchObject({
      status: 400,
      message: 'Invalid value: out of range for bboxY',
    });
    expect(
      toHttpError(
        Object.assign(new Error('Argument `x` is missing.'), { name: 'PrismaClientValidationError' }),
      ).status,
    ).toBe(500);
    // boxes are DOUBLE PRECISION: 1e308 fits; 1e400 parses to Infinity, which no column holds
    const huge = await request(t.app)
      .put(`/api/keyframe-annotations/${annotationId}`)
      .type('json')
      .send('{"bbox_y": 1e400}');
    expect(huge.status).toBe(400);
  });

  it('refuses JSON nested deeper than the bound before parsing, counting no brackets inside strings', async () => {
    expectError(
      await request(t.app).post('/api/videos/1/tags').type('json').send(deepJson(5000)),
      400,
      /nested deeper than/,
    );
    expectError(
      await request(t.app)
        .post(`/api/annotations/${annotationId}/tags`)
        .type('json')
        .send(`{"annotation_type":"keyframe","tags":{"weather":${deepJson(5000)}}}`),
      400,
      /nested deeper than/,
    );
    const text = (s: string) => new TextEncoder().encode(s);
    expect(jsonNestsDeeperThan(text(deepJson(MAX_JSON_DEPTH / 2)), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonNestsDeeperThan(text(deepJson(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonNestsDeeperThan(text(`{"a":"${'['.repeat(100)}\\"["}`), 3)).toBe(false);
    expect(findUnsafeInput(JSON.parse(deepJson(MAX_JSON_DEPTH)), 'body')).toMatch(/nested deeper/);
  });

  it('answers malformed multipart with 400 "No file provided"', async () => {
    const post = (contentType: string, body: string) =>
      request(t.app).post('/api/upload').set('Content-Type', contentType).send(body);
    const boundary = 'b0undary';
    const filePart = (name: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\nabc\r\n`;
    expectError(await post('multipart/form-data', filePart('a.mp4')), 400, /^No file provided/);
    expectError(
      await post(`multipart/form-data; boundary=${boundary}`, filePart('a.mp4')),
      400,
      /^No file provided: malformed/,
    );
    expectError(
      await post(
        `multipart/form-data; boundary=${boundary}`,
        `--${boundary}\r\nnot a header\r\n\r\nx\r\n--${boundary}--`,
      ),
      400,
      /^No file provided/,
    );
    const nulName = await post(
      `multipart/form-data; boundary=${boundary}`,
      `${filePart('a\u0000.mp4')}--${boundary}--\r\n`,
    );
    expectError(nulName, 400, /^No file provided: malformed/); // busboy refuses a raw NUL in a header
    const encodedNul = await post(
      `multipart/form-data; boundary=${boundary}`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''a%00.mp4\r\n\r\nabc\r\n--${boundary}--\r\n`,
    );
    expectError(encodedNul, 400, /^file\.filename: .*NUL/);
    const nulTitle = await post(
      `multipart/form-data; boundary=${boundary}`,
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\na\u0000b\r\n${filePart('a.mp4')}--${boundary}--\r\n`,
    );
    expectError(nulTitle, 400, /^body\.title: .*NUL/);
    expect(readdirSync(path.join(dir, 'downloads'))).toEqual([]); // no temp file stays behind
  });

  it('leads with the contract error text where api.md gives one, the field details after it', async () => {
    const cases: [string, string, object, string][] = [
      ['post', '/api/videos/1/tags', { tag: 5 }, 'Tag required'],
      [
        'post',
        '/api/videos/1/time-range-tags',
        { tag_name: 'a', start_time: 'x' },
        'tag_name and start_time required',
      ],
      ['post', '/api/videos/1/keyframe-annotations', { timestamp: 'x' }, 'Missing required fields'],
      ['post', '/api/tag-suggestions', { category: 5 }, 'category and tag_text required'],
      ['post', '/api/yolo/configs', {}, 'Missing required fields'],
      ['post', '/api/person-detections/assign-name', {}, 'Missing required fields'],
      ['post', '/api/person-detections/unassign-name', { detection_ids: 'x' }, 'No detection IDs provided'],
      ['post', '/api/camera-topology/suggest-links', {}, 'person_name required'],
      ['post', '/api/download', { url: 5 }, 'URL required'],
      ['post', '/api/sync/ecoeye/config', { api_key: 5 }, 'API key and secret required'],
      ['get', '/api/tag-values/recent', {}, 'tag_name required'],
      ['get', `/api/annotations/1/tags`, {}, 'annotation_type required'],
      ['post', `/api/annotations/1/tags`, { annotation_type: 'zz' }, 'Invalid annotation_type'],
    ];
    for (const [method, path, body, text] of cases) {
      const res =
        method === 'get' ? await request(t.app).get(path) : await request(t.app).post(path).send(body);
      expect({ path, status: res.status, error: res.body.error as string }).toEqual({
        path,
        status: 400,
        error: expect.stringMatching(new RegExp(`^${text}(: |$)`)),
      });
    }
    expect((await request(t.app).post('/api/videos/1/tags').send({})).body.error).toBe(
      'Tag required: body.tag',
    );
  });

  it('answers 415 for a JSON route sent another Content-Type, 405 for another method on a known path', async () => {
    expectError(
      await request(t.app).post('/api/videos/1/tags').type('text').send('{"tag":"x"}'),
      415,
      /^Unsupported Media Type/,
    );
    expectError(
      await request(t.app).post('/api/videos/1/tags').type('form').send({ tag: 'x' }),
      415,
      /Unsupported Media Type/,
    );
    const wrongMethod = await request(t.app).delete('/api/tags');
    expectError(wrongMethod, 405, /^Method Not Allowed/);
    expect(wrongMethod.headers.allow).toBe('GET, HEAD');
    expectError(await request(t.app).put('/api/videos/abc'), 404, /params\.videoId/);
    expectError(await request(t.app).get('/api/no-such-route'), 404, /^Not found/);
  });

  it('training/submit with an unknown or out-of-range export_config_id is a 404 or 400, not a foreign-key 500', async () => {
    expectError(
      await request(t.app).post('/api/training/submit').send({ export_config_id: 999999 }),
      404,
      /Export configuration 999999 not found/,
    );
    expectError(
      await request(t.app)
        .post('/api/training/submit')
        .send({ export_config_id: 2 ** 31 }),
      400,
      /body\.export_config_id/,
    );
  });

  it('a stored filter value outside INTEGER makes a YOLO export select nothing, not fail', async () => {
    const runner = startTestRunner(t);
    try {
      const created = await request(t.app)
        .post('/api/yolo/configs')
        .send({ config_name: 'hostile', class_mapping: { walking: 0 } })
        .expect(200);
      const configId = created.body.config_id as number;
      for (const value of ['1e10', '99999999999999999999', '-5']) {
        await request(t.app)
          .post(`/api/yolo/configs/${configId}/filters`)
          .send({ filter_type: 'video_id', filter_value: value })
          .expect(200);
      }
      const exported = await request(t.app).post(`/api/yolo/configs/${configId}/export`).send({});
      expect(exported.status).toBe(200);
      expect(exported.body).toMatchObject({ success: true, video_count: 0 });
    } finally {
      await runner.close();
    }
  });
});
