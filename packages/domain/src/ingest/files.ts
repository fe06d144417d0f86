import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { MediaTools, VideoMetadata } from '@groundtruth/media';
import type { DomainDeps } from '../shared/deps';

export type { VideoMetadata } from '@groundtruth/media';

/** Video files on disk (api.md §3.1 routes 4–7, jobs.md "Video ingest"): names, moves, metadata, thumbnails. */

export const VIDEO_EXTENSIONS = ['mp4', 'avi', 'mov', 'mkv', 'webm'] as const;

/** Where ingested videos and their thumbnails go, and the media tools that probe and thumbnail them. */
export interface IngestDirs {
  downloadsDir: string;
  thumbnailsDir: string;
  media: MediaTools;
}

/** The ingest folders and media tools of a process. */
export function ingestDirs({ config, media }: Pick<DomainDeps, 'config' | 'media'>): IngestDirs {
  return { downloadsDir: config.DOWNLOADS_DIR, thumbnailsDir: config.THUMBNAILS_DIR, media };
}

/** Metadata (ffprobe) and thumbnail (ffmpeg) of a stored video, as its videos row records them. */
export async function describeStoredVideo(
  file: string,
  dirs: Pick<IngestDirs, 'thumbnailsDir' | 'media'>,
  signal?: AbortSignal,
): Promise<{ metadata: VideoMetadata; thumbnailPath: string | null }> {
  const [metadata, thumbnailPath] = await Promise.all([
    dirs.media.probe(file, signal),
    dirs.media.thumbnail(file, dirs.thumbnailsDir, signal),
  ]);
  return { metadata, thumbnailPath };
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

/**
 * Moves `source` to `<dir>/<name>`, inserting `_1`, `_2`, … before the extension while the name is taken. The name
 * is claimed exclusively (a hard link, or a copy across file systems, both failing on an existing name), so
 * concurrent moves of one name never overwrite each other.
 */
export async function moveToUniqueName(source: string, dir: string, name: string): Promise<string> {
  const { name: stem, ext } = path.parse(name);
  for (let counter = 0; counter < 10_000; counter += 1) {
    const candidate = counter === 0 ? name : `${stem}_${counter}${ext}`;
    const target = path.join(dir, candidate);
    try {
      await link(source, target).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EXDEV') throw error;
        await copyFile(source, target, constants.COPYFILE_EXCL);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await rm(source, { force: true });
    return candidate;
  }
  throw new Error(`No free file name for ${name}`);
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
