import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { installFakeYtDlp } from '@groundtruth/domain/testing/fake-yt-dlp';
import { startTestApp, type TestApp } from './harness';

describe('media files, UI pages, system status', () => {
  let t: TestApp;
  let root: string;
  const video = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gt-media-'));
    const dirs = ['downloads/sub', 'thumbnails', 'web/templates', 'web/static/js'];
    await Promise.all(dirs.map((dir) => mkdir(path.join(root, dir), { recursive: true })));
    await writeFile(path.join(root, 'downloads', 'My Boat video.mp4'), video);
    await writeFile(path.join(root, 'downloads', 'sub', 'clip.webm'), 'webm');
    await writeFile(path.join(root, 'downloads', '.hidden.mp4'), 'x');
    await writeFile(path.join(root, 'secret.txt'), 'secret');
    await writeFile(path.join(root, 'thumbnails', 'x.jpg'), 'jpeg');
    await writeFile(path.join(root, 'web', 'templates', 'index.html'), '<h1>index</h1>');
    await writeFile(path.join(root, 'web', 'templates', 'annotate.html'), '<h1>annotate</h1>');
    await writeFile(path.join(root, 'web', 'templates', 'tag_manager.html'), '<h1>tags</h1>');
    await writeFile(path.join(root, 'web', 'static', 'js', 'app.js'), 'console.log(1)');
    t = await startTestApp({
      DOWNLOADS_DIR: path.join(root, 'downloads'),
      THUMBNAILS_DIR: path.join(root, 'thumbnails'),
      WEB_DIR: path.join(root, 'web'),
    });
  });
  afterAll(async () => {
    await t.close();
    await rm(root, { recursive: true, force: true });
  });

  describe('/downloads and /thumbnails', () => {
    it('serves a whole file with its content type', async () => {
      const res = await request(t.app).get('/downloads/My%20Boat%20video.mp4').buffer(true).expect(200);
      expect(res.headers['content-type']).toBe('video/mp4');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['content-disposition']).toBe('inline');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(Buffer.from(res.body as Buffer)).toEqual(video);
      const thumb = await request(t.app).get('/thumbnails/x.jpg').expect(200);
      expect(thumb.headers['content-type']).toBe('image/jpeg');
      await request(t.app).get('/downloads/sub/clip.webm').expect(200).expect('content-type', 'video/webm');
    });

    it('answers a Range request with 206 Partial Content (video seeking)', async () => {
      const res = await request(t.app)
        .get('/downloads/My%20Boat%20video.mp4')
        .set('Range', 'bytes=100-199')
        .buffer(true)
        .expect(206);
      expect(res.headers['content-range']).toBe('bytes 100-199/1000');
      expect(res.headers['content-length']).toBe('100');
      expect(Buffer.from(res.body as Buffer)).toEqual(video.subarray(100, 200));
      const tail = await request(t.app)
        .get('/downloads/My%20Boat%20video.mp4')
        .set('Range', 'bytes=990-')
        .expect(206);
      expect(tail.headers['content-range']).toBe('bytes 990-999/1000');
      await request(t.app).get('/downloads/My%20Boat%20video.mp4').set('Range', 'bytes=5000-').expect(416);
    });

    it('finds legacy absolute filenames by their basename inside the folder', async () => {
      const res = await request(t.app)
        .get('/downloads//var/www/html/groundtruth-studio/downloads/My%20Boat%20video.mp4')
        .set('Range', 'bytes=0-9')
        .expect(206);
      expect(res.headers['content-range']).toBe('bytes 0-9/1000');
      await request(t.app).get('/downloads//etc/passwd').expect(404);
    });

    it('revalidates with ETag (304) and answers HEAD', async () => {
      const first = await request(t.app).get('/thumbnails/x.jpg').expect(200);
      await request(t.app).get('/thumbnails/x.jpg').set('If-None-Match', first.headers.etag!).expect(304);
      const head = await request(t.app).head('/downloads/My%20Boat%20video.mp4').expect(200);
      expect(head.headers['content-length']).toBe('1000');
    });

    it('never leaves the folder and hides dotfiles and missing files behind a JSON 404', async () => {
      for (const url of [
        '/downloads/../secret.txt',
        '/downloads/%2e%2e/secret.txt',
        '/downloads/sub/..%2f..%2fsecret.txt',
        '/downloads/.hidden.mp4',
        '/downloads/nope.mp4',
        '/thumbnails/',
      ]) {
        const res = await request(t.app).get(url);
        expect([url, res.status]).toEqual([url, 404]);
        expect(res.body.success).toBe(false);
        expect(res.text).not.toContain('secret');
      }
    });
  });

  describe('UI pages from WEB_DIR', () => {
    it('serves the page routes from templates/ without caching', async () => {
      const index = await request(t.app).get('/').expect(200);
      expect(index.headers['content-type']).toMatch(/text\/html/);
      expect(index.headers['cache-control']).toBe('no-cache');
      expect(index.text).toBe('<h1>index</h1>');
      expect((await request(t.app).get('/annotate?id=3').expect(200)).text).toBe('<h1>annotate</h1>');
      expect((await request(t.app).get('/tag-manager').expect(200)).text).toBe('<h1>tags</h1>');
      await request(t.app).get('/yolo-export').expect(404); // its file is missing in this WEB_DIR
    });

    it('serves /static with caching headers', async () => {
      const res = await request(t.app).get('/static/js/app.js').expect(200);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      expect(res.headers.etag).toBeDefined();
      await request(t.app).get('/static/../templates/index.html').expect(404);
      await request(t.app).get('/static/js/missing.js').expect(404);
    });
  });

  it('reports whether yt-dlp and ffmpeg are installed, and the path and version each resolved to', async () => {
    const res = await request(t.app).get('/api/system/status').expect(200);
    const tool = (name: string, source: string, available: boolean) => ({
      name,
      path: expect.any(String),
      source,
      available,
      version: available ? expect.any(String) : null,
    });
    expect(res.body).toEqual({
      success: true,
      yt_dlp_installed: false,
      // the binaries shipped in the npm packages: no system ffmpeg needed
      ffmpeg_installed: true,
      tools: {
        yt_dlp: tool('yt-dlp', 'path', false),
        ffmpeg: tool('ffmpeg', 'npm', true),
        ffprobe: tool('ffprobe', 'npm', true),
      },
    });
    expect(res.body.tools.ffmpeg).toMatchObject({
      available: true,
      version: expect.stringMatching(/^ffmpeg version/),
    });
    expect(res.body.tools.ffprobe.path).toMatch(/node_modules.*ffprobe$/);
  });

  it('checks the yt-dlp that YT_DLP_PATH names, not the literal name', async () => {
    const ytDlp = installFakeYtDlp(path.join(root, 'bin'), path.join(root, 'secret.txt'));
    const other = await startTestApp({ YT_DLP_PATH: ytDlp });
    try {
      const res = await request(other.app).get('/api/system/status').expect(200);
      expect(res.body.yt_dlp_installed).toBe(true);
      expect(res.body.tools.yt_dlp).toEqual({
        name: 'yt-dlp',
        path: ytDlp,
        source: 'env',
        available: true,
        version: '2026.01.01',
      });
    } finally {
      await other.close();
    }
  });

  it('documents the media routes in the OpenAPI document', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/downloads/{path}', '/thumbnails/{path}']),
    );
  });
});
