import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Config } from '@groundtruth/config';
import type { PrismaClient } from '@groundtruth/db';
import { ToolMissingError } from '../shared/errors';
import { normalizeVideoUrl } from './urls';
import {
  externalTool,
  mediaTools,
  runTool,
  toolStatus,
  type MediaTools,
  type VideoMetadata,
} from '@groundtruth/media';

export type { VideoMetadata } from '@groundtruth/media';

/** Video ingest (api.md §3.1 routes 4–7, jobs.md "Video ingest"): files on disk, metadata, thumbnails, rows. */

export const VIDEO_EXTENSIONS = ['mp4', 'avi', 'mov', 'mkv', 'webm'] as const;

/** Where ingested videos and their thumbnails go, and the media tools that probe and thumbnail them. */
export interface IngestDirs {
  downloadsDir: string;
  thumbnailsDir: string;
  media: MediaTools;
  /** The yt-dlp executable (YT_DLP_PATH). */
  ytDlp?: string;
}

/** The ingest folders and tools of a process, from its config. */
export function ingestDirs(
  config: Pick<Config, 'DOWNLOADS_DIR' | 'THUMBNAILS_DIR' | 'YT_DLP_PATH' | 'FFMPEG_PATH' | 'FFPROBE_PATH'>,
): IngestDirs {
  return {
    downloadsDir: config.DOWNLOADS_DIR,
    thumbnailsDir: config.THUMBNAILS_DIR,
    media: mediaTools(config),
    ytDlp: config.YT_DLP_PATH,
  };
}

/** Metadata (ffprobe) and thumbnail (ffmpeg) of a stored video, as its videos row records them. */
export async function describeStoredVideo(
  file: string,
  dirs: IngestDirs,
  signal?: AbortSignal,
): Promise<{ metadata: VideoMetadata; thumbnailPath: string | null }> {
  const [metadata, thumbnailPath] = await Promise.all([
    dirs.media.probe(file, signal),
    dirs.media.thumbnail(file, dirs.thumbnailsDir, signal),
  ]);
  return { metadata, thumbnailPath };
}

/** Whether the configured yt-dlp runs (checked once per process while it does). */
export async function ytDlpAvailable(ytDlp = 'yt-dlp'): Promise<boolean> {
  return (await toolStatus(externalTool('yt-dlp', ytDlp), '--version')).available;
}

/** Werkzeug's secure_filename: ASCII only, spaces to `_`, no path parts, no leading dots. */
export function secureFilename(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '');
  const flat = ascii.split(/[/\\]/).join(' ');
  return flat
    .trim()
    .split(/\s+/)
    .join('_')
    .replace(/[^A-Za-z0-9_.-]/g, '')
    .replace(/^[._]+|[._]+$/g, '');
}

/** The extension (lower case, no dot) when it is an accepted video type, else null. */
export function videoExtension(name: string): (typeof VIDEO_EXTENSIONS)[number] | null {
  const extension = path.extname(name).slice(1).toLowerCase();
  return (VIDEO_EXTENSIONS as readonly string[]).includes(extension)
    ? (extension as (typeof VIDEO_EXTENSIONS)[number])
    : null;
}

/** Moves `source` to `<dir>/<name>`, inserting `_1`, `_2`, … before the extension while the name is taken. */
export async function moveToUniqueName(source: string, dir: string, name: string): Promise<string> {
  const { name: stem, ext } = path.parse(name);
  for (let counter = 0; counter < 10_000; counter += 1) {
    const candidate = counter === 0 ? name : `${stem}_${counter}${ext}`;
    const target = path.join(dir, candidate);
    const taken = await stat(target).then(
      () => true,
      () => false,
    );
    if (!taken) {
      await rename(source, target);
      return candidate;
    }
  }
  throw new Error(`No free file name for ${name}`);
}

export interface NewVideo {
  filename: string;
  originalUrl?: string | null;
  title?: string | null;
  notes?: string | null;
  metadata: VideoMetadata;
  thumbnailPath: string | null;
}

/**
 * Inserts the videos row of a stored file, or refreshes it when a row with that filename already exists: the
 * filename is unique, so registering the same file twice (a retried job) never makes a second row.
 */
export async function registerVideo(prisma: PrismaClient, video: NewVideo): Promise<number> {
  const fields = {
    originalUrl: video.originalUrl ?? null,
    title: video.title ?? null,
    notes: video.notes ?? null,
    duration: video.metadata.duration,
    width: video.metadata.width,
    height: video.metadata.height,
    fileSize: video.metadata.fileSize,
    thumbnailPath: video.thumbnailPath,
  };
  const row = await prisma.video.upsert({
    where: { filename: video.filename },
    create: { filename: video.filename, ...fields },
    update: fields,
    select: { id: true },
  });
  return row.id;
}

