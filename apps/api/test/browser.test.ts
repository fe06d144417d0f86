import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { sharedPath } from '@groundtruth/db/testing';
import {
  generateFakeEvents,
  startFakeEcoeye,
  type FakeEcoeye,
} from '@groundtruth/domain/testing/fake-ecoeye';
import { makeTestVideo } from '@groundtruth/media/testing';
import { migrate } from '@groundtruth/legacy-archive';
import { PAGES } from '../src/routes/pages';
import { launchChromium } from './chromium';
import { writeLegacyUi } from './fixtures/legacy-ui';
import { startTestApp, type TestApp } from './harness';

/**
 * End to end (issue 4): the legacy fixture archive migrated with the migrator, the UI pages served from WEB_DIR,
 * driven by a real headless Chromium (the npm-shipped build or CHROMIUM_PATH, through playwright-core).
 */
const FIXTURE = sharedPath('fixtures/legacy/video_archive.db');
// 6 s, 160×120, VP8 WebM with cues, a keyframe every second (58 KB), made once with
// `ffmpeg -f lavfi -i testsrc=duration=6:size=160x120:rate=15 -c:v libvpx -b:v 150k -g 15 -an seekable-6s-vp8.webm`.
// Chromium buffers it whole on load, so seeking in it never needs another request.
const SMALL_VIDEO = path.join(__dirname, 'fixtures', 'seekable-6s-vp8.webm');
const LONG_VIDEO = { seconds: 40, width: 320, height: 240 };
const PLAYED_VIDEO_ID = 2; // has keyframe annotations with scenario tags
const PLAYED_FILE = 'loQaAY3HwTA'; // in its filename
const LEGACY_PATH_VIDEO_ID = 3; // its filename is an absolute path on the legacy server

/**
 * 40 s of noise over testsrc2, 320×240 VP8 at a constant 1.5 Mbit/s (7 MB, encoded in 1–3 s), a keyframe every
 * second, cues at the front (space reserved for them: this ffmpeg predates `-cues_to_front`); WebM whatever the
 * name's extension. Chromium reads only ~3 MB ahead of playback, so a seek near the end must fetch that part of
 * the file with a new Range request.
 */
function writeLongVideo(file: string): void {
  const output =
    '-vf noise=alls=60:allf=t -an -c:v libvpx -deadline realtime -cpu-used 16 ' +
    '-b:v 1500k -minrate 1500k -maxrate 1500k -g 15 -reserve_index_space 4096 -f webm';
  makeTestVideo(file, {
    pattern: 'testsrc2',
    seconds: LONG_VIDEO.seconds,
    size: `${LONG_VIDEO.width}x${LONG_VIDEO.height}`,
    rate: 15,
    output: output.split(' '),
  });
}

interface MediaRequest {
  url: string;
  range: string | undefined;
  /** read when asserting, once its headers are sent: a media response may still be streaming */
  response: ServerResponse;
}

interface LegacyVideo {
  id: number;
  title: string | null;
  filename: string;
}

interface PlayerState {
  readyState: number;
  currentTime: number;
  paused: boolean;
  error: number | null;
}

/** What the player decoded: the picture's size and the frames shown or dropped so far. */
interface Playback {
  width: number;
  height: number;
  decodedFrames: number;
}

const PLAYBACK = `(() => {
  const player = document.querySelector('#player');
  return { width: player.videoWidth, height: player.videoHeight,
    decodedFrames: player.getVideoPlaybackQuality().totalVideoFrames };
})()`;

/** The player's state as the page sees it (the browser side is plain DOM; this package's types have no DOM). */
const PLAYER_STATE = `(() => {
  const player = document.querySelector('#player');
  return { readyState: player.readyState, currentTime: player.currentTime, paused: player.paused,
    error: player.error && player.error.code };
})()`;

