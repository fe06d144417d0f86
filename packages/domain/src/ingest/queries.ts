import type { Database, Prisma } from '@groundtruth/db';
import type { VideoMetadata } from './files';
import { normalizeVideoUrl } from './urls';

/** The videos rows ingest writes and the duplicate lookup of URL downloads. */

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
 * filename is unique, so registering the same file twice (a retried job) never makes a second row. Takes an open
 * transaction when the caller writes more in the same one.
 */
export async function upsertVideo(tx: Prisma.TransactionClient, video: NewVideo): Promise<number> {
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
  const row = await tx.video.upsert({
    where: { filename: video.filename },
    create: { filename: video.filename, ...fields },
    update: fields,
    select: { id: true },
  });
  return row.id;
}

/** `upsertVideo` on its own. */
export function registerVideo(db: Database, video: NewVideo): Promise<number> {
  return upsertVideo(db.prisma, video);
}

/** The newest video already registered for a URL (normalised comparison over the newest 10 000 rows). */
export async function findVideoByUrl(db: Database, url: string): Promise<number | null> {
  const wanted = normalizeVideoUrl(url);
  const rows = await db.prisma.video.findMany({
    where: { originalUrl: { not: null } },
    select: { id: true, originalUrl: true },
    orderBy: { id: 'desc' },
    take: 10_000,
  });
  return rows.find((row) => row.originalUrl && normalizeVideoUrl(row.originalUrl) === wanted)?.id ?? null;
}
