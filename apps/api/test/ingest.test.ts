import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { makeTestVideo } from '@groundtruth/media/testing';
import { installFakeYtDlp } from '@groundtruth/domain/testing/fake-yt-dlp';
import { startTestApp, type TestApp } from './harness';

describe('video ingest: upload, URL downloads as jobs, URL info', () => {
  let harness: TestApp;
  let media: string;
  let videoFile: string;

  beforeAll(async () => {
    media = mkdtempSync(path.join(tmpdir(), 'ingest-api-'));
    videoFile = makeTestVideo(path.join(media, 'clip source.mp4'));
    const ytDlp = installFakeYtDlp(path.join(media, 'bin'), videoFile);
    harness = await startTestApp({
      DOWNLOADS_DIR: path.join(media, 'downloads'),
      THUMBNAILS_DIR: path.join(media, 'thumbnails'),
      YT_DLP_PATH: ytDlp,
    });
  });

  afterAll(async () => {
    await harness?.close();
    rmSync(media, { recursive: true, force: true });
  });

  const api = () => request(harness.app);
  const downloads = () => path.join(media, 'downloads');

  describe('POST /api/upload', () => {
    it('stores the file under a safe unique name with metadata, BIGINT size and a thumbnail', async () => {
      const first = await api()
        .post('/api/upload')
        .field('notes', 'from the dock')
        .attach('file', videoFile, 'Clip ä 1.MP4');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ success: true, video_id: expect.any(Number), filename: 'Clip_a_1.MP4' });
      const second = await api()
        .post('/api/upload')
        .field('title', 'Second')
        .attach('file', videoFile, 'Clip ä 1.MP4');
      expect(second.body.filename).toBe('Clip_a_1_1.MP4');

      const row = await harness.context.db.prisma.video.findUniqueOrThrow({
        where: { id: first.body.video_id },
      });
      expect(row).toMatchObject({
        filename: 'Clip_a_1.MP4',
        title: 'Clip_a_1.MP4',
        notes: 'from the dock',
        originalUrl: null,
        width: 64,
        height: 48,
      });
      expect(typeof row.fileSize).toBe('bigint');
      expect(Number(row.fileSize)).toBe(statSync(videoFile).size);
      expect(row.duration).toBeCloseTo(2, 0);
      expect(row.thumbnailPath).toBe(path.join(media, 'thumbnails', 'Clip_a_1.jpg'));
      expect(existsSync(row.thumbnailPath!)).toBe(true);
      const secondRow = await harness.context.db.prisma.video.findUniqueOrThrow({
        where: { id: second.body.video_id },
      });
      expect(secondRow.title).toBe('Second');
      expect(secondRow.notes).toBe('');
    });

    it('rejects a missing file, a wrong type and a wrong field, leaving no temp files', async () => {
      const none = await api().post('/api/upload').field('notes', 'x');
      expect(none.status).toBe(400);
      expect(none.body).toEqual({ success: false, error: 'No file provided' });
      const wrongType = await api().post('/api/upload').attach('file', Buffer.from('hello'), 'notes.txt');
      expect(wrongType.status).toBe(400);
      expect(wrongType.body).toEqual({ success: false, error: 'Invalid file type' });
      const wrongField = await api().post('/api/upload').attach('video', videoFile, 'a.mp4');
      expect(wrongField.status).toBe(400);
      expect(wrongField.body.error).toContain('video');
      expect(readdirSync(downloads()).filter((name) => name.startsWith('.upload-'))).toEqual([]);
    });

    it('gives concurrent uploads of one name distinct files, none overwritten', async () => {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          api()
            .post('/api/upload')
            .field('title', `race ${i}`)
            .attach('file', i % 2 ? videoFile : Buffer.from(`not a video ${i}`), 'Race.mp4'),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
      const names = answers.map((answer) => answer.body.filename as string);
      expect(new Set(names).size).toBe(6);
      for (const [i, answer] of answers.entries()) {
        const row = await harness.context.db.prisma.video.findUniqueOrThrow({
          where: { id: answer.body.video_id },
        });
        expect(row.title).toBe(`race ${i}`);
        expect(statSync(path.join(downloads(), row.filename)).size).toBe(
          i % 2 ? statSync(videoFile).size : `not a video ${i}`.length,
        );
      }
      expect(readdirSync(downloads()).filter((name) => name.startsWith('.upload-'))).toEqual([]);
    });

    it('leaves no temp file when the client hangs up mid-upload', async () => {
      mkdirSync(downloads(), { recursive: true });
      const server = http.createServer(harness.app).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
      try {
        const boundary = 'gt-boundary';
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write(
          `POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
            `Content-Length: 10000000\r\n\r\n--${boundary}\r\n` +
            `Content-Disposition: form-data; name="file"; filename="cut.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
        );
        socket.write(Buffer.alloc(256 * 1024, 1));
        // The temp file exists while the body streams in …
        for (let i = 0; i < 200 && !readdirSync(downloads()).some((n) => n.startsWith('.upload-')); i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(readdirSync(downloads()).some((name) => name.startsWith('.upload-'))).toBe(true);
        socket.destroy();
        // … and is gone once the server saw the hang-up.
        for (let i = 0; i < 200 && readdirSync(downloads()).some((n) => n.startsWith('.upload-')); i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(readdirSync(downloads()).filter((name) => name.startsWith('.upload-'))).toEqual([]);
        expect(
          await harness.context.db.prisma.video.count({ where: { filename: { startsWith: 'cut' } } }),
        ).toBe(0);
      } finally {
        socket.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('removes the stored file and its thumbnail when the row cannot be written', async () => {
      const { pool } = harness.context.db;
      await pool.query(`CREATE FUNCTION refuse_video() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
      await pool.query(`CREATE TRIGGER refuse_video BEFORE INSERT ON videos FOR EACH ROW
        WHEN (NEW.title = 'refuse me') EXECUTE FUNCTION refuse_video()`);
      try {
        const before = readdirSync(downloads()).sort();
        const thumbnails = readdirSync(path.join(media, 'thumbnails')).sort();
        const response = await api()
          .post('/api/upload')
          .field('title', 'refuse me')
          .attach('file', videoFile, 'Doomed.mp4');
        expect(response.status).toBe(500);
        expect(readdirSync(downloads()).sort()).toEqual(before);
        expect(readdirSync(path.join(media, 'thumbnails')).sort()).toEqual(thumbnails);
        expect(
          await harness.context.db.prisma.video.count({ where: { filename: { startsWith: 'Doomed' } } }),
        ).toBe(0);
      } finally {
        await pool.query('DROP TRIGGER refuse_video ON videos');
        await pool.query('DROP FUNCTION refuse_video()');
      }
    });

    it('keeps the row null-safe when ffprobe cannot read the file', async () => {
      const junk = path.join(media, 'junk.webm');
      writeFileSync(junk, 'not a video');
      const response = await api().post('/api/upload').attach('file', junk, 'junk.webm');
      expect(response.status).toBe(200);
      const row = await harness.context.db.prisma.video.findUniqueOrThrow({
        where: { id: response.body.video_id },
      });
      expect(row).toMatchObject({ duration: null, width: null, height: null, thumbnailPath: null });
      expect(Number(row.fileSize)).toBe(11);
    });
  });

  describe('URL downloads', () => {
    it('requires a url', async () => {
      for (const url of ['/api/download', '/api/video-info']) {
        const response = await api().post(url).send({});
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ success: false, error: 'URL required' });
      }
    });

    it('queues a download job once per normalised URL and reports it', async () => {
      const accepted = await api()
        .post('/api/download')
        .send({ url: 'https://youtu.be/AbC123?utm_source=x' });
      expect(accepted.body).toEqual({
        success: true,
        queued: true,
        queue_position: 1,
        message: 'Added to download queue (position 1)',
      });
      const sameVideo = await api()
        .post('/api/download')
        .send({ url: 'https://www.youtube.com/watch?v=AbC123&feature=share#t=3' });
      expect(sameVideo.body).toEqual({
        success: false,
        in_progress: true,
        status: 'queued',
        message: 'Already queued',
      });
      const status = await api().get('/api/download/status');
      expect(status.body).toEqual({
        queue_size: 1,
        queued_items: [
          {
            url: 'https://youtu.be/AbC123?utm_source=x',
            normalized_url: 'https://www.youtube.com/watch?v=abc123',
            queued_at: expect.any(Number),
          },
        ],
        active_downloads: { 'https://www.youtube.com/watch?v=abc123': 'queued' },
        completed_count: 0,
      });
    });

    it('reports URLs already in the library as duplicates', async () => {
      const video = await harness.context.db.prisma.video.create({
        data: { filename: 'known.mp4', originalUrl: 'https://example.com/clip?id=7&utm_campaign=spring' },
      });
      const response = await api()
        .post('/api/download')
        .send({ url: 'HTTPS://EXAMPLE.com/clip?id=7&fbclid=abc' });
      expect(response.body).toEqual({
        success: false,
        duplicate: true,
        video_id: video.id,
        message: 'Video already downloaded',
      });
      // route 5: the duplicate joins the URL cache completed_count counts, once per URL
      const before = (await api().get('/api/download/status')).body.completed_count as number;
      await api().post('/api/download').send({ url: 'https://example.com/clip?id=7' });
      expect((await api().get('/api/download/status')).body.completed_count).toBe(before);
      await harness.context.db.prisma.video.create({
        data: { filename: 'known2.mp4', originalUrl: 'https://example.com/other' },
      });
      await api().post('/api/download').send({ url: 'https://example.com/other' });
      expect((await api().get('/api/download/status')).body.completed_count).toBe(before + 1);
    });

    it('answers a clear 503 when yt-dlp is not installed', async () => {
      const without = await startTestApp({ YT_DLP_PATH: path.join(media, 'missing', 'yt-dlp') });
      try {
        for (const url of ['/api/download', '/api/video-info']) {
          const response = await request(without.app).post(url).send({ url: 'https://example.com/v/9' });
          expect(response.status).toBe(503);
          expect(response.body).toEqual({
            success: false,
            error: 'yt-dlp is not installed on the server: URL downloads and URL info are unavailable',
          });
        }
      } finally {
        await without.close();
      }
    });

    it('returns URL info from yt-dlp, and its error text on failure', async () => {
      const ok = await api().post('/api/video-info').send({ url: 'https://example.com/v/1' });
      expect(ok.body).toEqual({
        success: true,
        info: {
          title: 'Fake clip',
          duration: 2,
          width: 64,
          height: 48,
          file_size: 4321,
          uploader: 'tester',
          thumbnail: 'http://127.0.0.1/t.jpg',
          description: 'A clip',
        },
      });
      const failed = await api().post('/api/video-info').send({ url: 'https://example.com/fail' });
      expect(failed.body).toEqual({
        success: false,
        error: 'ERROR: Unsupported URL: https://example.com/fail',
      });
    });
  });
});
