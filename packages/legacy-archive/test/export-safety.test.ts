import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sharedPath } from '@groundtruth/db/testing';
import { exportArchive, migrate, MigrateError } from '../src';
import { writeFailure } from '../src/export/archive-file';
import { pythonJsonFromJsonb } from '../src/export/python-json';
import { sqliteSequence } from './archive-compare';
import { query, scratch } from './helpers';

const FIXTURE = sharedPath('fixtures/legacy/video_archive.db');
const { file: scratchFile, database } = scratch('gt-export-safety-');

/** SQL on another connection, committed before it returns (the export's callbacks are synchronous). */
function commitNow(url: string, sql: string): void {
  const script = `const pg = require('pg'); const c = new pg.Client({ connectionString: process.argv[1] });
    c.connect().then(() => c.query(process.argv[2])).then(() => c.end()).catch((e) => { console.error(e); process.exit(1); });`;
  const run = spawnSync(process.execPath, ['-e', script, url, sql], { encoding: 'utf8', cwd: __dirname });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
}

describe('export safety', () => {
  let target: string;
  beforeAll(async () => {
    target = (await database('export-safety')).url;
    expect((await migrate({ source: FIXTURE, databaseUrl: target, writer: 'copy' })).ok).toBe(true);
  });

  it('reads one snapshot: what commits while it runs is not in the file, and the file still verifies', async () => {
    const out = scratchFile('snapshot.db');
    let once = false;
    const report = await exportArchive({
      out,
      databaseUrl: target,
      onProgress: (event) => {
        if (event.table !== 'videos' || !event.done || once) return;
        once = true;
        // after videos, before the tables that follow: a new video, a keyframe moved, a tag group gone
        commitNow(
          target,
          `INSERT INTO videos (filename) VALUES ('during-export.mp4');
           UPDATE keyframe_annotations SET bbox_x = bbox_x + 1;
           DELETE FROM annotation_tags;`,
        );
      },
    });
    expect(once).toBe(true);
    expect(report.ok).toBe(true);
    const db = new Database(out, { readonly: true });
    expect(db.prepare(`SELECT count(*) FROM videos WHERE filename = 'during-export.mp4'`).pluck().get()).toBe(
      0,
    );
    expect(db.prepare('SELECT count(*) FROM annotation_tags').pluck().get()).toBe(11);
    const legacy = new Database(FIXTURE, { readonly: true });
    const boxes = 'SELECT id, bbox_x FROM keyframe_annotations ORDER BY id';
    expect(db.prepare(boxes).all()).toEqual(legacy.prepare(boxes).all());
    legacy.close();
    db.close();
    expect(await query(target, `SELECT count(*)::int AS n FROM annotation_tags`)).toEqual([{ n: 0 }]);
  });

  it('sqlite_sequence keeps the largest id PostgreSQL handed out, also when those rows were deleted', async () => {
    const db = await database('export-sequence');
    await migrate({ source: FIXTURE, databaseUrl: db.url, writer: 'copy' });
    await query(db.url, `INSERT INTO tags (name) VALUES ('a'), ('b'), ('c')`);
    await query(db.url, `DELETE FROM tags WHERE name <> 'a'`);
    // ids SQLite allows and a legacy file may hold: they are exported and verified like any other
    await query(db.url, `INSERT INTO tags (id, name) VALUES (0, 'zero'), (-3, 'negative')`);
    const out = scratchFile('sequence.db');
    expect((await exportArchive({ out, databaseUrl: db.url })).ok).toBe(true);
    expect(sqliteSequence(out).tags).toBe(3);
    const ids = new Database(out, { readonly: true });
    expect(ids.prepare('SELECT id FROM tags ORDER BY id').pluck().all()).toEqual([-3, 0, 1]);
    ids.close();
    // the legacy app's next tag gets id 4, as AUTOINCREMENT never reuses an id
    const file = new Database(out);
    expect(file.prepare(`INSERT INTO tags (name) VALUES ('d')`).run().lastInsertRowid).toBe(4);
    file.close();
  });

  it('refuses a database whose columns the legacy layout cannot hold, and an interrupted import', async () => {
    const db = await database('export-extra-column');
    await query(db.url, `ALTER TABLE videos ADD COLUMN rating int`);
    const out = scratchFile('refused.db');
    await expect(exportArchive({ out, databaseUrl: db.url })).rejects.toThrow(
      /column videos\.rating has no place in the legacy layout/,
    );
    const interrupted = await database('export-interrupted');
    await query(
      interrupted.url,
      `CREATE TABLE _migrator_deferred (name text); INSERT INTO _migrator_deferred VALUES ('idx')`,
    );
    await expect(exportArchive({ out, databaseUrl: interrupted.url })).rejects.toThrow(/--resume/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.dirname(out)).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('a full disk is reported as such (SQLite says SQLITE_FULL), with exit code 3', () => {
    const db = new Database(scratchFile('full.db'));
    db.pragma('max_page_count = 2');
    let failure: unknown;
    try {
      db.exec(`CREATE TABLE t (v TEXT); INSERT INTO t VALUES (randomblob(100000))`);
    } catch (error) {
      failure = writeFailure('/x/out.db', error);
    }
    db.close();
    expect(failure).toBeInstanceOf(MigrateError);
    expect((failure as MigrateError).kind).toBe('target');
    expect((failure as MigrateError).message).toMatch(/disk full while writing \/x\/out\.db/);
  });

  it('JSON text as Python json.dumps wrote it: jsonb spacing, ensure_ascii escapes (surrogate pairs for astral)', () => {
    expect(pythonJsonFromJsonb('{"a": [1, 2.50], "b": {"c": null}}')).toBe(
      '{"a": [1, 2.50], "b": {"c": null}}',
    );
    expect(pythonJsonFromJsonb('{"name": "José 😀", "k": "\\n"}')).toBe(
      '{"name": "Jos\\u00e9 \\ud83d\\ude00", "k": "\\n"}',
    );
    expect(JSON.parse(pythonJsonFromJsonb('["日本", "\\u0001"]'))).toEqual(['日本', '\u0001']);
  });
});
