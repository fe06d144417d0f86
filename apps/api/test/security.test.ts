import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from './harness';

describe('security', () => {
  let dir: string;
  let outside: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gt-security-'));
    outside = path.join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    for (const folder of ['downloads', 'thumbnails', 'exports', 'web/static', 'web/templates']) {
      mkdirSync(path.join(dir, folder), { recursive: true });
    }
    writeFileSync(path.join(dir, 'thumbnails', 'ok.jpg'), 'jpeg');
    writeFileSync(path.join(dir, 'web', 'static', 'app.js'), 'js');
    writeFileSync(path.join(dir, 'web', 'templates', 'index.html'), '<html>');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'thumbnails', 'leak.jpg'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'downloads', 'leak.mp4'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'web', 'static', 'leak.js'));
    symlinkSync(outside, path.join(dir, 'exports', 'linked-out'));
    mkdirSync(path.join(dir, 'exports', 'run-1'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('without API_WRITE_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        DOWNLOADS_DIR: path.join(dir, 'downloads'),
        THUMBNAILS_DIR: path.join(dir, 'thumbnails'),
        EXPORTS_DIR: path.join(dir, 'exports'),
        WEB_DIR: path.join(dir, 'web'),
        API_BODY_TIMEOUT_MS: '300',
      });
    });
    afterAll(() => t.close());

    it('refuses cross-site browser writes (Sec-Fetch-Site, Origin), Bull Board included', async () => {
      const write = () => request(t.app).post('/api/tag-suggestions/seed');
      const crossSite = await write().set('Sec-Fetch-Site', 'cross-site');
      expect(crossSite.status).toBe(403);
      expect(crossSite.body).toEqual({
        success: false,
        error: expect.stringMatching(/^Cross-site write refused/),
      });
      expect((await write().set('Sec-Fetch-Site', 'same-site')).status).toBe(403);
      expect((await write().set('Origin', 'https://evil.example')).status).toBe(403);
      expect((await write().set('Origin', 'null')).status).toBe(403);
      // a form POST and a "simple" multipart upload from another page
      expect(
        (
          await request(t.app)
            .post('/api/upload')
            .set('Origin', 'https://evil.example')
            .attach('file', Buffer.from('x'), 'a.mp4')
        ).status,
      ).toBe(403);
      expect(
        (await request(t.app).put('/admin/queues/api/queues/pause').set('Sec-Fetch-Site', 'cross-site'))
          .status,
      ).toBe(403);
      // reads stay open; same-origin pages, curl and the training worker (no such headers) still write
      expect((await request(t.app).get('/api/tags').set('Sec-Fetch-Site', 'cross-site')).status).toBe(200);
      expect((await write().set('Sec-Fetch-Site', 'same-origin')).status).toBe(200);
      const host = '127.0.0.1:5000';
      expect((await write().set('Host', host).set('Origin', `http://${host}`)).status).toBe(200);
      expect((await write()).status).toBe(200);
    });

    it('serves no symlink that points out of the media, static and page folders', async () => {
      await request(t.app).get('/thumbnails/ok.jpg').expect(200);
      expect((await request(t.app).get('/thumbnails/leak.jpg')).status).toBe(404);
      expect((await request(t.app).get('/downloads/leak.mp4')).status).toBe(404);
      await request(t.app).get('/static/app.js').expect(200);
      const leak = await request(t.app).get('/static/leak.js');
      expect(leak.status).toBe(404);
      expect(leak.text).not.toContain('secret');
      await request(t.app).get('/').expect(200);
    });

    it('confines training/submit export_path to EXPORTS_DIR and answers outside and missing alike', async () => {
      const submit = (exportPath: string) =>
        request(t.app).post('/api/training/submit').send({ export_path: exportPath });
      const answers = await Promise.all(
        ['/etc', '/root/.ssh', '/no/such/folder', path.join(dir, 'exports', 'linked-out'), '../outside'].map(
          submit,
        ),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(answer.body.error).toMatch(/^Export path not found: /);
      }
      const inside = await submit(path.join(dir, 'exports', 'run-1'));
      expect(inside.status).toBe(200);
      expect((await submit('run-1')).status).toBe(200); // relative to EXPORTS_DIR
    });

    it('answers 408 to a body that does not arrive in time', async () => {
      const server = t.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const answer = await new Promise<string>((resolve) => {
          const socket = net.connect(port, '127.0.0.1', () => {
            socket.write(
              'POST /api/tag-suggestions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
                'Content-Length: 100\r\n\r\n{"category":',
            );
          });
          let text = '';
          socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
          socket.on('close', () => resolve(text));
        });
        expect(answer).toMatch(/^HTTP\/1\.1 408/);
        expect(answer).toContain('"error":"Request Timeout');
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('with API_WRITE_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ API_WRITE_TOKEN: 'sesame' });
    });
    afterAll(() => t.close());

    it('checks the token before reading the body', async () => {
      const unparsable = await request(t.app).post('/api/tag-suggestions').type('json').send('{"a":');
      expect(unparsable.status).toBe(401);
      const deep = await request(t.app)
        .post('/api/tag-suggestions')
        .type('json')
        .send(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
      expect(deep.status).toBe(401);
      const authorized = await request(t.app)
        .post('/api/tag-suggestions')
        .set('Authorization', 'Bearer sesame')
        .type('json')
        .send('{"a":');
      expect(authorized.status).toBe(400);
    });

    it('takes Bull Board Basic credentials only as user:password', async () => {
      const basic = (credential: string) =>
        request(t.app)
          .get('/admin/queues/api/queues')
          .set('Authorization', `Basic ${Buffer.from(credential).toString('base64')}`);
      expect((await basic('sesame')).status).toBe(401);
      expect((await basic('admin:sesame')).status).toBe(200);
      expect((await basic(':sesame')).status).toBe(200);
      expect((await basic('admin:wrong')).status).toBe(401);
    });
  });
});
