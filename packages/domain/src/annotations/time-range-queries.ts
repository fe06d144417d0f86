import type { Database, Prisma } from '@groundtruth/db';
import { presentFields } from '../shared/changes';
import { sqlFlag, sqlTimestamp } from '../shared/sql';
import type { NewTimeRangeTag, TimeRangeTagChanges, TimeRangeTagRow } from './schemas';

/** Time-range tags (`time_range_tags`), routes 12–16. */

const TIME_RANGE_COLUMNS = `id, video_id, tag_name, start_time, end_time, ${sqlFlag('is_negative')} AS is_negative,
  comment, ${sqlTimestamp('created_date')} AS created_date`;

export async function listTimeRangeTags(db: Database, videoId: number): Promise<TimeRangeTagRow[]> {
  const { rows } = await db.pool.query<TimeRangeTagRow>(
    `SELECT ${TIME_RANGE_COLUMNS} FROM time_range_tags WHERE video_id = $1 ORDER BY start_time, id`,
    [videoId],
  );
  return rows;
}

export async function getTimeRangeTag(db: Database, tagId: number): Promise<TimeRangeTagRow | null> {
  const { rows } = await db.pool.query<TimeRangeTagRow>(
    `SELECT ${TIME_RANGE_COLUMNS} FROM time_range_tags WHERE id = $1`,
    [tagId],
  );
  return rows[0] ?? null;
}

/** The caller holds the video's child-write lock. */
export async function createTimeRangeTag(
  tx: Prisma.TransactionClient,
  videoId: number,
  input: NewTimeRangeTag,
): Promise<number> {
  const row = await tx.timeRangeTag.create({
    data: {
      videoId,
      tagName: input.tag_name,
      startTime: input.start_time,
      endTime: input.end_time ?? null,
      isNegative: input.is_negative ?? false,
      comment: input.comment ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

/** Route 15: writes the non-null fields; false when the tag is unknown or nothing was supplied. */
export async function updateTimeRangeTag(
  db: Database,
  tagId: number,
  changes: TimeRangeTagChanges,
): Promise<boolean> {
  const data = presentFields({
    tagName: changes.tag_name,
    endTime: changes.end_time,
    isNegative: changes.is_negative,
    comment: changes.comment,
  });
  if (Object.keys(data).length === 0) return false;
  const { count } = await db.prisma.timeRangeTag.updateMany({ where: { id: tagId }, data });
  return count > 0;
}

/** Deletes the row (its annotation tags are the caller's part, in the same transaction); false when unknown. */
export async function deleteTimeRangeTag(tx: Prisma.TransactionClient, tagId: number): Promise<boolean> {
  const { count } = await tx.timeRangeTag.deleteMany({ where: { id: tagId } });
  return count > 0;
}
