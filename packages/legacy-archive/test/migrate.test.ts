import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createTestDatabase, sharedPath, type TestDatabase } from '@groundtruth/db/testing';
import { migrate, MigrateError } from '../src';
import { pgFloat } from '../src/shared/copy-text';
import { generateLegacyFile, targetCatalog } from '../src/testing';
import { editLegacy, query, targetState } from './helpers';

const FIXTURE = sharedPath('fixtures/legacy/video_archive.db');
let dir: string;
const databases: TestDatabase[] = [];

async function database(label: string, migrated = true): Promise<TestDatabase> {
  const db = await createTestDatabase(label, { migrated });
  databases.push(db);
  return db;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gt-migrate-'));
});
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the real legacy fixture', () => {
  it('migrates every keyframe with its id, every annotation tag still pointing at it, and verifies', async () => {
    const target = await database('fixture');
    const report = await migrate({ source: FIXTURE, databaseUrl: target.url, writer: 'copy' });
    expect(report.ok).toBe(true);
    expect(report.quarantined).toBe(0);
    expect(report.tables.every((t) => t.check === 'ok' || t.status === 'missing-in-source')).toBe(true);
    expect(report.tables.find((t) => t.table === 'ecoeye_alerts')?.status).toBe('missing-in-source');

    const legacy = new Database(FIXTURE, { readonly: true });
    const keyframes = legacy
      .prepare('SELECT id, video_id, bbox_x, reviewed FROM keyframe_annotations ORDER BY id')
      .all();
    const tags = legacy
      .prepare('SELECT id, annotation_id, annotation_type, tag_value FROM annotation_tags ORDER BY id')
      .all();
    legacy.close();
    const migratedKeyframes = await query(
      target.url,
      'SELECT id, video_id, bbox_x, reviewed::int AS reviewed FROM keyframe_annotations ORDER BY id',
    );
    expect(migratedKeyframes).toEqual(keyframes);
    expect(
      await query(
        target.url,
        'SELECT id, annotation_id, annotation_type, tag_value FROM annotation_tags ORDER BY id',
      ),
    ).toEqual(tags);
    // new rows get ids past the legacy ones
    const [next] = await query<{ id: number }>(
      target.url,
      `INSERT INTO keyframe_annotations (video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height) VALUES (1, 0, 1, 1, 1, 1) RETURNING id`,
    );
    expect(next!.id).toBe(17);
    // indexes and constraints were dropped for the load and rebuilt exactly as the migrations define them
    const fresh = await database('fixture-fresh');
    const [migrated, defined] = await Promise.all([target.url, fresh.url].map(targetCatalog));
    expect(migrated!.length).toBeGreaterThan(60);
    expect(migrated).toEqual(defined);
  });

  it('running again after success only re-verifies', async () => {
    const target = await database('rerun');
    await migrate({ source: FIXTURE, databaseUrl: target.url, writer: 'copy' });
    const again = await migrate({ source: FIXTURE, databaseUrl: target.url, writer: 'copy' });
    expect(again.ok).toBe(true);
    expect(
      again.tables
        .filter((t) => t.read > 0)
        .every((t) => t.status === 'already-migrated' && t.check === 'ok'),
    ).toBe(true);
    expect(await query(target.url, 'SELECT count(*)::int AS n FROM videos')).toEqual([{ n: 54 }]);
    const verified = await migrate({ source: FIXTURE, databaseUrl: target.url, verifyOnly: true });
    expect(verified.ok).toBe(true);
  });
});

describe('COPY text forms', () => {
  it('numbers are written exactly as PostgreSQL prints a double (the checksum compares lines)', async () => {
    const target = await database('float-forms');
    const values = [
      0,
      -0,
      1,
      -1.5,
      0.1,
      2 / 3,
      100.25,
      1e-4,
      1e-5,
      -1.5e-7,
      123456789012345,
      1e15,
      1.5 * 2 ** 57,
      1e21,
      5e-324,
      1.7976931348623157e308,
      2 ** 31 - 1,
      -(2 ** 31),
    ];
    const printed = await query<{ text: string }>(
      target.url,
      `SELECT v::text AS text FROM unnest($1::float8[]) WITH ORDINALITY AS t(v, n) ORDER BY n`,
      [values.map((value) => (Object.is(value, -0) ? '-0' : String(value)))],
    );
    expect(values.map(pgFloat)).toEqual(printed.map((row) => row.text));
  });
});

