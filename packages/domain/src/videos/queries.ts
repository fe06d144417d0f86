import { unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Database, Prisma } from '@groundtruth/db';
import { fileInside } from '../shared/files';
import type { BehaviorRow, ListVideosOptions, NewBehavior, VideoListItem, VideoWithTags } from './schemas';
import { containsPattern, preparedStatement, sqlTimestamp } from '../shared/sql';

/** `videos` columns in table order, as the legacy app returned them (route 2, Video in api.md §2.1). */
const VIDEO_COLUMNS = `v.id, v.filename, v.original_url, v.title, v.duration, v.width, v.height,
  v.file_size::float8 AS file_size, v.thumbnail_path, ${sqlTimestamp('v.upload_date')} AS upload_date, v.notes`;

/** Distinct legacy tag names of the video, joined by ", " (null when none); §9 #2 fixed the duplicates. */
const VIDEO_TAG_NAMES = `(SELECT string_agg(t.name, ', ' ORDER BY t.name) FROM video_tags vt
  JOIN tags t ON t.id = vt.tag_id WHERE vt.video_id = v.id)`;

const ECOEYE_PREFIX = 'ecoeye://';
const NO_VIDEO_PREFIX = '[No Video] ';

/** The computed fields of the list form (Video+ in api.md §2.1). */
export function withListFields(row: VideoWithTags & { annotation_count: number }): VideoListItem {
  const item: VideoListItem = {
    ...row,
    is_ecoeye_import: row.original_url?.startsWith(ECOEYE_PREFIX) ?? false,
    has_video_file: !row.filename.endsWith('.placeholder'),
  };
  if (item.is_ecoeye_import) {
    item.ecoeye_event_id = row.original_url!.slice(ECOEYE_PREFIX.length);
    if (row.title?.startsWith(NO_VIDEO_PREFIX)) {
      const rest = row.title.slice(NO_VIDEO_PREFIX.length);
      const dash = rest.indexOf(' - ');
      item.ecoeye_camera = dash >= 0 ? rest.slice(0, dash) : rest;
    }
  }
  return item;
}

/** Keyframe annotations of the video `v` (an index-only scan of `(video_id, timestamp)`). */
const KEYFRAME_COUNT = `(SELECT count(*)::int FROM keyframe_annotations k WHERE k.video_id = v.id)`;

/**
 * One page of the list ($1 limit, NULL = all; $2 offset), newest first with NULL dates last as in SQLite. The rows
 * come from `idx_videos_upload_date` alone (dated rows in index order, then the few undated ones), so only the page's
 * rows are read, and only the page's rows are formatted and get their tag names and keyframe counts.
 */
const VIDEO_PAGE = `SELECT ${VIDEO_COLUMNS}, ${VIDEO_TAG_NAMES} AS tags, ${KEYFRAME_COUNT} AS annotation_count
  FROM (
    SELECT * FROM (
      (SELECT * FROM videos WHERE upload_date IS NOT NULL
       ORDER BY upload_date DESC, id DESC LIMIT $1::bigint + $2::bigint)
      UNION ALL
      (SELECT * FROM videos WHERE upload_date IS NULL ORDER BY id DESC LIMIT $1::bigint + $2::bigint)
    ) candidates
    ORDER BY upload_date DESC NULLS LAST, id DESC LIMIT $1::bigint OFFSET $2::bigint
  ) v
  ORDER BY v.upload_date DESC NULLS LAST, v.id DESC`;

/**
 * Route 1. Without a search term: newest first, paginated. With one: every video whose title, filename, notes, legacy
 * tag names, keyframe activity tags/comments or keyframe annotation tag groups/values contain the term (ASCII
 * case-insensitive), newest first, limit/offset ignored, as the contract describes.
 */
export async function listVideos(db: Database, options: ListVideosOptions = {}): Promise<VideoListItem[]> {
  const search = options.search?.trim() ?? '';
  let rows: (VideoWithTags & { annotation_count: number })[];
  if (search) {
    ({ rows } = await db.pool.query<VideoWithTags & { annotation_count: number }>(
      `SELECT ${VIDEO_COLUMNS}, ${VIDEO_TAG_NAMES} AS tags, ${KEYFRAME_COUNT} AS annotation_count FROM videos v
       WHERE v.title ILIKE $1 OR v.filename ILIKE $1 OR v.notes ILIKE $1
        OR EXISTS (SELECT 1 FROM video_tags vt JOIN tags t ON t.id = vt.tag_id
                   WHERE vt.video_id = v.id AND t.name ILIKE $1)
        OR EXISTS (SELECT 1 FROM keyframe_annotations k
                   WHERE k.video_id = v.id AND (k.activity_tag ILIKE $1 OR k.comment ILIKE $1))
        OR EXISTS (SELECT 1 FROM keyframe_annotations k
                   JOIN annotation_tags a ON a.annotation_id = k.id AND a.annotation_type = 'keyframe'
                   JOIN tag_groups g ON g.id = a.group_id
                   WHERE k.video_id = v.id AND (g.group_name ILIKE $1 OR a.tag_value ILIKE $1))
      ORDER BY v.upload_date DESC NULLS LAST, v.id DESC`,
      [containsPattern(search)],
    ));
  } else {
    const limit = options.limit === null || options.limit === undefined ? 100 : options.limit;
    ({ rows } = await db.pool.query<VideoWithTags & { annotation_count: number }>({
      ...preparedStatement('list_videos_page', VIDEO_PAGE),
      values: [limit < 0 ? null : limit, options.offset ?? 0],
    }));
  }
  return rows.map(withListFields);
}

