/** Helpers of concurrency.test.ts: a seeded generator and the orphan checks. */

/** mulberry32: a small seeded generator. */
export function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (max: number) => Math.floor(next() * max),
    shuffle<T>(items: T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i -= 1) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
  };
}

export interface Answer {
  label: string;
  status: number;
  body: { success?: boolean; error?: string } & Record<string, unknown>;
}

/** Relations without a foreign key (or whose cascade must have fired): each query counts orphans. */
export const ORPHAN_CHECKS: Record<string, string> = {
  'annotation_tags → keyframe_annotations': `SELECT count(*)::int AS n FROM annotation_tags a
    WHERE a.annotation_type = 'keyframe' AND NOT EXISTS (SELECT 1 FROM keyframe_annotations k WHERE k.id = a.annotation_id)`,
  'annotation_tags → time_range_tags': `SELECT count(*)::int AS n FROM annotation_tags a
    WHERE a.annotation_type = 'time_range' AND NOT EXISTS (SELECT 1 FROM time_range_tags r WHERE r.id = a.annotation_id)`,
  'annotation_tags → tag_groups': `SELECT count(*)::int AS n FROM annotation_tags a
    WHERE NOT EXISTS (SELECT 1 FROM tag_groups g WHERE g.id = a.group_id)`,
  'keyframe_annotations → videos': `SELECT count(*)::int AS n FROM keyframe_annotations k
    WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = k.video_id)`,
  'time_range_tags → videos': `SELECT count(*)::int AS n FROM time_range_tags r
    WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = r.video_id)`,
  'video_tags → videos, tags': `SELECT count(*)::int AS n FROM video_tags vt
    WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = vt.video_id)
       OR NOT EXISTS (SELECT 1 FROM tags t WHERE t.id = vt.tag_id)`,
  'yolo_export_filters → yolo_export_configs': `SELECT count(*)::int AS n FROM yolo_export_filters f
    WHERE NOT EXISTS (SELECT 1 FROM yolo_export_configs c WHERE c.id = f.export_config_id)`,
  'yolo_export_videos → configs, videos': `SELECT count(*)::int AS n FROM yolo_export_videos x
    WHERE NOT EXISTS (SELECT 1 FROM yolo_export_configs c WHERE c.id = x.export_config_id)
       OR NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = x.video_id)`,
};
