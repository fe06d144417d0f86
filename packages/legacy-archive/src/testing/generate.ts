import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The legacy app's tables as its SQLite files hold them (shared/fixtures/legacy/video_archive.db). */
const LEGACY_TABLES: Record<string, string> = {
  videos: `id INTEGER PRIMARY KEY AUTOINCREMENT, filename TEXT NOT NULL UNIQUE, original_url TEXT, title TEXT,
    duration REAL, width INTEGER, height INTEGER, file_size INTEGER, thumbnail_path TEXT,
    upload_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, notes TEXT`,
  tags: `id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, category TEXT,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP`,
  video_tags: `video_id INTEGER, tag_id INTEGER, added_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (video_id, tag_id), FOREIGN KEY (video_id) REFERENCES videos(id) ON DELETE CASCADE,
    FOREIGN KEY (tag_id) REFERENCES tags(id) ON DELETE CASCADE`,
  behaviors: `id INTEGER PRIMARY KEY AUTOINCREMENT, video_id INTEGER, behavior_type TEXT NOT NULL, start_time REAL,
    end_time REAL, confidence REAL, notes TEXT, annotated_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (video_id) REFERENCES videos(id) ON DELETE CASCADE`,
  time_range_tags: `id INTEGER PRIMARY KEY AUTOINCREMENT, video_id INTEGER NOT NULL, tag_name TEXT NOT NULL,
    start_time REAL NOT NULL, end_time REAL, is_negative INTEGER DEFAULT 0, comment TEXT,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, FOREIGN KEY (video_id) REFERENCES videos(id) ON DELETE CASCADE`,
  keyframe_annotations: `id INTEGER PRIMARY KEY AUTOINCREMENT, video_id INTEGER NOT NULL, timestamp REAL NOT NULL,
    bbox_x INTEGER NOT NULL, bbox_y INTEGER NOT NULL, bbox_width INTEGER NOT NULL, bbox_height INTEGER NOT NULL,
    activity_tag TEXT, moment_tag TEXT, is_negative INTEGER DEFAULT 0, comment TEXT,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, FOREIGN KEY (video_id) REFERENCES videos(id) ON DELETE CASCADE`,
  tag_groups: `id INTEGER PRIMARY KEY AUTOINCREMENT, group_name TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    group_type TEXT NOT NULL, description TEXT, is_required INTEGER DEFAULT 0, applies_to TEXT,
    sort_order INTEGER DEFAULT 0, created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP`,
  tag_options: `id INTEGER PRIMARY KEY AUTOINCREMENT, group_id INTEGER NOT NULL, option_value TEXT NOT NULL,
    display_text TEXT NOT NULL, is_negative INTEGER DEFAULT 0, description TEXT, sort_order INTEGER DEFAULT 0,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, FOREIGN KEY (group_id) REFERENCES tag_groups(id) ON DELETE CASCADE`,
  annotation_tags: `id INTEGER PRIMARY KEY AUTOINCREMENT, annotation_id INTEGER NOT NULL, annotation_type TEXT NOT NULL,
    group_id INTEGER NOT NULL, tag_value TEXT NOT NULL, created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (group_id) REFERENCES tag_groups(id) ON DELETE CASCADE`,
  tag_suggestions: `id INTEGER PRIMARY KEY AUTOINCREMENT, category TEXT NOT NULL, tag_text TEXT NOT NULL,
    is_negative INTEGER DEFAULT 0, description TEXT, sort_order INTEGER DEFAULT 0,
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP`,
  yolo_export_configs: `id INTEGER PRIMARY KEY AUTOINCREMENT, config_name TEXT NOT NULL UNIQUE, description TEXT,
    class_mapping TEXT NOT NULL, include_reviewed_only INTEGER DEFAULT 0, include_ai_generated INTEGER DEFAULT 1,
    include_negative_examples INTEGER DEFAULT 1, min_confidence REAL DEFAULT 0.0, export_format TEXT DEFAULT 'yolov8',
    created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, last_export_date TIMESTAMP, last_export_count INTEGER DEFAULT 0`,
  yolo_export_videos: `id INTEGER PRIMARY KEY AUTOINCREMENT, export_config_id INTEGER NOT NULL, video_id INTEGER NOT NULL,
    included INTEGER DEFAULT 1, notes TEXT, created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (export_config_id) REFERENCES yolo_export_configs(id) ON DELETE CASCADE,
    FOREIGN KEY (video_id) REFERENCES videos(id) ON DELETE CASCADE, UNIQUE(export_config_id, video_id)`,
  yolo_export_filters: `id INTEGER PRIMARY KEY AUTOINCREMENT, export_config_id INTEGER NOT NULL, filter_type TEXT NOT NULL,
    filter_value TEXT NOT NULL, is_exclusion INTEGER DEFAULT 0, created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (export_config_id) REFERENCES yolo_export_configs(id) ON DELETE CASCADE`,
  yolo_export_logs: `id INTEGER PRIMARY KEY AUTOINCREMENT, export_config_id INTEGER NOT NULL, export_path TEXT NOT NULL,
    video_count INTEGER NOT NULL, annotation_count INTEGER NOT NULL, export_format TEXT NOT NULL,
    export_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, notes TEXT,
    FOREIGN KEY (export_config_id) REFERENCES yolo_export_configs(id) ON DELETE CASCADE`,
  fleet_vehicles: `id INTEGER PRIMARY KEY AUTOINCREMENT, fleet_id TEXT NOT NULL UNIQUE, fleet_type TEXT, vehicle_type TEXT,
    vehicle_make TEXT, vehicle_model TEXT, primary_color TEXT, secondary_color TEXT, agency_name TEXT, plate_number TEXT,
    plate_state TEXT, first_seen_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, last_seen_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    total_detections INTEGER DEFAULT 0, notes TEXT`,
  vehicle_person_links: `id INTEGER PRIMARY KEY AUTOINCREMENT, vehicle_fleet_id TEXT NOT NULL, person_name TEXT NOT NULL,
    first_seen_together TIMESTAMP DEFAULT CURRENT_TIMESTAMP, last_seen_together TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    times_seen_together INTEGER DEFAULT 1,
    FOREIGN KEY (vehicle_fleet_id) REFERENCES fleet_vehicles(fleet_id) ON DELETE CASCADE`,
  trailers: `id INTEGER PRIMARY KEY AUTOINCREMENT, trailer_id TEXT NOT NULL UNIQUE, trailer_type TEXT, trailer_color TEXT,
    plate_number TEXT, plate_state TEXT, first_seen_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    last_seen_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, total_detections INTEGER DEFAULT 0, notes TEXT`,
  vehicle_trailer_links: `id INTEGER PRIMARY KEY AUTOINCREMENT, vehicle_fleet_id TEXT NOT NULL, trailer_id TEXT NOT NULL,
    first_seen_together TIMESTAMP DEFAULT CURRENT_TIMESTAMP, last_seen_together TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    times_seen_together INTEGER DEFAULT 1,
    FOREIGN KEY (vehicle_fleet_id) REFERENCES fleet_vehicles(fleet_id) ON DELETE CASCADE,
    FOREIGN KEY (trailer_id) REFERENCES trailers(trailer_id) ON DELETE CASCADE`,
  sync_config: `id INTEGER PRIMARY KEY AUTOINCREMENT, config_key TEXT UNIQUE NOT NULL, config_value TEXT,
    is_encrypted BOOLEAN DEFAULT 0, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP`,
  sync_history: `id INTEGER PRIMARY KEY AUTOINCREMENT, sync_type TEXT NOT NULL, status TEXT NOT NULL,
    started_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, completed_at TIMESTAMP, items_processed INTEGER DEFAULT 0,
    items_succeeded INTEGER DEFAULT 0, items_failed INTEGER DEFAULT 0, error_message TEXT, details TEXT`,
  training_jobs: `id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL UNIQUE, job_type TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', s3_uri TEXT, config_json TEXT, result_json TEXT, error_message TEXT,
    submitted_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, completed_at TIMESTAMP, export_config_id INTEGER,
    FOREIGN KEY (export_config_id) REFERENCES yolo_export_configs(id)`,
};

