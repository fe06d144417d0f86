import type { Database } from '@groundtruth/db';

export interface VibrationSample {
  video_id: number;
  video_title: string | null;
  filename: string | null;
  tag_name: string;
  start_time: number;
  end_time: number | null;
  duration: number | null;
  is_negative: boolean;
  comment: string | null;
  /** the `ground_truth` annotation tag when present, else the tag name */
  label: string;
  [group: string]: unknown;
}

/** Time-range tags with their video and their time_range annotation tags as extra columns (api.md route 84). */
export async function vibrationSamples(
  db: Database,
  tagFilter?: string,
): Promise<{ samples: VibrationSample[]; groupNames: string[] }> {
  const { rows } = await db.pool.query<{
    id: number;
    video_id: number;
    video_title: string | null;
    filename: string | null;
    tag_name: string;
    start_time: number;
    end_time: number | null;
    is_negative: boolean | null;
    comment: string | null;
    tags: Record<string, string> | null;
  }>(
    `SELECT t.id, t.video_id, v.title AS video_title, v.filename, t.tag_name, t.start_time, t.end_time,
       t.is_negative, t.comment,
       (SELECT jsonb_object_agg(g.group_name, at.tag_value) FROM annotation_tags at
          JOIN tag_groups g ON g.id = at.group_id
        WHERE at.annotation_id = t.id AND at.annotation_type = 'time_range') AS tags
     FROM time_range_tags t JOIN videos v ON v.id = t.video_id
     WHERE ($1::text IS NULL OR t.tag_name = $1) ORDER BY t.id`,
    [tagFilter ?? null],
  );
  const groups = new Set<string>();
  const samples = rows.map((row) => {
    const tags = row.tags ?? {};
    for (const name of Object.keys(tags)) groups.add(name);
    return {
      video_id: row.video_id,
      video_title: row.video_title,
      filename: row.filename,
      tag_name: row.tag_name,
      start_time: row.start_time,
      end_time: row.end_time,
      duration: row.end_time === null ? null : row.end_time - row.start_time,
      is_negative: row.is_negative === true,
      comment: row.comment,
      label: tags.ground_truth ?? row.tag_name,
      ...tags,
    };
  });
  return { samples, groupNames: [...groups].sort() };
}
