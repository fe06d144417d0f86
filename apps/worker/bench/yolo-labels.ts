import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import { createBenchDatabase } from '@groundtruth/db/testing';
import { exportYoloDataset } from '@groundtruth/domain';
import { mediaTools } from '@groundtruth/media';
import type { BenchFigures } from './main';

const ANNOTATIONS = 100_000;
const VIDEOS = 200;

/** YOLO label export of 100,000 keyframe boxes (labels + split + data.yaml + log row; no frame decoding). */
export async function yoloLabelExportBench(): Promise<BenchFigures> {
  const exportsDir = mkdtempSync(path.join(os.tmpdir(), 'gt-bench-yolo-'));
  const database = await createBenchDatabase('yolo');
  try {
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: database.url,
      EXPORTS_DIR: exportsDir,
      LOG_LEVEL: 'silent',
    });
    const db = createDatabase(databaseOptionsFromConfig(config, 'bench-yolo'));
    try {
      await db.pool.query(
        `INSERT INTO videos (filename, width, height) SELECT 'v' || i || '.mp4', 1920, 1080 FROM generate_series(1, $1) i`,
        [VIDEOS],
      );
      await db.pool.query(
        `INSERT INTO keyframe_annotations (video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height, activity_tag, reviewed)
         SELECT v.id, (i / $2) * 0.5, (i * 7) % 1700, (i * 3) % 900, 50 + i % 150, 40 + i % 120,
                (ARRAY['walking','running','standing','vehicle'])[1 + i % 4], true
         FROM generate_series(0, $1 - 1) i JOIN videos v ON v.id = 1 + i % $2`,
        [ANNOTATIONS, VIDEOS],
      );
      const { rows } = await db.pool.query<{ id: number }>(
        `INSERT INTO yolo_export_configs (config_name, class_mapping)
         VALUES ('bench', '{"walking":0,"running":1,"standing":2,"vehicle":3}') RETURNING id`,
      );
      const started = performance.now();
      const result = await exportYoloDataset(
        { config, db, media: mediaTools(config) },
        { config_id: rows[0]!.id, extract_frames: false, output_name: 'bench' },
      );
      const wallMs = performance.now() - started;
      if (result.annotation_count !== ANNOTATIONS) {
        throw new Error(`exported ${result.annotation_count} of ${ANNOTATIONS} annotations`);
      }
      return {
        name: `YOLO label export (${ANNOTATIONS} annotations, ${result.frame_count} label files)`,
        wallMs,
        jobs: ANNOTATIONS,
        goalMs: 10_000,
      };
    } finally {
      await db.close();
    }
  } finally {
    await database.drop();
    rmSync(exportsDir, { recursive: true, force: true });
  }
}