const ECOEYE_COLUMNS = `id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT UNIQUE NOT NULL, camera_id TEXT, timestamp TEXT,
  alert_type TEXT, confidence REAL, video_id TEXT, video_available BOOLEAN, video_downloaded BOOLEAN DEFAULT 0,
  local_video_path TEXT, metadata TEXT, synced_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP`;

export interface GenerateOptions {
  /** 1 ≈ one million rows; fractions for small test files */
  scale?: number;
  /** the quirks of real legacy files (text flags, odd timestamps, orphans, broken JSON, invalid UTF-8…) */
  quirks?: boolean;
  /** keyframe_annotations.reviewed exists (added by hand to newer files) */
  reviewed?: boolean;
  /** ecoeye_alerts: the full table, an old one without video_path, or none */
  ecoeye?: 'full' | 'old' | 'none';
}

export interface GeneratedFile {
  rows: number;
  tables: Record<string, number>;
}

/** A deterministic pseudo-random sequence (mulberry32), so generated files are reproducible. */
function random(seed: number): () => number {
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

/**
 * Writes a synthetic legacy archive with the legacy DDL (~1M rows at scale 1). With quirks, a known share of rows
 * cannot go in as they are (orphans, fractional bbox, broken JSON, invalid UTF-8, duplicates after conversion).
 */
export function generateLegacyFile(path: string, options: GenerateOptions = {}): GeneratedFile {
  const { scale = 1, quirks = true, reviewed = true, ecoeye = 'full' } = options;
  const n = (count: number, minimum = 1) => Math.max(minimum, Math.round(count * scale));
  if (existsSync(path)) rmSync(path);
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF'); // the legacy app never enabled them: orphans exist
  for (const [name, columns] of Object.entries(LEGACY_TABLES)) {
    db.exec(`CREATE TABLE ${name} (${columns})`);
  }
  if (reviewed) db.exec('ALTER TABLE keyframe_annotations ADD COLUMN reviewed INTEGER DEFAULT 0');
  if (ecoeye !== 'none') {
    db.exec(`CREATE TABLE ecoeye_alerts (${ECOEYE_COLUMNS}${ecoeye === 'full' ? ', video_path TEXT' : ''})`);
  }
  const rand = random(42);
  const counts: Record<string, number> = {};
  const insert = (table: string, columns: string[], rows: Iterable<unknown[]>) => {
    const statement = db.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    let count = 0;
    db.transaction(() => {
      for (const row of rows) {
        statement.run(...row);
        count++;
      }
    })();
    counts[table] = count;
  };
  function* range<T>(count: number, make: (i: number) => T): Generator<T> {
    for (let i = 1; i <= count; i++) yield make(i);
  }

  const videos = n(10_000, 20);
  const oddNames = [
    'vidéo 😀 "quoted".mp4',
    'back\\slash\ttab.mp4',
    "line\nbreak 'q'.mp4",
    '日本語の動画.mp4',
  ];
  insert(
    'videos',
    [
      'id',
      'filename',
      'original_url',
      'title',
      'duration',
      'width',
      'height',
      'file_size',
      'thumbnail_path',
      'upload_date',
      'notes',
    ],
    range(videos, (i) => [
      i,
      quirks && i <= oddNames.length ? `${i}_${oddNames[i - 1]}` : `/downloads/video_${i}.mp4`,
      i % 3 === 0 ? null : `https://www.youtube.com/watch?v=${i.toString(36)}`,
      `Video ${i}`,
      Math.round(rand() * 600_000) / 1000,
      1280,
      720,
      i % 7 === 0 ? 2 ** 31 + i * 1000 : i % 11 === 0 ? null : 50_000_000 + i,
      `thumbnails/${i}.jpg`,
      legacyTime(i, quirks),
      i % 5 === 0 ? `note ${i}` : null,
    ]),
  );
  const tags = n(500, 5);
  insert(
    'tags',
    ['id', 'name', 'category', 'created_date'],
    range(tags, (i) => [i, `tag_${i}`, 'misc', legacyTime(i, quirks)]),
  );
  insert(
    'video_tags',
    ['video_id', 'tag_id', 'added_date'],
    range(n(30_000, 10), (i) => [
      quirks && i % 3000 === 17 ? videos + 5000 + i : ((i - 1) % videos) + 1,
      Math.floor((i - 1) / videos) + 1,
      legacyTime(i, quirks),
    ]),
  );
  insert(
    'behaviors',
    ['id', 'video_id', 'behavior_type', 'start_time', 'end_time', 'confidence', 'notes', 'annotated_date'],
    range(n(20_000, 10), (i) => [
      i,
      i % 50 === 0 ? null : (i % videos) + 1,
      'boat_loading',
      i * 0.5,
      i * 0.5 + 3,
      rand(),
      null,
      legacyTime(i, quirks),
    ]),
  );
  insert(
    'time_range_tags',
    ['id', 'video_id', 'tag_name', 'start_time', 'end_time', 'is_negative', 'comment', 'created_date'],
    range(n(100_000, 10), (i) => [
      i,
      quirks && i % 5000 === 23 ? videos + 1 + i : (i % videos) + 1,
      'loading_boat_trailer',
      i * 0.25,
      i % 4 === 0 ? null : i * 0.25 + 5,
      flag(i, quirks),
      i % 9 === 0 ? `comment ${i}` : null,
      legacyTime(i, quirks),
    ]),
  );
  const keyframes = n(380_000, 20);
  const keyframeColumns = [
    'id',
    'video_id',
    'timestamp',
    'bbox_x',
    'bbox_y',
    'bbox_width',
    'bbox_height',
    'activity_tag',
    'moment_tag',
    'is_negative',
    'comment',
    'created_date',
  ];
  insert(
    'keyframe_annotations',
    reviewed ? [...keyframeColumns, 'reviewed'] : keyframeColumns,
    range(keyframes, (i) => {
      const row: unknown[] = [
        i + 6, // legacy ids do not start at 1
        quirks && i % 2000 === 11 ? videos + 100 + i : (i % videos) + 1,
        Math.round(rand() * 600_000_000) / 1_000_000,
        quirks && i % 5000 === 7 ? 10.5 : quirks && i % 30 === 0 ? 10.0 : Math.floor(rand() * 1200),
        Math.floor(rand() * 700),
        40 + (i % 300),
        30 + (i % 200),
        i % 2 === 0 ? 'boat_operating_water' : 'loading_boat_trailer',
        i % 7 === 0 ? 'moment' : null,
        flag(i, quirks),
        i % 13 === 0 ? `comment ✓ ${i}` : null,
        legacyTime(i, quirks),
      ];
      if (reviewed) row.push(quirks ? [1, 0, 'true', null][i % 4] : i % 2);
      return row;
    }),
  );
  if (quirks)
    db.exec(
      `UPDATE keyframe_annotations SET comment = CAST(x'6361666eff20c3' AS TEXT) WHERE id % 10000 = 13`,
    );
  const groups = 30;
  insert(
    'tag_groups',
    [
      'id',
      'group_name',
      'display_name',
      'group_type',
      'description',
      'is_required',
      'applies_to',
      'sort_order',
      'created_date',
    ],
    range(groups, (i) => [
      i,
      `group_${i}`,
      `Group ${i}`,
      i % 2 ? 'dropdown' : 'checkbox',
      null,
      flag(i, quirks),
      'both',
      i,
      legacyTime(i, quirks),
    ]),
  );
  insert(
    'tag_options',
    [
      'id',
      'group_id',
      'option_value',
      'display_text',
      'is_negative',
      'description',
      'sort_order',
      'created_date',
    ],
    range(150, (i) => [
      i,
      (i % groups) + 1,
      `option_${i}`,
      `Option ${i}`,
      flag(i, quirks),
      null,
      i,
      legacyTime(i, quirks),
    ]),
  );
  insert(
    'annotation_tags',
    ['id', 'annotation_id', 'annotation_type', 'group_id', 'tag_value', 'created_date'],
    range(n(400_000, 20), (i) => [
      i,
      (i % keyframes) + 7,
      i % 5 === 0 ? 'time_range' : 'keyframe',
      (i % groups) + 1,
      i % 4 === 0 ? `{"scenario": "s${i}", "bboxes": {"a": {"x": ${i % 900}, "y": 4}}}` : `option_${i % 150}`,
      legacyTime(i, quirks),
    ]),
  );
  insert(
    'tag_suggestions',
    ['id', 'category', 'tag_text', 'is_negative', 'description', 'sort_order', 'created_date'],
    range(100, (i) => [
      i,
      `cat_${i % 5}`,
      `suggestion ${i}`,
      flag(i, quirks),
      null,
      i,
      legacyTime(i, quirks),
    ]),
  );
  const configs = 20;
  insert(
    'yolo_export_configs',
    [
      'id',
      'config_name',
      'description',
      'class_mapping',
      'include_reviewed_only',
      'include_ai_generated',
      'include_negative_examples',
      'min_confidence',
      'export_format',
      'created_date',
      'last_export_date',
      'last_export_count',
    ],
    range(configs, (i) => [
      i,
      `config_${i}`,
      null,
      `{"boat": 0, "trailer": ${i}}`,
      flag(i, quirks),
      1,
      1,
      0.25,
      'yolov8',
      legacyTime(i, quirks),
      i % 2 ? null : legacyTime(i + 3, quirks),
      i,
    ]),
  );
  insert(
    'yolo_export_videos',
    ['id', 'export_config_id', 'video_id', 'included', 'notes', 'created_date'],
    range(n(2_000, 5), (i) => [
      i,
      (i % configs) + 1,
      Math.floor((i - 1) / configs) + 1,
      flag(i, quirks),
      null,
      legacyTime(i, quirks),
    ]),
  );
  insert(
    'yolo_export_filters',
    ['id', 'export_config_id', 'filter_type', 'filter_value', 'is_exclusion', 'created_date'],
    range(100, (i) => [
      i,
      (i % configs) + 1,
      'activity_tag',
      `tag_${i}`,
      flag(i, quirks),
      legacyTime(i, quirks),
    ]),
  );
  insert(
    'yolo_export_logs',
    [
      'id',
      'export_config_id',
      'export_path',
      'video_count',
      'annotation_count',
      'export_format',
      'export_date',
      'notes',
    ],
    range(200, (i) => [
      i,
      quirks && i === 200 ? configs + 50 : (i % configs) + 1,
      `/exports/${i}`,
      i,
      i * 10,
      'yolov8',
      legacyTime(i, quirks),
      null,
    ]),
  );
  const vehicles = n(1_000, 5);
  insert(
    'fleet_vehicles',
    [
      'id',
      'fleet_id',
      'fleet_type',
      'vehicle_type',
      'vehicle_make',
      'vehicle_model',
      'primary_color',
      'secondary_color',
      'agency_name',
      'plate_number',
      'plate_state',
      'first_seen_date',
      'last_seen_date',
      'total_detections',
      'notes',
    ],
    range(vehicles, (i) => [
      i,
      `FL-${i}`,
      'truck',
      'pickup',
      'Ford',
      'F-150',
      'white',
      null,
      'Agency',
      `P${i}`,
      'CA',
      legacyTime(i, quirks),
      legacyTime(i + 5, quirks),
      i,
      null,
    ]),
  );
  insert(
    'vehicle_person_links',
    [
      'id',
      'vehicle_fleet_id',
      'person_name',
      'first_seen_together',
      'last_seen_together',
      'times_seen_together',
    ],
    range(n(3_000, 5), (i) => [
      i,
      quirks && i % 1000 === 3 ? 'FL-missing' : `FL-${(i % vehicles) + 1}`,
      `Person ${i}`,
      legacyTime(i, quirks),
      legacyTime(i + 1, quirks),
      1 + (i % 4),
    ]),
  );
  const trailers = n(500, 5);
  insert(
    'trailers',
    [
      'id',
      'trailer_id',
      'trailer_type',
      'trailer_color',
      'plate_number',
      'plate_state',
      'first_seen_date',
      'last_seen_date',
      'total_detections',
      'notes',
    ],
    range(trailers, (i) => [
      i,
      `TR-${i}`,
      'boat',
      'black',
      null,
      null,
      legacyTime(i, quirks),
      legacyTime(i, quirks),
      i % 9,
      null,
    ]),
  );
  insert(
    'vehicle_trailer_links',
    [
      'id',
      'vehicle_fleet_id',
      'trailer_id',
      'first_seen_together',
      'last_seen_together',
      'times_seen_together',
    ],
    range(n(1_500, 5), (i) => [
      i,
      `FL-${(i % vehicles) + 1}`,
      `TR-${(i % trailers) + 1}`,
      legacyTime(i, quirks),
      legacyTime(i, quirks),
      1,
    ]),
  );
  insert(
    'sync_config',
    ['id', 'config_key', 'config_value', 'is_encrypted', 'created_at', 'updated_at'],
    range(12, (i) => [
      i,
      `key_${i}`,
      i % 2
        ? `gAAAAABn${Buffer.from(`secret-${i}-${'x'.repeat(i)}`).toString('base64url')}==`
        : `plain value ${i}`,
      i % 2,
      legacyTime(i, quirks),
      legacyTime(i, quirks),
    ]),
  );
  insert(
    'sync_history',
    [
      'id',
      'sync_type',
      'status',
      'started_at',
      'completed_at',
      'items_processed',
      'items_succeeded',
      'items_failed',
      'error_message',
      'details',
    ],
    range(n(2_000, 5), (i) => [
      i,
      'ecoeye',
      'completed',
      legacyTime(i, quirks),
      i % 3 ? legacyTime(i + 2, quirks) : null,
      i,
      i,
      0,
      null,
      quirks && i % 500 === 3
        ? '{"broken": '
        : i % 4 === 0
          ? null
          : `{"new": ${i}, "big": 12345678901234567890, "z": [1, 2.5, "ü"]}`,
    ]),
  );
  if (ecoeye !== 'none') {
    const columns = [
      'id',
      'alert_id',
      'camera_id',
      'timestamp',
      'alert_type',
      'confidence',
      'video_id',
      'video_available',
      'video_downloaded',
      'local_video_path',
      'metadata',
      'synced_at',
    ];
    insert(
      'ecoeye_alerts',
      ecoeye === 'full' ? [...columns, 'video_path'] : columns,
      range(n(40_000, 10), (i) => {
        const row: unknown[] = [
          i,
          `alert-${i}`,
          `cam-${i % 17}`,
          i % 2 ? '2025-03-04T05:06:07Z' : '2025-03-04 05:06:07',
          'motion',
          rand(),
          i % 3 ? `vid-${i}` : null,
          flag(i, quirks),
          0,
          null,
          quirks && i % 1000 === 5 ? "{'python': 'repr'}" : `{"id": "alert-${i}", "score": ${i % 100}}`,
          legacyTime(i, quirks),
        ];
        if (ecoeye === 'full') row.push(i % 2 ? `s3://bucket/${i}.mp4` : null);
        return row;
      }),
    );
  }
  insert(
    'training_jobs',
    [
      'id',
      'job_id',
      'job_type',
      'status',
      's3_uri',
      'config_json',
      'result_json',
      'error_message',
      'submitted_at',
      'completed_at',
      'export_config_id',
    ],
    range(n(500, 5), (i) => [
      i,
      `job-${i}`,
      'yolo',
      'completed',
      null,
      `{"epochs": ${i % 50}}`,
      i % 2 ? null : '{"map50": 0.5}',
      null,
      legacyTime(i, quirks),
      null,
      i % 4 === 0 ? null : (i % configs) + 1,
    ]),
  );
  db.close();
  return { rows: Object.values(counts).reduce((sum, count) => sum + count, 0), tables: counts };
}
