import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ECOEYE_COLUMNS, ECOEYE_VIDEO_PATH, KEYFRAME_REVIEWED, LEGACY_TABLES } from '../shared/legacy-schema';
import {
  annotationTagsRows,
  behaviorsRows,
  keyframeAnnotationsRows,
  tagGroupsRows,
  tagOptionsRows,
  tagsRows,
  tagSuggestionsRows,
  timeRangeTagsRows,
  videosRows,
  videoTagsRows,
} from './annotation-rows';
import type { Generation, Row } from './generation';
import {
  ecoeyeAlertsRows,
  fleetVehiclesRows,
  syncConfigRows,
  syncHistoryRows,
  trailersRows,
  trainingJobsRows,
  vehiclePersonLinksRows,
  vehicleTrailerLinksRows,
  yoloExportConfigsRows,
  yoloExportFiltersRows,
  yoloExportLogsRows,
  yoloExportVideosRows,
} from './record-rows';

export interface GenerateOptions {
  /** 1 ≈ one million rows; fractions for small test files */
  scale?: number;
  /** the quirks of real legacy files (text flags, odd timestamps, orphans, broken JSON, invalid UTF-8…) */
  quirks?: boolean;
  /** keyframe_annotations.reviewed exists (added by hand to newer files) */
  reviewed?: boolean;
  /** ecoeye_alerts: the full table, an old one without video_path, or none */
  ecoeye?: 'full' | 'old' | 'none';
  /** the pseudo-random sequence's seed (default 42): other seeds give other files of the same shape */
  seed?: number;
}

export interface GeneratedFile {
  rows: number;
  tables: Record<string, number>;
}

/** A deterministic pseudo-random sequence (mulberry32), so generated files are reproducible. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE_EPOCH = Date.UTC(2024, 0, 1) / 1000;

function sqliteTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A timestamp in one of the forms legacy files hold (quirky variants every few rows). */
function legacyTime(i: number, quirks: boolean): string | number {
  const epoch = BASE_EPOCH + i * 37;
  if (!quirks || i % 10 > 5) return sqliteTime(epoch);
  switch (i % 10) {
    case 0:
      return `${sqliteTime(epoch)}.${String((i * 7919) % 1_000_000).padStart(6, '0')}`;
    case 1:
      return sqliteTime(epoch).replace(' ', 'T');
    case 2:
      return `${new Date((epoch + 7200) * 1000).toISOString().slice(0, 19)}+02:00`;
    case 3:
      return epoch;
    case 4:
      return epoch * 1000 + (i % 1000);
    default:
      return `${new Date(epoch * 1000).toISOString().slice(0, 23)}Z`;
  }
}

function flag(i: number, quirks: boolean): number | string | null {
  if (!quirks) return i % 3 === 0 ? 1 : 0;
  return [0, 1, '0', '1', 'true', 'false', null, 0, 1, 0][i % 10]!;
}

function createLegacyTables(db: Database.Database, { reviewed, ecoeye }: Required<GenerateOptions>): void {
  for (const [name, columns] of Object.entries(LEGACY_TABLES)) {
    db.exec(`CREATE TABLE ${name} (${columns})`);
  }
  if (reviewed) db.exec(`ALTER TABLE keyframe_annotations ADD COLUMN ${KEYFRAME_REVIEWED}`);
  if (ecoeye !== 'none') {
    db.exec(
      `CREATE TABLE ecoeye_alerts (${ECOEYE_COLUMNS}${ecoeye === 'full' ? `, ${ECOEYE_VIDEO_PATH}` : ''})`,
    );
  }
}

/** Inserts rows (objects: their keys name the columns) in one transaction per table; returns the count. */
function insertRows(db: Database.Database, table: string, rows: Iterable<Row>): number {
  let statement: Database.Statement | undefined;
  let count = 0;
  db.transaction(() => {
    for (const row of rows) {
      const columns = Object.keys(row);
      statement ??= db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      statement.run(...Object.values(row));
      count++;
    }
  })();
  return count;
}

/** Fills every table, in the order the random sequence was laid down in. */
function fillTables(
  g: Generation,
  insert: (table: string, rows: Iterable<Row>) => void,
  exec: (sql: string) => void,
) {
  insert('videos', videosRows(g));
  insert('tags', tagsRows(g));
  insert('video_tags', videoTagsRows(g));
  insert('behaviors', behaviorsRows(g));
  insert('time_range_tags', timeRangeTagsRows(g));
  insert('keyframe_annotations', keyframeAnnotationsRows(g));
  // text SQLite holds as it was given: invalid UTF-8 (a stray 0xff, a cut-off sequence)
  if (g.quirks)
    exec(`UPDATE keyframe_annotations SET comment = CAST(x'6361666eff20c3' AS TEXT) WHERE id % 10000 = 13`);
  insert('tag_groups', tagGroupsRows(g));
  insert('tag_options', tagOptionsRows(g));
  insert('annotation_tags', annotationTagsRows(g));
  insert('tag_suggestions', tagSuggestionsRows(g));
  insert('yolo_export_configs', yoloExportConfigsRows(g));
  insert('yolo_export_videos', yoloExportVideosRows(g));
  insert('yolo_export_filters', yoloExportFiltersRows(g));
  insert('yolo_export_logs', yoloExportLogsRows(g));
  insert('fleet_vehicles', fleetVehiclesRows(g));
  insert('vehicle_person_links', vehiclePersonLinksRows(g));
  insert('trailers', trailersRows(g));
  insert('vehicle_trailer_links', vehicleTrailerLinksRows(g));
  insert('sync_config', syncConfigRows(g));
  insert('sync_history', syncHistoryRows(g));
  if (g.ecoeye !== 'none') insert('ecoeye_alerts', ecoeyeAlertsRows(g));
  insert('training_jobs', trainingJobsRows(g));
}

/**
 * Writes a synthetic legacy archive with the legacy DDL (~1M rows at scale 1). With quirks, a known share of rows
 * cannot go in as they are (orphans, fractional bbox, broken JSON, invalid UTF-8, duplicates after conversion).
 */
export function generateLegacyFile(path: string, options: GenerateOptions = {}): GeneratedFile {
  const { scale = 1, quirks = true, reviewed = true, ecoeye = 'full', seed = 42 } = options;
  const n = (count: number, minimum = 1) => Math.max(minimum, Math.round(count * scale));
  if (existsSync(path)) rmSync(path);
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF'); // the legacy app never enabled them: orphans exist
  createLegacyTables(db, { scale, quirks, reviewed, ecoeye, seed });
  const generation: Generation = {
    quirks,
    reviewed,
    ecoeye,
    rand: random(seed),
    time: (i) => legacyTime(i, quirks),
    flag: (i) => flag(i, quirks),
    sizes: {
      videos: n(10_000, 20),
      tags: n(500, 5),
      keyframes: n(380_000, 20),
      groups: 30,
      configs: 20,
      vehicles: n(1_000, 5),
      trailers: n(500, 5),
    },
    n,
  };
  const counts: Record<string, number> = {};
  fillTables(
    generation,
    (table, rows) => (counts[table] = insertRows(db, table, rows)),
    (sql) => db.exec(sql),
  );
  db.close();
  return { rows: Object.values(counts).reduce((sum, count) => sum + count, 0), tables: counts };
}
