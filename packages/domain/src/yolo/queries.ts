import type { Database } from '@groundtruth/db';
import { sqlFlag, sqlTimestamp, type Queryable } from '../shared/sql';
import { MAX_INT4 } from '../shared/input';
import type { NewYoloConfig, NewYoloFilter, YoloAnnotation, YoloConfigRow } from './schemas';

const CONFIG_COLUMNS = `id, config_name, description, class_mapping,
  ${sqlFlag('include_reviewed_only')} AS include_reviewed_only, ${sqlFlag('include_ai_generated')} AS include_ai_generated,
  ${sqlFlag('include_negative_examples')} AS include_negative_examples, min_confidence, export_format,
  ${sqlTimestamp('created_date')} AS created_date, ${sqlTimestamp('last_export_date')} AS last_export_date,
  last_export_count`;

export async function listYoloConfigs(db: Database): Promise<YoloConfigRow[]> {
  const { rows } = await db.pool.query<YoloConfigRow>(
    `SELECT ${CONFIG_COLUMNS} FROM yolo_export_configs ORDER BY created_date DESC, id DESC`,
  );
  return rows;
}

export async function getYoloConfig(db: Database, id: number): Promise<YoloConfigRow | undefined> {
  const { rows } = await db.pool.query<YoloConfigRow>(
    `SELECT ${CONFIG_COLUMNS} FROM yolo_export_configs WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Returns undefined when the name is taken. */
export async function createYoloConfig(db: Database, input: NewYoloConfig): Promise<number | undefined> {
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO yolo_export_configs (config_name, description, class_mapping, include_reviewed_only,
       include_ai_generated, include_negative_examples, min_confidence, export_format)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, 'yolov8') ON CONFLICT (config_name) DO NOTHING RETURNING id`,
    [
      input.config_name,
      input.description,
      JSON.stringify(input.class_mapping),
      input.include_reviewed_only,
      input.include_ai_generated,
      input.include_negative_examples,
      input.min_confidence,
    ],
  );
  return rows[0]?.id;
}

/**
 * Adds the filter under a KEY SHARE lock of its config (taken by the same statement), so a config delete racing it
 * either waits or leaves nothing to insert. False when the config does not exist (any more).
 */
export async function addYoloFilter(db: Database, configId: number, filter: NewYoloFilter): Promise<boolean> {
  const { rowCount } = await db.pool.query(
    `INSERT INTO yolo_export_filters (export_config_id, filter_type, filter_value, is_exclusion)
     SELECT id, $2, $3, $4 FROM yolo_export_configs WHERE id = $1 FOR KEY SHARE`,
    [configId, filter.filter_type, filter.filter_value, filter.is_exclusion],
  );
  return (rowCount ?? 0) > 0;
}

async function videosMatching(db: Database, filterType: string, value: string): Promise<number[]> {
  let sql: string | undefined;
  let params: unknown[] = [value];
  switch (filterType) {
    case 'tag':
      sql = `SELECT DISTINCT vt.video_id AS id FROM video_tags vt JOIN tags t ON t.id = vt.tag_id WHERE t.name = $1`;
      break;
    case 'activity_tag':
      sql = `SELECT DISTINCT video_id AS id FROM keyframe_annotations WHERE activity_tag = $1`;
      break;
    case 'annotation_tag': {
      const separator = value.indexOf(':');
      if (separator < 0) return [];
      params = [value.slice(0, separator), value.slice(separator + 1)];
      sql = `SELECT DISTINCT k.video_id AS id FROM keyframe_annotations k
        JOIN annotation_tags at ON at.annotation_id = k.id AND at.annotation_type = 'keyframe'
        JOIN tag_groups g ON g.id = at.group_id WHERE g.group_name = $1 AND at.tag_value = $2`;
      break;
    }
    case 'video_id': {
      const id = Number(value);
      if (!Number.isInteger(id) || id < 0 || id > MAX_INT4) return []; // no INTEGER id: matches nothing
      params = [id];
      sql = `SELECT id FROM videos WHERE id = $1`;
      break;
    }
    default:
      return []; // unknown types (date_range) match nothing, as in the legacy app
  }
  const { rows } = await db.pool.query<{ id: number }>(sql, params);
  return rows.map((row) => row.id);
}

