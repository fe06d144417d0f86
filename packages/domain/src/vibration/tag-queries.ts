import type { PrismaClient } from '@groundtruth/db';

/** Time-range tag names with how often each is used, most frequent first (route 83, api.md §4.9). */
export interface VibrationTagCount {
  tag_name: string;
  count: number;
  negative_count: number;
}

export async function listVibrationTags(prisma: PrismaClient): Promise<VibrationTagCount[]> {
  const rows = await prisma.$queryRaw<VibrationTagCount[]>`
    SELECT tag_name,
           count(*)::int AS count,
           count(*) FILTER (WHERE is_negative)::int AS negative_count
    FROM time_range_tags
    GROUP BY tag_name
    ORDER BY count(*) DESC, tag_name`;
  return rows;
}
