import Database from 'better-sqlite3';
import type pg from 'pg';
import { sharedPath } from '@groundtruth/db/testing';

/** The legacy tables the annotation API reads, parents first. */
const TABLES = [
  'videos',
  'tags',
  'video_tags',
  'behaviors',
  'time_range_tags',
  'keyframe_annotations',
  'tag_groups',
  'tag_options',
  'annotation_tags',
] as const;

/**
 * Copies the rows of the real legacy archive (shared/fixtures/legacy/video_archive.db) into a test database.
 * json_populate_recordset converts SQLite's 0/1 flags and timestamp text to the PostgreSQL column types.
 */
export async function loadLegacyFixture(pool: pg.Pool): Promise<void> {
  const sqlite = new Database(sharedPath('fixtures/legacy/video_archive.db'), { readonly: true });
  try {
    for (const table of TABLES) {
      const rows = sqlite.prepare(`SELECT * FROM ${table}`).all();
      if (rows.length === 0) continue;
      await pool.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(null::${table}, $1)`, [
        JSON.stringify(rows),
      ]);
      if (table !== 'video_tags') {
        await pool.query(
          `SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`,
        );
      }
    }
  } finally {
    sqlite.close();
  }
}
