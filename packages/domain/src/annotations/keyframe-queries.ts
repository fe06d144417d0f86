import type { Database, Prisma } from '@groundtruth/db';
import { presentFields } from '../shared/changes';
import { preparedStatement, sqlFlag, sqlTimestamp } from '../shared/sql';
import type { KeyframeChanges, KeyframeLabelColumn, KeyframeRow, NewKeyframe } from './schemas';

/**
 * Keyframe annotations (`keyframe_annotations`), routes 17–23. Boxes are DOUBLE PRECISION: a canvas-scaled fraction
 * a client sends is stored and returned as sent (api.md §2.1), as the legacy SQLite column did.
 */

const KEYFRAME_COLUMNS = `id, video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height, activity_tag, moment_tag,
  ${sqlFlag('is_negative')} AS is_negative, comment, ${sqlTimestamp('created_date')} AS created_date,
  ${sqlFlag('reviewed')} AS reviewed`;

export async function listKeyframes(db: Database, videoId: number): Promise<KeyframeRow[]> {
  const { rows } = await db.pool.query<KeyframeRow>({
    ...preparedStatement(
      'list_keyframes',
      `SELECT ${KEYFRAME_COLUMNS} FROM keyframe_annotations WHERE video_id = $1 ORDER BY timestamp, id`,
    ),
    values: [videoId],
  });
  return rows;
}

export async function getKeyframe(db: Database, annotationId: number): Promise<KeyframeRow | null> {
  const { rows } = await db.pool.query<KeyframeRow>(
    `SELECT ${KEYFRAME_COLUMNS} FROM keyframe_annotations WHERE id = $1`,
    [annotationId],
  );
  return rows[0] ?? null;
}

/** The caller holds the video's child-write lock. */
export async function createKeyframe(
  tx: Prisma.TransactionClient,
  videoId: number,
  input: NewKeyframe,
): Promise<number> {
  const row = await tx.keyframeAnnotation.create({
    data: {
      videoId,
      timestamp: input.timestamp,
      bboxX: input.bbox_x,
      bboxY: input.bbox_y,
      bboxWidth: input.bbox_width,
      bboxHeight: input.bbox_height,
      activityTag: input.activity_tag ?? null,
      momentTag: input.moment_tag ?? null,
      isNegative: input.is_negative ?? false,
      comment: input.comment ?? null,
      reviewed: input.reviewed ?? true,
    },
    select: { id: true },
  });
  return row.id;
}

/** Route 20: writes the non-null fields (including `timestamp`, §9 #21); false when unknown or nothing supplied. */
export async function updateKeyframe(
  db: Database,
  annotationId: number,
  changes: KeyframeChanges,
): Promise<boolean> {
  const data = presentFields({
    timestamp: changes.timestamp,
    bboxX: changes.bbox_x,
    bboxY: changes.bbox_y,
    bboxWidth: changes.bbox_width,
    bboxHeight: changes.bbox_height,
    activityTag: changes.activity_tag,
    momentTag: changes.moment_tag,
    isNegative: changes.is_negative,
    comment: changes.comment,
    reviewed: changes.reviewed,
  });
  if (Object.keys(data).length === 0) return false;
  const { count } = await db.prisma.keyframeAnnotation.updateMany({ where: { id: annotationId }, data });
  return count > 0;
}

/** Deletes the row (its annotation tags are the caller's part, in the same transaction); false when unknown. */
export async function deleteKeyframe(tx: Prisma.TransactionClient, annotationId: number): Promise<boolean> {
  const { count } = await tx.keyframeAnnotation.deleteMany({ where: { id: annotationId } });
  return count > 0;
}

/** Routes 22/23: distinct non-null values, byte order like SQLite (empty strings included). */
export async function distinctKeyframeValues(db: Database, column: KeyframeLabelColumn): Promise<string[]> {
  const { rows } = await db.pool.query<{ value: string }>(
    `SELECT value FROM (SELECT DISTINCT ${column} AS value FROM keyframe_annotations WHERE ${column} IS NOT NULL) s
     ORDER BY value COLLATE "C"`,
  );
  return rows.map((row) => row.value);
}
