import type { Database, Prisma } from '@groundtruth/db';
import { sqlTimestamp } from '../shared/sql';
import type { TagRow } from './schemas';

/** Legacy video tags (`tags` + `video_tags`), routes 8–10. */

/**
 * Route 8: get-or-create the tag by name, then link it; the caller holds the video's lock. Concurrent first uses of
 * one name both succeed: ON CONFLICT waits for the other insert, and the next statement sees its row. False when
 * the link already existed.
 */
export async function addVideoTag(
  tx: Prisma.TransactionClient,
  videoId: number,
  name: string,
): Promise<boolean> {
  await tx.$executeRaw`INSERT INTO tags (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING`;
  const [tag] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM tags WHERE name = ${name} FOR KEY SHARE`;
  const linked =
    await tx.$executeRaw`INSERT INTO video_tags (video_id, tag_id) VALUES (${videoId}, ${tag!.id})
    ON CONFLICT DO NOTHING`;
  return linked > 0;
}

/** Route 9: unlinks the tag with exactly that name (the tag row stays). False when nothing was linked. */
export async function removeVideoTag(db: Database, videoId: number, name: string): Promise<boolean> {
  const { count } = await db.prisma.videoTag.deleteMany({ where: { videoId, tag: { name } } });
  return count > 0;
}

/** Route 10: every tag by name with its number of linked videos. */
export async function listTags(db: Database): Promise<TagRow[]> {
  const { rows } = await db.pool.query<TagRow>(
    `SELECT t.id, t.name, t.category, ${sqlTimestamp('t.created_date')} AS created_date,
       (SELECT count(*)::int FROM video_tags vt WHERE vt.tag_id = t.id) AS video_count
     FROM tags t ORDER BY t.name COLLATE "C"`,
  );
  return rows;
}
