import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeTestVideo } from '@groundtruth/media/testing';
import request from 'supertest';
import { decryptSecret } from '@groundtruth/domain';
import {
  generateFakeEvents,
  startFakeEcoeye,
  type FakeEcoeye,
} from '@groundtruth/domain/testing/fake-ecoeye';
import {
  hasPythonCryptography,
  PYTHON_CRYPTOGRAPHY_MISSING,
  pythonFernetDecrypt,
} from '@groundtruth/domain/testing/python-fernet';
import { itIf } from '@groundtruth/jest-preset/conditional';
import { startTestApp, type TestApp } from './harness';

const SECRET = 'ecoeye-test-secret';
// Written by the legacy Python app with GROUNDTRUTH_ENCRYPTION_SECRET=default-secret-change-me.
const LEGACY_VALUE =
  'Z0FBQUFBQnJCdEs5by1YU19lcTAtLUl1RUFlMnYtTFY3WUcwV0pQdG4wbUdRcVAyZmNfRzFiVkF1blFqZG5sU1p5YUdlU3VaNW13cUREakZuSEdqbS00Q1Jjc0Z4WXZmQXc9PQ==';

describe('EcoEye sync, relay proxy and settings', () => {
  let fake: FakeEcoeye;
  let harness: TestApp;
  let media: string;

  beforeAll(async () => {
    media = mkdtempSync(path.join(tmpdir(), 'ecoeye-api-'));
    const videoFile = makeTestVideo(path.join(media, 'source.mp4'));
    fake = await startFakeEcoeye({ videoFile });
    harness = await startTestApp({
      ECOEYE_BASE_URL: fake.url,
      ECOEYE_API_KEY: 'relay-key',
      GROUNDTRUTH_ENCRYPTION_SECRET: SECRET,
      DOWNLOADS_DIR: path.join(media, 'downloads'),
      THUMBNAILS_DIR: path.join(media, 'thumbnails'),
    });
  });

  afterAll(async () => {
    await harness?.close();
    await fake?.close();
    rmSync(media, { recursive: true, force: true });
  });

  const api = () => request(harness.app);
  const prisma = () => harness.context.db.prisma;

  describe('settings', () => {
    it('requires credentials for test, sync, downloads and status', async () => {
      for (const [method, url] of [
        ['post', '/api/sync/ecoeye/test'],
        ['post', '/api/sync/ecoeye/alerts'],
        ['post', '/api/sync/ecoeye/videos'],
        ['get', '/api/sync/ecoeye/status'],
      ] as const) {
        const response = await api()[method](url);
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ success: false, error: 'EcoEye credentials not configured' });
      }
      const config = await api().get('/api/sync/ecoeye/config');
      expect(config.body).toEqual({
        success: true,
        configured: false,
        base_url: fake.url,
        sync_interval_minutes: 0,
      });
    });

    it('rejects missing credentials and a bad interval', async () => {
      const missing = await api().post('/api/sync/ecoeye/config').send({ api_key: 'k' });
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ success: false, error: 'API key and secret required' });
      const badInterval = await api()
        .post('/api/sync/ecoeye/config')
        .send({ api_key: 'k', api_secret: 's', sync_interval_minutes: -5 });
      expect(badInterval.status).toBe(400);
      expect(badInterval.body.error).toContain('sync_interval_minutes');
      expect(await prisma().syncConfig.count()).toBe(0);
    });

    it('reads credentials the legacy app wrote (other secret → not configured)', async () => {
      await prisma().syncConfig.createMany({
        data: [
          { configKey: 'ecoeye.api_key', configValue: LEGACY_VALUE, isEncrypted: true },
          { configKey: 'ecoeye.api_secret', configValue: LEGACY_VALUE, isEncrypted: true },
        ],
      });
      // Encrypted with the legacy default secret, read with this app's secret: not decryptable.
      expect((await api().get('/api/sync/ecoeye/config')).body.configured).toBe(false);
      await prisma().syncConfig.deleteMany();
    });

    it('stores credentials encrypted in the legacy format and schedules the sync', async () => {
      const saved = await api()
        .post('/api/sync/ecoeye/config')
        .send({ api_key: 'key-123456789', api_secret: 'secret-äbc', sync_interval_minutes: 15 });
      expect(saved.body).toEqual({ success: true, message: 'EcoEye credentials saved' });
      const rows = await prisma().syncConfig.findMany({ orderBy: { configKey: 'asc' } });
      const byKey = Object.fromEntries(rows.map((row) => [row.configKey, row]));
      expect(byKey['ecoeye.api_key']!.isEncrypted).toBe(true);
      expect(byKey['ecoeye.api_key']!.configValue).not.toContain('key-123456789');
      expect(decryptSecret(byKey['ecoeye.api_key']!.configValue!, SECRET)).toBe('key-123456789');
      expect(byKey['ecoeye.sync_interval_minutes']!.configValue).toBe('15');
      const config = await api().get('/api/sync/ecoeye/config');
      expect(config.body).toMatchObject({ configured: true, sync_interval_minutes: 15 });
      expect(JSON.stringify(config.body)).not.toContain('key-123456789');
      const schedulers = await harness.context.jobs.queue('ecoeye').getJobSchedulers();
      expect(schedulers).toEqual([expect.objectContaining({ key: 'ecoeye-alert-sync', every: 15 * 60_000 })]);
    });

    itIf(hasPythonCryptography(), PYTHON_CRYPTOGRAPHY_MISSING)(
      'stores credentials the legacy app decrypts (Python cryptography.Fernet)',
      async () => {
        const stored = await prisma().syncConfig.findUniqueOrThrow({
          where: { configKey: 'ecoeye.api_secret' },
        });
        expect(pythonFernetDecrypt(stored.configValue!, SECRET)).toBe('secret-äbc');
      },
    );

    it('tests the connection with GET /health, sending the stored key', async () => {
      const ok = await api().post('/api/sync/ecoeye/test');
      expect(ok.body).toMatchObject({ success: true, status: 'connected', api_version: '2.1.0' });
      expect(ok.body.message).toBe(`Successfully connected to ${new URL(fake.url).host}`);
      const health = fake.requests.filter((r) => r.path === '/health').pop()!;
      expect(health.headers['x-api-key']).toBe('key-123456789');
      fake.nextStatuses.push(404);
      const failed = await api().post('/api/sync/ecoeye/test');
      expect(failed.body).toMatchObject({ success: false, status: 'error' });
      expect(failed.body.message).toMatch(/^Failed to connect: /);
    });
  });

  describe('alert sync', () => {
    it('pages through all events, survives bad events and 429s, and records the run', async () => {
      const events = generateFakeEvents(1_250, { failureRate: 0.01 });
      // Zone-less and offset timestamps are compared as instants (§9 #9).
      events[1]!.timestamp = events[1]!.timestamp!.replace('Z', '').slice(0, 19);
      events[2]!.timestamp = '2001-01-01T00:00:00+02:00'; // outside the default 24 h window
      fake.events = events;
      fake.options.rateLimitEvery = 2;
      fake.nextStatuses.push(500);
      const response = await api().post('/api/sync/ecoeye/alerts').send({});
      expect(response.status).toBe(200);
      const bad = events.filter((event) => event.timestamp === 'not-a-time').length;
      expect(bad).toBeGreaterThan(5);
      expect(response.body).toMatchObject({
        success: true,
        total_synced: 1_250 - bad - 1,
        new_alerts: 1_250 - bad - 1,
        updated_alerts: 0,
        failed: bad,
        end_time: 'now',
      });
      // 24 h ago, naive with microseconds (§1.6), never Z/milliseconds
      expect(response.body.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
      expect(fake.counts.rateLimited).toBeGreaterThan(0);
      expect(await prisma().ecoeyeAlert.count()).toBe(1_250 - bad - 1);
      const alert = await prisma().ecoeyeAlert.findUniqueOrThrow({ where: { alertId: 'evt-000001' } });
      expect(alert).toMatchObject({
        cameraId: 'cam-1',
        alertType: 'motion',
        videoAvailable: true,
        confidence: 1,
      });
      expect(alert.timestamp).toBe(events[1]!.timestamp);
      expect((alert.metadata as { event_id: string }).event_id).toBe('evt-000001');

      const again = await api().post('/api/sync/ecoeye/alerts').send({});
      expect(again.body).toMatchObject({ new_alerts: 0, updated_alerts: 1_250 - bad - 1 });
      fake.options.rateLimitEvery = undefined;

      const history = await api().get('/api/sync/history?limit=5');
      expect(history.body.history[0]).toEqual({
        id: expect.any(Number),
        sync_type: 'ecoeye_alerts',
        status: 'completed',
        started_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        completed_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        items_processed: 1_250 - 1,
        items_succeeded: 1_250 - bad - 1,
        items_failed: bad,
        error_message: expect.stringContaining('timestamp'),
      });
    });

    it('honours an explicit window and rejects a bad one', async () => {
      const bad = await api().post('/api/sync/ecoeye/alerts').send({ start_time: 'yesterday' });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toContain('body.start_time');
      const old = await api()
        .post('/api/sync/ecoeye/alerts')
        .send({ start_time: '2000-12-31T00:00:00Z', end_time: '2001-01-02T00:00:00' });
      // naive, as Python's isoformat() (§1.6, route 65): no Z, microseconds only when there are any
      expect(old.body).toMatchObject({
        success: true,
        total_synced: 1,
        start_time: '2000-12-31T00:00:00',
        end_time: '2001-01-02T00:00:00',
      });
    });

    it('reports a relay that stays down as a failed run', async () => {
      fake.nextStatuses.push(404);
      const response = await api().post('/api/sync/ecoeye/alerts').send({});
      expect(response.body).toEqual({ success: false, error: 'EcoEye relay returned HTTP 404' });
      const [last] = (await api().get('/api/sync/history?limit=1')).body.history;
      expect(last).toMatchObject({ status: 'failed', error_message: 'EcoEye relay returned HTTP 404' });
    });

    it('lists alerts and reports the status', async () => {
      const list = await api().get('/api/sync/ecoeye/alerts/list?limit=2&offset=1');
      expect(list.body.total).toBe(await prisma().ecoeyeAlert.count());
      expect(list.body).toMatchObject({ success: true, limit: 2, offset: 1 });
      expect(list.body.alerts).toHaveLength(2);
      expect(list.body.alerts[0]).toEqual({
        alert_id: expect.any(String),
        camera_id: expect.any(String),
        timestamp: expect.any(String),
        alert_type: expect.any(String),
        confidence: 1,
        video_available: 1,
        video_downloaded: 0,
        local_video_path: null,
        synced_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      });
      expect((await api().get('/api/sync/ecoeye/alerts/list?limit=x')).status).toBe(400);
      const status = await api().get('/api/sync/ecoeye/status');
      expect(status.body).toMatchObject({
        success: true,
        total_alerts: list.body.total,
        alerts_with_video: list.body.total,
        videos_downloaded: 0,
        pending_downloads: list.body.total,
      });
    });

    it('downloads pending videos once each, registering a video with metadata and thumbnail', async () => {
      const first = await api().post('/api/sync/ecoeye/videos').send({ limit: 2 });
      expect(first.body).toMatchObject({ success: true, total_pending: 2, downloaded: 2, failed: 0 });
      const [result] = first.body.results;
      expect(result).toEqual({
        alert_id: expect.any(String),
        status: 'success',
        path: expect.stringContaining(path.join(media, 'downloads')),
        video_id: expect.any(Number),
      });
      expect(existsSync(result.path)).toBe(true);
      const video = await prisma().video.findUniqueOrThrow({ where: { id: result.video_id } });
      expect(video).toMatchObject({ originalUrl: `ecoeye://${result.alert_id}`, width: 64, height: 48 });
      expect(Number(video.fileSize)).toBe(statSync(result.path).size);
      expect(video.duration).toBeCloseTo(2, 0);
      expect(existsSync(video.thumbnailPath!)).toBe(true);
      const alert = await prisma().ecoeyeAlert.findUniqueOrThrow({ where: { alertId: result.alert_id } });
      expect(alert).toMatchObject({ videoDownloaded: true, localVideoPath: result.path });

      // A failing relay file counts as failed and leaves no partial file behind.
      fake.abortVideoAfterBytes = 100;
      const second = await api().post('/api/sync/ecoeye/videos').send({ limit: 1 });
      fake.abortVideoAfterBytes = null;
      expect(second.body).toMatchObject({ downloaded: 0, failed: 1 });
      expect(second.body.results[0]).toMatchObject({ status: 'failed', error: expect.any(String) });
      expect(readdirSync(path.join(media, 'downloads')).filter((name) => name.includes('.part-'))).toEqual(
        [],
      );
      expect(await prisma().video.count()).toBe(2);
      const status = await api().get('/api/sync/ecoeye/status');
      expect(status.body).toMatchObject({ videos_downloaded: 2 });
      const [history] = (await api().get('/api/sync/history?limit=1')).body.history;
      expect(history).toMatchObject({ sync_type: 'ecoeye_videos', items_processed: 1, items_failed: 1 });
      expect((await api().post('/api/sync/ecoeye/videos').send({ limit: 'ten' })).status).toBe(400);
    });
  });

  describe('relay proxy', () => {
    it('passes events through with the API key and marks imported ones', async () => {
      const [imported] = await prisma().video.findMany({
        where: { originalUrl: { startsWith: 'ecoeye://' } },
      });
      const eventId = imported!.originalUrl!.slice('ecoeye://'.length);
      const response = await api().get(`/api/ecoeye/events?limit=5000&camera=cam-1&site=`);
      expect(response.body.success).toBe(true);
      const sent = fake.requests.filter((r) => r.path === '/api-thumbnails.php').pop()!;
      expect(sent.headers['x-api-key']).toBe('relay-key');
      expect(sent.query).toEqual({ limit: '5000', offset: '0', camera: 'cam-1' });
      const mine = response.body.events.find((event: { event_id: string }) => event.event_id === eventId);
      expect(mine).toMatchObject({
        imported_to_studio: true,
        local_video_id: imported!.id,
        has_local_video: true,
        local_video_path: `/downloads/${imported!.filename}`,
        local_thumbnail: `/thumbnails/${path.basename(imported!.thumbnailPath!)}`,
      });
      const other = response.body.events.find(
        (event: { event_id: string }) => event.event_id === 'evt-000500',
      );
      expect(other).toMatchObject({
        imported_to_studio: false,
        local_video_id: null,
        has_local_video: false,
      });
    });

    it('imports a sample as metadata or as its video, never twice', async () => {
      fake.events[10]!.thumbnail = `data:image/jpeg;base64,${Buffer.from('jpeg-bytes').toString('base64')}`;
      const missing = await api().post('/api/ecoeye/sync-sample').send({});
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ success: false, error: 'event_id required' });
      const unknown = await api().post('/api/ecoeye/sync-sample').send({ event_id: 'nope' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ success: false, error: 'Event not found: nope' });

      const meta = await api()
        .post('/api/ecoeye/sync-sample')
        .send({ event_id: 'evt-000010', include_video: false });
      expect(meta.body).toEqual({
        success: true,
        record_id: expect.any(Number),
        message: 'Metadata imported successfully (no video)',
      });
      const row = await prisma().video.findUniqueOrThrow({ where: { id: meta.body.record_id } });
      expect(row.filename).toBe('ecoeye_metadata_evt-000010.placeholder');
      expect(row.title).toBe('[No Video] Camera 3 - person');
      expect(row.notes).toContain('[Metadata only - no video file]');
      expect(row.thumbnailPath && existsSync(row.thumbnailPath)).toBe(true);

      const withVideo = await api().post('/api/ecoeye/sync-sample').send({ event_id: 'evt-000011' });
      expect(withVideo.body).toEqual({
        success: true,
        video_id: expect.any(Number),
        message: 'Video imported successfully',
      });
      const video = await prisma().video.findUniqueOrThrow({ where: { id: withVideo.body.video_id } });
      expect(video).toMatchObject({ originalUrl: 'ecoeye://evt-000011', width: 64 });

      const again = await api().post('/api/ecoeye/sync-sample').send({ event_id: 'evt-000011' });
      expect(again.body).toEqual({
        success: true,
        record_id: withVideo.body.video_id,
        message: 'Event already imported',
        already_imported: true,
      });
    });

    it('requests downloads, lists cameras and sites, and passes tags through', async () => {
      const ok = await api().post('/api/ecoeye/request-download').send({ event_id: 'evt-000003' });
      expect(ok.body).toEqual({ success: true, message: 'Download request sent to EcoEye relay' });
      const unknown = await api().post('/api/ecoeye/request-download').send({ event_id: 'zzz' });
      expect(unknown.status).toBe(501);
      fake.nextStatuses.push(502);
      const broken = await api().post('/api/ecoeye/request-download').send({ event_id: 'evt-000003' });
      expect(broken.status).toBe(500);
      expect(broken.body).toEqual({ success: false, error: 'Relay returned status 502' });

      expect((await api().get('/api/ecoeye/cameras')).body).toEqual({
        success: true,
        cameras: [{ id: 'cam-0', name: 'Camera 0' }],
      });
      expect((await api().get('/api/ecoeye/sites')).body).toEqual({
        success: true,
        sites: [{ id: 1, name: 'Dock' }],
      });

      const created = await api().post('/api/ecoeye/tags').send({ name: 'boat', color: '#123456' });
      expect(created.body).toMatchObject({ success: true, tag: { name: 'boat', color: '#123456' } });
      const listed = await api().get('/api/ecoeye/tags?event_ids=a,b');
      expect(listed.body.tags.map((tag: { name: string }) => tag.name)).toEqual(['reviewed', 'boat']);
      expect(listed.body.query).toEqual({ event_ids: 'a,b' });
      const assign = await api()
        .post('/api/ecoeye/tags/assign')
        .send({ event_ids: ['evt-000001'], tag_ids: [created.body.tag.id] });
      expect(assign.body).toEqual({
        success: true,
        action: 'assign',
        body: { event_ids: ['evt-000001'], tag_ids: [created.body.tag.id] },
      });
      expect((await api().post('/api/ecoeye/tags/remove').send({ event_ids: 'x' })).status).toBe(400);
      expect((await api().delete(`/api/ecoeye/tags/${created.body.tag.id}`)).body).toEqual({ success: true });
      expect((await api().delete('/api/ecoeye/tags/abc')).status).toBe(404);
    });

    it('answers 500 JSON when the relay is unreachable', async () => {
      const down = await startTestApp({ ECOEYE_BASE_URL: 'http://127.0.0.1:9' });
      try {
        const response = await request(down.app).get('/api/ecoeye/cameras');
        expect(response.status).toBe(500);
        expect(response.body.success).toBe(false);
        expect(response.body.error).toMatch(/^EcoEye relay request failed/);
      } finally {
        await down.close();
      }
    });
  });
});
