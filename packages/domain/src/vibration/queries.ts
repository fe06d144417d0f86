import type { Database } from '@groundtruth/db';
import type { VibrationSample, VibrationSampleRow, VibrationTagCount } from './schemas';

/** Time-range tag names with how often each is used, most frequent first (route 83, api.md §4.9). */
export async function listVibrationTags(db: Database): Promise<VibrationTagCount[]> {
  const { rows } = await db.pool.query<VibrationTagCount>(
    `SELECT tag_name,
            count(*)::int AS count,
            count(*) FILTER (WHERE is_negative)::int AS negative_count
     FROM time_range_tags
     GROUP BY tag_name
     ORDER BY count(*) DESC, tag_name`,
  );
  return rows;
}

/** Time-range tags with their video and their time_range annotation tags as extra columns (api.md route 84). */
export async function vibrationSamples(
  db: Database,
  tagFilter?: string,
): Promise<{ samples: VibrationSample[]; groupNames: string[] }> {
  const { rows } = await db.pool.query<VibrationSampleRow>(
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