/**
 * The videos a config selects (api.md route 39): no filters → every video with a usable box; otherwise filters in
 * insertion order on a running set (inclusion replaces an empty set, else intersects; exclusion subtracts).
 */
export async function selectYoloVideos(db: Database, configId: number): Promise<number[]> {
  const { rows: filters } = await db.pool.query<{
    filter_type: string;
    filter_value: string;
    is_exclusion: boolean;
  }>(
    `SELECT filter_type, filter_value, is_exclusion FROM yolo_export_filters WHERE export_config_id = $1 ORDER BY id`,
    [configId],
  );
  if (filters.length === 0) {
    const { rows } = await db.pool.query<{ id: number }>(
      `SELECT DISTINCT video_id AS id FROM keyframe_annotations WHERE bbox_x IS NOT NULL AND bbox_width > 0 ORDER BY 1`,
    );
    return rows.map((row) => row.id);
  }
  let selected = new Set<number>();
  for (const filter of filters) {
    const matching = new Set(await videosMatching(db, filter.filter_type, filter.filter_value));
    if (filter.is_exclusion) selected = new Set([...selected].filter((id) => !matching.has(id)));
    else if (selected.size === 0) selected = matching;
    else selected = new Set([...selected].filter((id) => matching.has(id)));
  }
  return [...selected].sort((a, b) => a - b);
}

/** Keyframe boxes the export writes: the config's flags applied (§4.1 route 41), mapped classes only. */
export async function yoloExportAnnotations(
  db: Database,
  config: YoloConfigRow,
  videoIds: number[],
): Promise<YoloAnnotation[]> {
  const { rows } = await db.pool.query<YoloAnnotation>(
    `SELECT k.id, k.video_id, k.timestamp, k.bbox_x, k.bbox_y, k.bbox_width, k.bbox_height, k.activity_tag,
       k.is_negative, v.filename, v.width, v.height
     FROM keyframe_annotations k JOIN videos v ON v.id = k.video_id
     WHERE k.video_id = ANY($1::int[]) AND k.bbox_width > 0 AND k.activity_tag = ANY($2::text[])
       AND ($3::boolean IS NOT TRUE OR k.reviewed IS TRUE)
       AND ($4::boolean IS NOT FALSE OR k.reviewed IS NOT FALSE)
       AND ($5::boolean IS NOT FALSE OR k.is_negative IS NOT TRUE)
     ORDER BY k.video_id, k.timestamp, k.id`,
    [
      videoIds,
      Object.keys(config.class_mapping),
      config.include_reviewed_only === 1,
      config.include_ai_generated !== 0,
      config.include_negative_examples !== 0,
    ],
  );
  return rows;
}

/** The config's videos and the boxes the export writes from them: preview and export count alike (§9 #28). */
export async function yoloSelection(
  db: Database,
  config: YoloConfigRow,
): Promise<{ videoIds: number[]; annotations: YoloAnnotation[] }> {
  const videoIds = await selectYoloVideos(db, config.id);
  return { videoIds, annotations: await yoloExportAnnotations(db, config, videoIds) };
}

export async function yoloActivityTags(db: Database): Promise<{ name: string; count: number }[]> {
  const { rows } = await db.pool.query<{ name: string; count: number }>(
    `SELECT activity_tag AS name, count(*)::int AS count FROM keyframe_annotations
     WHERE activity_tag IS NOT NULL AND activity_tag <> '' GROUP BY activity_tag ORDER BY count DESC, name`,
  );
  return rows;
}

// ---- an export's record: both in the caller's transaction

export async function insertYoloExportLog(
  client: Queryable,
  log: { configId: number; exportPath: string; videoCount: number; annotationCount: number },
): Promise<void> {
  await client.query(
    `INSERT INTO yolo_export_logs (export_config_id, export_path, video_count, annotation_count, export_format)
     VALUES ($1, $2, $3, $4, 'yolov8')`,
    [log.configId, log.exportPath, log.videoCount, log.annotationCount],
  );
}

export async function markYoloConfigExported(
  client: Queryable,
  configId: number,
  annotationCount: number,
): Promise<void> {
  await client.query(
    `UPDATE yolo_export_configs SET last_export_date = timezone('utc', now()), last_export_count = $2 WHERE id = $1`,
    [configId, annotationCount],
  );
}