export async function videoExists(db: Database, videoId: number): Promise<boolean> {
  const { rowCount } = await db.pool.query('SELECT 1 FROM videos WHERE id = $1', [videoId]);
  return (rowCount ?? 0) > 0;
}

/** The video and its behaviors (as one JSON array) in one statement: one pooled connection per request. */
const VIDEO_WITH_BEHAVIORS = `SELECT ${VIDEO_COLUMNS}, ${VIDEO_TAG_NAMES} AS tags,
    (SELECT coalesce(json_agg(b ORDER BY b.start_time NULLS FIRST, b.id), '[]')
     FROM (SELECT id, video_id, behavior_type, start_time, end_time, confidence, notes,
             ${sqlTimestamp('annotated_date')} AS annotated_date
           FROM behaviors WHERE video_id = v.id) b) AS behaviors
  FROM videos v WHERE v.id = $1`;

/** Route 2: the row plus its legacy tag names (§9 #32) and behaviors by start time; null when unknown. */
export async function getVideo(
  db: Database,
  videoId: number,
): Promise<{ video: VideoWithTags; behaviors: BehaviorRow[] } | null> {
  const { rows } = await db.pool.query<VideoWithTags & { behaviors: BehaviorRow[] }>({
    ...preparedStatement('get_video', VIDEO_WITH_BEHAVIORS),
    values: [videoId],
  });
  if (rows.length === 0) return null;
  const { behaviors, ...video } = rows[0]!;
  return { video, behaviors };
}

async function removeFile(file: string | null): Promise<void> {
  if (!file) return;
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

type Tx = Prisma.TransactionClient;

/**
 * Route 3: deletes the row (children cascade) and the annotation tags of its keyframes and time-range tags (no FK),
 * in one transaction, then the video and thumbnail files. Lock order: the video row, then its keyframes and
 * time-range tags, then their annotation tags, each in id order, so it cannot deadlock with a child write (which
 * holds KEY SHARE on the video first). Files are only ever removed inside the media folders: legacy rows holding
 * absolute server paths are matched by basename. Returns false when the video does not exist.
 */
export async function deleteVideo(
  db: Database,
  videoId: number,
  folders: { downloadsDir: string; thumbnailsDir: string },
): Promise<boolean> {
  const video = await db.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ filename: string; thumbnail_path: string | null }[]>`
      SELECT filename, thumbnail_path FROM videos WHERE id = ${videoId} FOR UPDATE`;
    if (!row) return null;
    const keyframes = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM keyframe_annotations WHERE video_id = ${videoId} ORDER BY id FOR UPDATE`;
    const ranges = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM time_range_tags WHERE video_id = ${videoId} ORDER BY id FOR UPDATE`;
    const keyframeIds = keyframes.map((keyframe) => keyframe.id);
    const rangeIds = ranges.map((range) => range.id);
    await tx.$queryRaw`SELECT id FROM annotation_tags a
      WHERE (a.annotation_type = 'keyframe' AND a.annotation_id = ANY(${keyframeIds}::int[]))
         OR (a.annotation_type = 'time_range' AND a.annotation_id = ANY(${rangeIds}::int[]))
      ORDER BY id FOR UPDATE`;
    await tx.$executeRaw`DELETE FROM annotation_tags a
      WHERE (a.annotation_type = 'keyframe' AND a.annotation_id = ANY(${keyframeIds}::int[]))
         OR (a.annotation_type = 'time_range' AND a.annotation_id = ANY(${rangeIds}::int[]))`;
    await tx.$executeRaw`DELETE FROM videos WHERE id = ${videoId}`;
    return { filename: row.filename, thumbnailPath: row.thumbnail_path };
  });
  if (!video) return false;
  const mediaFile = (root: string, stored: string) =>
    path.isAbsolute(stored) ? fileInside(root, path.basename(stored)) : fileInside(root, stored);
  await Promise.all([
    removeFile(mediaFile(folders.downloadsDir, video.filename)),
    video.thumbnailPath ? removeFile(mediaFile(folders.thumbnailsDir, video.thumbnailPath)) : undefined,
  ]);
  return true;
}

/** Route 11. */
export async function createBehavior(tx: Tx, videoId: number, input: NewBehavior): Promise<number> {
  const row = await tx.behavior.create({
    data: {
      videoId,
      behaviorType: input.behavior_type,
      startTime: input.start_time ?? null,
      endTime: input.end_time ?? null,
      confidence: input.confidence ?? null,
      notes: input.notes ?? null,
    },
    select: { id: true },
  });
  return row.id;
}