describe('the legacy UI in a real browser on a migrated archive', () => {
  let root: string;
  let t: TestApp;
  let relay: FakeEcoeye;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;
  const mediaRequests: MediaRequest[] = [];
  let legacyVideos: LegacyVideo[];
  let playedVideo: { seconds: number; bytes: number };

  beforeAll(async () => {
    const legacy = new Database(FIXTURE, { readonly: true });
    legacyVideos = legacy
      .prepare('SELECT id, title, filename FROM videos ORDER BY id')
      .all() as LegacyVideo[];
    legacy.close();

    root = await mkdtemp(path.join(tmpdir(), 'gt-browser-'));
    const downloads = path.join(root, 'downloads');
    await mkdir(downloads);
    await mkdir(path.join(root, 'thumbnails'));
    await writeLegacyUi(path.join(root, 'web'));
    const downloadPath = (id: number): string =>
      path.join(downloads, path.basename(legacyVideos.find((row) => row.id === id)!.filename));
    await copyFile(SMALL_VIDEO, downloadPath(LEGACY_PATH_VIDEO_ID));
    writeLongVideo(downloadPath(PLAYED_VIDEO_ID));
    playedVideo = {
      seconds: LONG_VIDEO.seconds,
      bytes: (await stat(downloadPath(PLAYED_VIDEO_ID))).size,
    };

    relay = await startFakeEcoeye({ events: generateFakeEvents(3) });
    t = await startTestApp({
      WEB_DIR: path.join(root, 'web'),
      DOWNLOADS_DIR: downloads,
      THUMBNAILS_DIR: path.join(root, 'thumbnails'),
      ECOEYE_BASE_URL: relay.url,
      ECOEYE_API_KEY: 'test-key',
    });
    const report = await migrate({ source: FIXTURE, databaseUrl: t.testDb.url, writer: 'copy' });
    if (!report.ok) throw new Error(`the fixture archive did not migrate cleanly: ${JSON.stringify(report)}`);

    server = createServer((req, res) => {
      if (req.url?.startsWith('/downloads/')) {
        mediaRequests.push({ url: req.url, range: req.headers.range, response: res });
      }
      t.app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await t?.close();
    await relay?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** Opens a page route and waits for its script; reports console errors, failed and non-2xx requests. */
  async function open(
    route: string,
  ): Promise<{ page: Page; status: number | undefined; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => {
      const error = request.failure()?.errorText;
      // the player cancels a media request itself when it has read enough ahead, or seeks elsewhere
      if (request.resourceType() === 'media' && error === 'net::ERR_ABORTED') return;
      problems.push(`failed (${error}): ${request.url()}`);
    });
    const response = await page.goto(baseUrl + route);
    await page.waitForSelector('body[data-state]');
    return { page, status: response?.status(), problems };
  }

  it('serves every page route from WEB_DIR, and each page loads its data without a console error', async () => {
    // EcoEye configured, so the sync settings page also loads the sync status
    const configured = await fetch(`${baseUrl}/api/sync/ecoeye/config`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ api_key: 'key', api_secret: 'secret' }),
    });
    expect(configured.status).toBe(200);
    const loaded: Record<string, (string | null)[]> = {};
    for (const route of Object.keys(PAGES)) {
      const { page, status, problems } = await open(route === '/annotate' ? '/annotate?id=2' : route);
      const state = await page.getAttribute('body', 'data-state');
      expect({ route, status, state, problems }).toEqual({
        route,
        status: 200,
        state: 'ready',
        problems: [],
      });
      expect(await page.getAttribute('body', 'data-page')).toBe(route);
      loaded[route] = await page.$$eval('pre[data-url]', (blocks) =>
        blocks.map((b) => b.getAttribute('data-url')),
      );
      await page.close();
    }
    expect(loaded['/sync-settings']).toContain('/api/sync/ecoeye/status');
    expect(loaded['/ecoeye-preview']).toContain('/api/ecoeye/tags');
  });

  it('lists the archive videos on the index page', async () => {
    const { page, problems } = await open('/');
    const shown = await page.$$eval('#video-list li', (items) =>
      items.map((item) => [Number(item.getAttribute('data-video-id')), item.querySelector('a')?.textContent]),
    );
    expect(problems).toEqual([]);
    expect(shown.sort(([a], [b]) => Number(a) - Number(b))).toEqual(
      legacyVideos.map((video) => [video.id, video.title || video.filename]),
    );
    await page.close();
  });

  /**
   * Plays the annotate page's video for a moment, pauses it and seeks to `target`. Resolves with what the player
   * decoded while playing, its `currentTime` at `seeked` and the requests for the played file that reached the
   * server since the seek began.
   */
  async function playThenSeek(
    page: Page,
    target: number,
  ): Promise<{ playback: Playback; seeked: number; requestsSinceSeek: MediaRequest[] }> {
    await page.waitForFunction(`${PLAYER_STATE}.readyState >= 2`);
    await page.evaluate(`document.querySelector('#player').play()`);
    await page.waitForFunction(`${PLAYER_STATE}.currentTime > 0.5`);
    await page.evaluate(`document.querySelector('#player').pause()`);
    const playback = await page.evaluate<Playback>(PLAYBACK);
    const before = mediaRequests.length;
    const seeked = await page.evaluate<number>(`new Promise((resolve) => {
      const player = document.querySelector('#player');
      player.addEventListener('seeked', () => resolve(player.currentTime), { once: true });
      player.currentTime = ${target};
    })`);
    const requestsSinceSeek = mediaRequests
      .slice(before)
      .filter((request) => request.url.includes(PLAYED_FILE));
    return { playback, seeked, requestsSinceSeek };
  }

  it('plays the video on the annotate page and seeks to a later time (HTTP ranges)', async () => {
    const { page, problems } = await open(`/annotate?id=${PLAYED_VIDEO_ID}`);
    const keyframes = await page.$$eval('#keyframes li', (items) =>
      items.map((item) => [
        Number(item.getAttribute('data-annotation-id')),
        item.getAttribute('data-scenario'),
      ]),
    );
    expect(keyframes).toEqual([
      [13, 'boat_operating_water'],
      [15, 'vehicle_identification'],
      [14, 'vehicle_identification'],
      [16, 'loading_boat_trailer'],
    ]);

    const target = 4.5;
    const { playback, seeked } = await playThenSeek(page, target);
    expect(playback).toEqual({
      width: LONG_VIDEO.width,
      height: LONG_VIDEO.height,
      decodedFrames: expect.any(Number),
    });
    expect(playback.decodedFrames).toBeGreaterThan(0);
    expect(Math.abs(seeked - target)).toBeLessThan(0.25);
    await page.waitForFunction(`${PLAYER_STATE}.readyState >= 2`);
    const state = await page.evaluate<PlayerState>(PLAYER_STATE);
    expect(state).toEqual({ readyState: expect.any(Number), currentTime: seeked, paused: true, error: null });
    expect(problems).toEqual([]);

    const played = mediaRequests.filter((request) => request.url.includes(PLAYED_FILE));
    expect(played.length).toBeGreaterThan(0);
    expect(played.every((request) => request.range !== undefined)).toBe(true);
    expect(played.some((request) => request.response.statusCode === 206)).toBe(true);
    await page.close();
  });

  it('a seek near the end fetches that part of the file: a mid-file HTTP Range request answered 206', async () => {
    const { page, problems } = await open(`/annotate?id=${PLAYED_VIDEO_ID}`);
    const target = playedVideo.seconds - 4;
    const { playback, seeked, requestsSinceSeek } = await playThenSeek(page, target);
    expect(playback.decodedFrames).toBeGreaterThan(0);
    expect(Math.abs(seeked - target)).toBeLessThan(0.25);
    expect(problems).toEqual([]);

    const last = playedVideo.bytes - 1;
    // constant bitrate: the seek's request starts at most 10 s before the target (70% into the file), far past
    // the ~3 MB (16 s) Chromium reads ahead of playback
    const midFileStart = (playedVideo.bytes * (target - 10)) / playedVideo.seconds;
    const answered = requestsSinceSeek
      .filter((request) => request.response.headersSent)
      .map(({ range, response }) => {
        const [, start = '-1', end = ''] = /^bytes=(\d+)-(\d*)$/.exec(range ?? '') ?? [];
        const expectedContentRange = `bytes ${start}-${Math.min(Number(end || last), last)}/${playedVideo.bytes}`;
        return {
          range,
          midFile: Number(start) >= midFileStart,
          status: response.statusCode,
          contentRange: response.getHeader('content-range'),
          expectedContentRange,
        };
      });
    expect(answered).toContainEqual(expect.objectContaining({ midFile: true, status: 206 }));
    for (const answer of answered.filter(({ midFile }) => midFile)) {
      expect(answer).toEqual({ ...answer, status: 206, contentRange: answer.expectedContentRange });
    }
    await page.close();
  });

  it('plays a video whose legacy filename is an absolute server path', async () => {
    const { page, problems } = await open(`/annotate?id=${LEGACY_PATH_VIDEO_ID}`);
    await page.waitForFunction(`${PLAYER_STATE}.readyState >= 2`);
    expect(problems).toEqual([]);
    expect(mediaRequests.some((request) => request.url.startsWith('/downloads//var/www/'))).toBe(true);
    await page.close();
  });
});
