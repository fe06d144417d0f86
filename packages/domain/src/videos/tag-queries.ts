import type { Database } from '@groundtruth/db';
import { sqlTimestamp } from '../shared/sql';
import type { TagRow } from './schemas';

/** Legacy video tags (`tags` + `video_tags`), routes 8–10. */

/** Route 8: get-or-create the tag by name, then link it. False when the link already existed. */
export async function addVideoTag(db: Database, videoId: number, name: string): Promise<boolean> {
  return db.prisma.$transaction(async (tx) => {
    const tag = await tx.tag.upsert({ where: { name }, create: { name }, update: {}, select: { id: true } });
    const linked = await tx.videoTag.createMany({
      data: [{ videoId, tagId: tag.id }],
      skipDuplicates: true,
    });
    return linked.count > 0;
  });
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
