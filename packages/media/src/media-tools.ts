import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { runTool } from './process';
import {
  resolveMediaTool,
  toolStatus,
  type MediaToolOverrides,
  type ResolvedTool,
  type ToolStatus,
} from './tools';

export interface VideoMetadata {
  /** Seconds, from the container. */
  duration: number | null;
  width: number | null;
  height: number | null;
  /** Frames per second of the first video stream. */
  fps: number | null;
  /** BIGINT column: files over 2 GiB exist. */
  fileSize: bigint | null;
}

const PROBE_TIMEOUT_MS = 60_000;
const THUMBNAIL_TIMEOUT_MS = 60_000;
/** Frame extraction decodes a whole clip per chunk of frames. */
const FRAMES_TIMEOUT_MS = 30 * 60_000;
const FRAMES_PER_PASS = 200;

interface ProbeOutput {
  format?: { duration?: string };
  streams?: { codec_type?: string; width?: number; height?: number; r_frame_rate?: string }[];
}

function framesPerSecond(rate: string | undefined): number | null {
  const [num, den] = (rate ?? '').split('/').map(Number);
  return num && den ? num / den : null;
}

/**
 * ffmpeg and ffprobe as this process resolved them (FFMPEG_PATH / FFPROBE_PATH, else the binaries shipped in npm
 * packages, else PATH): the only place the platform runs them. Get one with `mediaTools(config)`.
 */
export class MediaTools {
  readonly ffmpeg: ResolvedTool;
  readonly ffprobe: ResolvedTool;

  constructor(overrides: MediaToolOverrides = {}) {
    this.ffmpeg = resolveMediaTool('ffmpeg', overrides.ffmpeg);
    this.ffprobe = resolveMediaTool('ffprobe', overrides.ffprobe);
  }

  /** Path and version of each tool, and whether it runs (within 5 s, exit status ignored). */
  async status(): Promise<{ ffmpeg: ToolStatus; ffprobe: ToolStatus }> {
    const [ffmpeg, ffprobe] = await Promise.all([
      toolStatus(this.ffmpeg, '-version'),
      toolStatus(this.ffprobe, '-version'),
    ]);
    return { ffmpeg, ffprobe };
  }

  /** Duration, dimensions and frame rate from ffprobe; nulls for whatever cannot be read (size always from the file). */
  async probe(file: string, signal?: AbortSignal): Promise<VideoMetadata> {
    const fileSize = await stat(file).then(
      (info) => BigInt(info.size),
      () => null,
    );
    const metadata: VideoMetadata = { duration: null, width: null, height: null, fps: null, fileSize };
    const run = await runTool(
      this.ffprobe.path,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      { timeoutMs: PROBE_TIMEOUT_MS, signal },
    );
    if (run.code !== 0) return metadata;
    let parsed: ProbeOutput;
    try {
      parsed = JSON.parse(run.stdout) as ProbeOutput;
    } catch {
      return metadata; // unreadable probe output: keep the nulls
    }
    const duration = Number(parsed.format?.duration);
    if (Number.isFinite(duration)) metadata.duration = duration;
    const video = parsed.streams?.find((stream) => stream.codec_type === 'video');
    if (video?.width) metadata.width = video.width;
    if (video?.height) metadata.height = video.height;
    metadata.fps = framesPerSecond(video?.r_frame_rate);
    return metadata;
  }

  /**
   * Writes `<thumbnailsDir>/<video stem>.jpg` from the frame at 1 s (the first frame for shorter videos), via a temp
   * file and rename. Returns the absolute path, or null when ffmpeg fails or is missing.
   */
  async thumbnail(video: string, thumbnailsDir: string, signal?: AbortSignal): Promise<string | null> {
    const dir = path.resolve(thumbnailsDir);
    await mkdir(dir, { recursive: true });
    const target = path.join(dir, `${path.parse(video).name}.jpg`);
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp.jpg`;
    for (const at of ['1', '0']) {
      const run = await runTool(
        this.ffmpeg.path,
        ['-y', '-v', 'error', '-ss', at, '-i', video, '-frames:v', '1', '-vf', 'scale=320:-2', temp],
        { timeoutMs: THUMBNAIL_TIMEOUT_MS, signal },
      );
      const written = await stat(temp).then(
        (info) => info.size > 0,
        () => false,
      );
      if (run.code === 0 && written) {
        await rename(temp, target);
        return target;
      }
    }
    await rm(temp, { force: true });
    return null;
  }

  /**
   * Extracts the given frame numbers of a video as JPEGs, in one decoding pass per chunk of frames (a process per
   * frame costs far more than decoding a clip). Returns frame number → image file for the frames the video has; a
   * short or unreadable video yields fewer (the last ones are missing).
   */
  async extractFrames(
    video: string,
    frameNumbers: readonly number[],
    outDir: string,
  ): Promise<Map<number, string>> {
    const wanted = [...new Set(frameNumbers)].sort((a, b) => a - b);
    const found = new Map<number, string>();
    for (let start = 0; start < wanted.length; start += FRAMES_PER_PASS) {
      const chunk = wanted.slice(start, start + FRAMES_PER_PASS);
      const chunkDir = path.join(outDir, String(start));
      await mkdir(chunkDir, { recursive: true });
      const select = chunk.map((n) => `eq(n\\,${n})`).join('+');
      await runTool(
        this.ffmpeg.path,
        [
          '-v',
          'error',
          '-i',
          video,
          '-vf',
          `select='${select}'`,
          '-vsync',
          '0',
          '-q:v',
          '2',
          path.join(chunkDir, '%06d.jpg'),
        ],
        { timeoutMs: FRAMES_TIMEOUT_MS },
      );
      // Frames come out in order; whatever was written before an error is kept.
      const written = (await readdir(chunkDir)).sort();
      written.forEach((name, index) => found.set(chunk[index]!, path.join(chunkDir, name)));
    }
    return found;
  }
}

const instances = new Map<string, MediaTools>();

/** The media tools for these settings (FFMPEG_PATH / FFPROBE_PATH of the config), created once per process. */
export function mediaTools(
  config: { FFMPEG_PATH?: string | undefined; FFPROBE_PATH?: string | undefined } = {},
): MediaTools {
  const key = `${config.FFMPEG_PATH ?? ''}\0${config.FFPROBE_PATH ?? ''}`;
  let tools = instances.get(key);
  if (!tools) {
    tools = new MediaTools({ ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH });
    instances.set(key, tools);
  }
  return tools;
}
