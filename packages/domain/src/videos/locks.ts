import type { Database, Prisma } from '@groundtruth/db';
import { NotFoundError } from '../shared/errors';

/**
 * The first lock of a transaction that writes a video's children (ARCHITECTURE.md "Lock order"): KEY SHARE on the
 * video row, which only a delete of the video conflicts with. False when the video does not exist (any more).
 */
export async function lockVideoForChildWrite(
  tx: Prisma.TransactionClient,
  videoId: number,
): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`SELECT 1 FROM videos WHERE id = ${videoId} FOR KEY SHARE`;
  return rows.length > 0;
}

/**
 * A write of the video's children in one transaction under the video's child-write lock, so a delete racing it
 * either waits or makes it answer 404 (never a foreign-key error). NotFoundError when the video is gone.
 */
export function writeVideoChild<T>(
  db: Database,
  videoId: number,
  write: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return db.prisma.$transaction(async (tx) => {
    if (!(await lockVideoForChildWrite(tx, videoId))) throw new NotFoundError('Video not found');
    return write(tx);
  });
}