describe('legacy quirks', () => {
  let file: string;
  let target: TestDatabase;

  beforeAll(async () => {
    file = path.join(dir, 'quirks.db');
    generateLegacyFile(file, { scale: 0.002, quirks: false, reviewed: false, ecoeye: 'old' });
    editLegacy(
      file,
      `UPDATE videos SET file_size = 5368709120, upload_date = '2026-01-20T03:50:58.123456+02:00' WHERE id = 1;
       UPDATE videos SET filename = 'vidéo 😀 "q" back\\slash' || char(9) || 'tab.mp4', upload_date = 1768873858 WHERE id = 2;
       UPDATE time_range_tags SET is_negative = 'true' WHERE id = 1;
       UPDATE time_range_tags SET is_negative = 'false', created_date = 1768873858123 WHERE id = 2;
       UPDATE time_range_tags SET is_negative = '1', created_date = '2026-01-20T01:50:58Z' WHERE id = 3;
       UPDATE time_range_tags SET is_negative = NULL WHERE id = 4;
       UPDATE keyframe_annotations SET bbox_x = 10.0, bbox_y = '  33 ' WHERE id = 7;
       UPDATE keyframe_annotations SET bbox_x = 10.5 WHERE id = 8;
       UPDATE keyframe_annotations SET comment = CAST(x'6361666eff20c3' AS TEXT) WHERE id = 9;
       UPDATE keyframe_annotations SET video_id = 99999 WHERE id = 10;
       UPDATE keyframe_annotations SET comment = 'ctl' || char(8) || char(11) || char(12) || char(13) || '\\n' || char(10) || ' � kept', timestamp = 1e-7 WHERE id = 11;
       UPDATE keyframe_annotations SET timestamp = 1e21 WHERE id = 12;
       UPDATE videos SET upload_date = '2026-01-20 01:50:58.100000' WHERE id = 3;
       UPDATE sync_history SET details = '{"broken": ' WHERE id = 1;
       UPDATE sync_history SET details = '{"b": 1, "a": [2.5, "ü"], "big": 12345678901234567890}' WHERE id = 2;
       UPDATE sync_config SET config_value = 'gAAAAABnAbC-_x==' || char(10) WHERE id = 1;
       INSERT INTO tags (id, name) VALUES (100, 'dup'), (101, CAST('dup' AS BLOB));`,
    );
    target = await database('quirks');
  });

  it('converts each quirk, quarantines what cannot go in, and verifies', async () => {
    const report = await migrate({ source: file, databaseUrl: target.url, writer: 'copy' });
    expect(report.ok).toBe(true);
    const videos = await query(
      target.url,
      `SELECT id, filename, file_size::text, upload_date::text FROM videos WHERE id <= 2 ORDER BY id`,
    );
    expect(videos).toEqual([
      {
        id: 1,
        filename: '/downloads/video_1.mp4',
        file_size: '5368709120',
        upload_date: '2026-01-20 01:50:58.123456',
      },
      {
        id: 2,
        filename: 'vidéo 😀 "q" back\\slash\ttab.mp4',
        file_size: '50000002',
        upload_date: '2026-01-20 01:50:58',
      },
    ]);
    expect(
      await query(
        target.url,
        `SELECT id, is_negative, created_date::text FROM time_range_tags WHERE id <= 4 ORDER BY id`,
      ),
    ).toEqual([
      { id: 1, is_negative: true, created_date: expect.any(String) },
      { id: 2, is_negative: false, created_date: '2026-01-20 01:50:58.123' },
      { id: 3, is_negative: true, created_date: '2026-01-20 01:50:58' },
      { id: 4, is_negative: null, created_date: expect.any(String) },
    ]);
    // reviewed is missing in this old file: the schema default applies
    expect(
      await query(target.url, `SELECT bbox_x, bbox_y, reviewed FROM keyframe_annotations WHERE id = 7`),
    ).toEqual([{ bbox_x: 10, bbox_y: 33, reviewed: false }]);
    expect(report.tables.find((t) => t.table === 'keyframe_annotations')?.defaultedColumns).toEqual([
      'reviewed',
    ]);
    expect(report.tables.find((t) => t.table === 'ecoeye_alerts')?.defaultedColumns).toEqual(['video_path']);
    const [history] = await query<{ details: unknown }>(
      target.url,
      `SELECT details FROM sync_history WHERE id = 2`,
    );
    expect(history!.details).toEqual({ a: [2.5, 'ü'], b: 1, big: 12345678901234567000 });
    expect(await query(target.url, `SELECT details::text FROM sync_history WHERE id = 2`)).toEqual([
      { details: '{"a": [2.5, "ü"], "b": 1, "big": 12345678901234567890}' },
    ]);
    expect(await query(target.url, `SELECT config_value FROM sync_config WHERE id = 1`)).toEqual([
      { config_value: 'gAAAAABnAbC-_x==\n' },
    ]);

    const quarantine = await query<{
      table_name: string;
      legacy_id: string;
      reason: string;
      row_data: Record<string, unknown>;
    }>(
      target.url,
      `SELECT table_name, legacy_id, reason, row_data FROM _migrator_quarantine ORDER BY table_name, legacy_rowid`,
    );
    expect(quarantine.map(({ table_name, legacy_id, reason }) => [table_name, legacy_id, reason])).toEqual([
      ['keyframe_annotations', '8', 'column bbox_x: not a valid integer (has a fraction): 10.5'],
      ['keyframe_annotations', '9', 'column comment: not a valid text (invalid UTF-8): <7 bytes>'],
      ['keyframe_annotations', '10', 'orphan: video_id → videos.id = 99999 does not exist'],
      ['sync_history', '1', 'column details: not a valid JSON (does not parse): "{\\"broken\\": "'],
      ['tags', '101', 'duplicate of unique key (name) = dup'],
    ]);
    expect(quarantine[1]!.row_data.comment).toEqual({
      base64: Buffer.from([0x63, 0x61, 0x66, 0x6e, 0xff, 0x20, 0xc3]).toString('base64'),
    });
    expect(quarantine[0]!.row_data.bbox_x).toBe(10.5);
    // COPY escapes, a real U+FFFD (valid UTF-8) and float/fraction forms PostgreSQL prints its own way
    expect(
      await query(
        target.url,
        `SELECT id, timestamp, CASE WHEN id = 11 THEN comment END AS comment
         FROM keyframe_annotations WHERE id IN (11, 12) ORDER BY id`,
      ),
    ).toEqual([
      { id: 11, timestamp: 1e-7, comment: 'ctl\b\v\f\r\\n\n \uFFFD kept' },
      { id: 12, timestamp: 1e21, comment: null },
    ]);
    expect(await query(target.url, `SELECT upload_date::text AS d FROM videos WHERE id = 3`)).toEqual([
      { d: '2026-01-20 01:50:58.1' },
    ]);
    const keyframes = report.tables.find((t) => t.table === 'keyframe_annotations')!;
    expect(keyframes.read).toBe(keyframes.written + 3);
  });
});

