import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MediaTools, mediaTools, resolveMediaTool, runTool, toolStatus } from '../src';
import { makeTestVideo } from '../src/testing';

describe('media tools', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gt-media-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves ffmpeg and ffprobe from their npm packages when no variable is set, once', () => {
    for (const name of ['ffmpeg', 'ffprobe'] as const) {
      const tool = resolveMediaTool(name);
      expect(tool).toMatchObject({ name, source: 'npm' });
      expect(tool.path).toContain(`node_modules`);
      expect(path.isAbsolute(tool.path)).toBe(true);
      expect(resolveMediaTool(name)).toBe(tool);
    }
    expect(mediaTools({})).toBe(mediaTools({}));
  });

  it('FFMPEG_PATH / FFPROBE_PATH win, and a path that does not run is reported, not thrown', async () => {
    const tools = mediaTools({ FFMPEG_PATH: '/nonexistent/ffmpeg', FFPROBE_PATH: '/nonexistent/ffprobe' });
    expect(tools.ffmpeg).toEqual({ name: 'ffmpeg', path: '/nonexistent/ffmpeg', source: 'env' });
    const status = await tools.status();
    expect(status.ffmpeg).toMatchObject({ available: false, version: null, source: 'env' });
    expect(status.ffprobe).toMatchObject({ available: false, version: null });
    const probe = await tools.probe(path.join(dir, 'missing.mp4'));
    expect(probe).toEqual({ duration: null, width: null, height: null, fps: null, fileSize: null });
  });

  it('reports the version each resolved binary answers with', async () => {
    const status = await mediaTools({}).status();
    expect(status.ffmpeg.available).toBe(true);
    expect(status.ffmpeg.version).toMatch(/^ffmpeg version /);
    expect(status.ffprobe.version).toMatch(/^ffprobe version /);
  });

  it('probes, thumbnails and extracts frames of a real video', async () => {
    const video = makeTestVideo(path.join(dir, 'clip.mp4'), { seconds: 3, size: '160x120', rate: 10 });
    const tools = new MediaTools();
    const probe = await tools.probe(video);
    expect(probe).toMatchObject({ width: 160, height: 120, fps: 10 });
    expect(probe.duration).toBeCloseTo(3, 0);
    expect(probe.fileSize).toBeGreaterThan(0n);
    const thumbnail = await tools.thumbnail(video, path.join(dir, 'thumbs'));
    expect(thumbnail).toBe(path.join(dir, 'thumbs', 'clip.jpg'));
    expect(existsSync(thumbnail!)).toBe(true);
    const frames = await tools.extractFrames(video, [25, 5, 5, 29, 400], path.join(dir, 'frames'));
    expect([...frames.keys()].sort((a, b) => a - b)).toEqual([5, 25, 29]); // frame 400 is past the end
    for (const file of frames.values()) expect(existsSync(file)).toBe(true);
  });

  it('a file that is not a video gives nulls, no thumbnail and no frames', async () => {
    const junk = path.join(dir, 'junk.mp4');
    writeFileSync(junk, 'not a video');
    const tools = mediaTools({});
    expect(await tools.probe(junk)).toEqual({
      duration: null,
      width: null,
      height: null,
      fps: null,
      fileSize: 11n,
    });
    expect(await tools.thumbnail(junk, path.join(dir, 'thumbs'))).toBeNull();
    expect((await tools.extractFrames(junk, [0, 1], path.join(dir, 'junk-frames'))).size).toBe(0);
  });

  it('runTool reports a missing executable and a timeout without throwing', async () => {
    expect(await runTool('/nonexistent/tool', [], { timeoutMs: 1000 })).toMatchObject({
      missing: true,
      code: 1,
    });
    const slow = await runTool(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 });
    expect(slow).toMatchObject({ timedOut: true, missing: false });
    const missing = await toolStatus(
      { name: 'yt-dlp', path: 'yt-dlp-not-installed', source: 'path' },
      '--version',
    );
    expect(missing).toMatchObject({ available: false, version: null });
  });
});