export interface StreamDownloadOptions {
  signal?: AbortSignal;
  /** Called with the bytes written so far. */
  onBytes?: (bytes: number) => void;
}

/**
 * Streams a web response body into `target` through a temp file in the same folder and an atomic rename, so a
 * crash mid-download never leaves a partial file under the final name.
 */
export async function streamToFile(
  body: WebReadableStream<Uint8Array> | ReadableStream<Uint8Array>,
  target: string,
  options: StreamDownloadOptions = {},
): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
  let bytes = 0;
  const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  source.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    options.onBytes?.(bytes);
  });
  try {
    await pipeline(source, createWriteStream(temp), { signal: options.signal });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The newest video already registered for a URL (normalised comparison over the newest 10 000 rows). */
export async function findVideoByUrl(prisma: PrismaClient, url: string): Promise<number | null> {
  const wanted = normalizeVideoUrl(url);
  const rows = await prisma.video.findMany({
    where: { originalUrl: { not: null } },
    select: { id: true, originalUrl: true },
    orderBy: { id: 'desc' },
    take: 10_000,
  });
  return rows.find((row) => row.originalUrl && normalizeVideoUrl(row.originalUrl) === wanted)?.id ?? null;
}

export interface UrlVideoInfo {
  title: string | null;
  duration: number | null;
  width: number | null;
  height: number | null;
  file_size: number | null;
  uploader: string | null;
  thumbnail: string | null;
  description: string | null;
}

/** `yt-dlp --dump-json --no-playlist` (30 s): the fields route 6 returns. */
export async function fetchUrlVideoInfo(
  url: string,
  ytDlp = 'yt-dlp',
): Promise<{ ok: true; info: UrlVideoInfo } | { ok: false; error: string }> {
  if (!(await ytDlpAvailable(ytDlp))) throw new ToolMissingError('yt-dlp');
  const result = await runTool(ytDlp, ['--dump-json', '--no-playlist', url], { timeoutMs: 30_000 });
  if (result.timedOut) return { ok: false, error: 'Request timeout' };
  if (result.code !== 0) return { ok: false, error: result.stderr.trim() || `yt-dlp exited ${result.code}` };
  try {
    const data = JSON.parse(result.stdout) as Record<string, unknown>;
    const num = (value: unknown) => (typeof value === 'number' ? value : null);
    const str = (value: unknown) => (typeof value === 'string' ? value : null);
    return {
      ok: true,
      info: {
        title: str(data.title),
        duration: num(data.duration),
        width: num(data.width),
        height: num(data.height),
        file_size: num(data.filesize) ?? num(data.filesize_approx),
        uploader: str(data.uploader),
        thumbnail: str(data.thumbnail),
        description: str(data.description)?.slice(0, 500) ?? null,
      },
    };
  } catch (error) {
    return { ok: false, error: `Error: ${(error as Error).message}` };
  }
}

/**
 * Downloads a URL with yt-dlp into the downloads folder (10 min), then probes it, writes its thumbnail and
 * registers the videos row. Re-running for a URL whose file already exists re-registers the same row.
 */
export async function downloadUrlVideo(
  prisma: PrismaClient,
  url: string,
  dirs: IngestDirs,
  signal?: AbortSignal,
): Promise<{ videoId: number; filename: string }> {
  const ytDlp = dirs.ytDlp ?? 'yt-dlp';
  if (!(await ytDlpAvailable(ytDlp))) throw new ToolMissingError('yt-dlp');
  const downloads = path.resolve(dirs.downloadsDir);
  await mkdir(downloads, { recursive: true });
  const args = [
    '-f',
    'bestvideo[ext=mp4]+bestaudio[ext=m4a]/best[ext=mp4]/best',
    '--merge-output-format',
    'mp4',
    '--no-playlist',
    '--no-simulate',
    '--restrict-filenames',
    '-o',
    path.join(downloads, '%(title)s_%(id)s.%(ext)s'),
    '--print',
    'after_move:filepath',
    '--print',
    'title',
    url,
  ];
  const { stdout, stderr, code } = await runTool(ytDlp, args, { timeoutMs: 600_000, signal });
  signal?.throwIfAborted();
  if (code !== 0) throw new Error(`yt-dlp failed: ${stderr.trim().split('\n').pop() ?? code}`);
  const lines = stdout.trim().split('\n');
  const title = lines.find((line) => !line.startsWith(downloads)) ?? null;
  const filePath = lines.find((line) => line.startsWith(downloads));
  if (!filePath) throw new Error('yt-dlp did not report the downloaded file');
  const { metadata, thumbnailPath } = await describeStoredVideo(filePath, dirs, signal);
  const filename = path.basename(filePath);
  const videoId = await registerVideo(prisma, { filename, originalUrl: url, title, metadata, thumbnailPath });
  return { videoId, filename };
}