describe('failure modes', () => {
  it('a missing file, a file that is not SQLite, a corrupt file', async () => {
    const target = await database('files');
    await expect(migrate({ source: path.join(dir, 'nope.db'), databaseUrl: target.url })).rejects.toThrow(
      /legacy file not found: .*nope\.db/,
    );
    const text = path.join(dir, 'text.db');
    writeFileSync(text, 'id,name\n1,a\n'.repeat(20));
    await expect(migrate({ source: text, databaseUrl: target.url })).rejects.toThrow(
      /not a SQLite database: .*text\.db/,
    );
    const corrupt = path.join(dir, 'corrupt.db');
    generateLegacyFile(corrupt, { scale: 0.01, quirks: false });
    const bytes = readFileSync(corrupt);
    bytes.fill(0xa5, 4096 * 3, 4096 * 40);
    writeFileSync(corrupt, bytes);
    // checked inline, and on a conversion thread while the pipeline connects to PostgreSQL
    for (const conversionThreads of [0, 2]) {
      await expect(
        migrate({ source: corrupt, databaseUrl: target.url, writer: 'copy', conversionThreads }),
      ).rejects.toThrow(/corrupt.*corrupt\.db/);
      await expect(
        migrate({ source: corrupt, databaseUrl: 'postgresql://nobody@127.0.0.1:1/none', conversionThreads }),
      ).rejects.toThrow(/corrupt.*corrupt\.db/);
    }
    expect(await query(target.url, `SELECT to_regclass('_migrator_runs') AS runs`)).toEqual([{ runs: null }]);
  });

  it('a conversion thread that dies fails the run with its reason instead of hanging', async () => {
    const file = path.join(dir, 'huge-rows.db');
    generateLegacyFile(file, { scale: 0.002, quirks: false });
    // 1 MB names: a 100-row chunk outgrows a thread's heap, which is sized for 100-row batches
    editLegacy(
      file,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
       INSERT INTO tags (name) SELECT i || hex(randomblob(500000)) FROM n`,
    );
    const target = await database('huge-rows');
    await expect(
      migrate({
        source: file,
        databaseUrl: target.url,
        writer: 'copy',
        conversionThreads: 1,
        batchSize: 100,
      }),
    ).rejects.toThrow(/conversion thread failed: .*memory/);
  }, 60_000);

  it('a file locked by another process', async () => {
    const file = path.join(dir, 'locked.db');
    copyFileSync(FIXTURE, file);
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    holder.exec("UPDATE videos SET notes = 'x' WHERE id = 1");
    try {
      const target = await database('locked');
      await expect(migrate({ source: file, databaseUrl: target.url })).rejects.toThrow(
        /legacy file is locked by another process: .*locked\.db/,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('an unreachable database and a target whose schema is not migrated', async () => {
    await expect(
      migrate({ source: FIXTURE, databaseUrl: 'postgresql://postgres@127.0.0.1:1/nowhere' }),
    ).rejects.toThrow(/cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere/);
    const bare = await database('bare', false);
    await expect(migrate({ source: FIXTURE, databaseUrl: bare.url })).rejects.toThrow(
      /target schema not migrated/,
    );
  });

  it('a legacy column with no home in the schema stops the run before anything is written, naming it', async () => {
    const file = path.join(dir, 'extra-column.db');
    copyFileSync(FIXTURE, file);
    editLegacy(file, 'ALTER TABLE videos ADD COLUMN rating INTEGER');
    const target = await database('extra');
    await expect(migrate({ source: file, databaseUrl: target.url })).rejects.toThrow(
      /legacy column videos\.rating/,
    );
    expect(await query(target.url, `SELECT to_regclass('_migrator_runs') AS t`)).toEqual([{ t: null }]);
    const skipped = await migrate({
      source: file,
      databaseUrl: target.url,
      skip: ['videos.rating'],
      writer: 'copy',
    });
    expect(skipped.ok).toBe(true);
  });

  it('orphans: quarantined by default, --orphans fail stops before writing anything', async () => {
    const file = path.join(dir, 'orphans.db');
    copyFileSync(FIXTURE, file);
    editLegacy(file, 'UPDATE keyframe_annotations SET video_id = 4242 WHERE id = 9');
    const failing = await database('orphans-fail');
    const error = await migrate({ source: file, databaseUrl: failing.url, orphans: 'fail' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrateError);
    expect((error as MigrateError).kind).toBe('orphans');
    expect((error as Error).message).toMatch(
      /keyframe_annotations rowid 9: orphan: video_id → videos\.id = 4242/,
    );
    expect(await query(failing.url, 'SELECT count(*)::int AS n FROM videos')).toEqual([{ n: 0 }]);

    const quarantining = await database('orphans-q');
    const report = await migrate({ source: file, databaseUrl: quarantining.url, writer: 'copy' });
    expect(report.ok).toBe(true);
    expect(await query(quarantining.url, `SELECT table_name, legacy_id FROM _migrator_quarantine`)).toEqual([
      { table_name: 'keyframe_annotations', legacy_id: '9' },
    ]);
  });

  it('refuses a non-empty database that no migrator run created', async () => {
    const target = await database('foreign');
    await query(target.url, `INSERT INTO tags (name) VALUES ('mine')`);
    await expect(migrate({ source: FIXTURE, databaseUrl: target.url })).rejects.toThrow(
      /refusing to write into a non-empty database .*tags/,
    );
  });
});

describe('writers', () => {
  it('createMany and copy produce identical targets', async () => {
    const file = path.join(dir, 'writers.db');
    generateLegacyFile(file, { scale: 0.005 });
    editLegacy(
      file,
      `UPDATE videos SET upload_date = '2026-01-20 01:50:58.123456' WHERE id = 3;
       UPDATE sync_history SET details = '{"big": 12345678901234567890, "n": null}' WHERE id = 2;
       UPDATE sync_history SET details = 'null' WHERE id = 3;
       INSERT INTO tag_groups (id, group_name, display_name, group_type) VALUES (900, 'person_name', 'Person', 'text');
       INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value)
         SELECT id, 'keyframe', 900, '{"person_name": "Ann"}' FROM keyframe_annotations WHERE id <= 40;`,
    );
    const [copy, createMany] = [await database('w-copy'), await database('w-many')];
    const a = await migrate({ source: file, databaseUrl: copy.url, writer: 'copy', batchSize: 500 });
    const b = await migrate({
      source: file,
      databaseUrl: createMany.url,
      writer: 'createMany',
      batchSize: 500,
    });
    expect(a.ok && b.ok).toBe(true);
    expect(a.quarantined).toBeGreaterThan(0);
    expect(await targetState(createMany.url)).toEqual(await targetState(copy.url));
    // the topology tables (kept by triggers, which are off during the load) are filled after it
    for (const url of [copy.url, createMany.url]) {
      const [detections] = await query<{ n: number; tags: number; edges: number }>(
        url,
        `SELECT count(*)::int AS n, (SELECT count(*)::int FROM annotation_tags WHERE group_id = 900) AS tags,
                (SELECT count(*)::int FROM person_camera_edges) AS edges
         FROM person_name_detections WHERE person_key = 'Ann'`,
      );
      expect(detections!.tags).toBeGreaterThan(20);
      expect(detections!.n).toBe(detections!.tags);
      expect(detections!.edges).toBeGreaterThan(0);
    }
    expect(await query(createMany.url, `SELECT upload_date::text AS d FROM videos WHERE id = 3`)).toEqual([
      { d: '2026-01-20 01:50:58.123456' },
    ]);
  }, 60_000);

  it('conversion threads give the same target as converting inline, also from a WAL-mode file', async () => {
    const file = path.join(dir, 'threads.db');
    generateLegacyFile(file, { scale: 0.005 });
    // an orphan: turned away by the key check after its conversion on a thread
    editLegacy(
      file,
      `UPDATE keyframe_annotations SET video_id = 999999, comment = 'caf\u00e9 \u2603' WHERE id = 9`,
    );
    const inline = await database('threads-inline');
    const threaded = await database('threads-2');
    const a = await migrate({
      source: file,
      databaseUrl: inline.url,
      writer: 'copy',
      conversionThreads: 0,
      batchSize: 300,
    });
    const b = await migrate({
      source: file,
      databaseUrl: threaded.url,
      writer: 'copy',
      conversionThreads: 2,
      batchSize: 300,
    });
    expect(a.ok && b.ok).toBe(true);
    expect(b.quarantined).toBe(a.quarantined);
    const [orphan] = await query<{ reason: string; comment: string }>(
      threaded.url,
      `SELECT reason, row_data->>'comment' AS comment FROM _migrator_quarantine
       WHERE table_name = 'keyframe_annotations' AND legacy_id = '9'`,
    );
    expect(orphan).toEqual({
      reason: expect.stringMatching(/^orphan: video_id/),
      comment: 'caf\u00e9 \u2603',
    });
    const expected = await targetState(inline.url);
    expect(await targetState(threaded.url)).toEqual(expected);

    const wal = path.join(dir, 'threads-wal.db');
    copyFileSync(file, wal);
    editLegacy(wal, 'PRAGMA journal_mode = WAL');
    const walTarget = await database('threads-wal');
    const c = await migrate({ source: wal, databaseUrl: walTarget.url, writer: 'copy', batchSize: 300 });
    expect(c.ok).toBe(true);
    expect(await targetState(walTarget.url)).toEqual(expected);
  }, 60_000);

  it.each(['createMany', 'copy'] as const)(
    '%s: a batch the database refuses stops the run with its message, nothing of it is written; --resume finishes',
    async (writer) => {
      const file = path.join(dir, `refused-${writer}.db`);
      generateLegacyFile(file, { scale: 0.002 });
      editLegacy(file, `UPDATE tags SET name = 'boom' WHERE id = 3`);
      const target = await database(`refused-${writer}`);
      await query(target.url, `ALTER TABLE tags ADD CONSTRAINT no_boom CHECK (name <> 'boom')`);
      await expect(migrate({ source: file, databaseUrl: target.url, writer })).rejects.toThrow(
        /no_boom|check constraint/i,
      );
      expect(await query(target.url, `SELECT count(*)::int AS n FROM tags`)).toEqual([{ n: 0 }]);
      await query(target.url, `ALTER TABLE tags DROP CONSTRAINT no_boom`);
      const resumed = await migrate({ source: file, databaseUrl: target.url, writer, resume: true });
      expect(resumed.ok).toBe(true);
      expect(await query(target.url, `SELECT name FROM tags WHERE id = 3`)).toEqual([{ name: 'boom' }]);
      const fresh = await database(`refused-${writer}-fresh`);
      expect(await targetCatalog(target.url)).toEqual(await targetCatalog(fresh.url));
    },
    60_000,
  );
});
