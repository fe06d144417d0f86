import Database from 'better-sqlite3';
import { sharedPath, type TestDatabase } from '@groundtruth/db/testing';
import { migrate } from '../src';
import { pgFloat } from '../src/shared/copy-text';
import { generateLegacyFile, targetCatalog } from '../src/testing';
import { editLegacy, query, scratch } from './helpers';

const FIXTURE = sharedPath('fixtures/legacy/video_archive.db');
const { file: scratchFile, database } = scratch('gt-migrate-');

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
    file = scratchFile('quirks.db');
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
      ['keyframe_annotations', '9', 'column comment: not a valid text (invalid UTF-8): <7 bytes>'],
      ['keyframe_annotations', '10', 'orphan: video_id → videos.id = 99999 does not exist'],
      ['sync_history', '1', 'column details: not a valid JSON (does not parse): "{\\"broken\\": "'],
      ['tags', '101', 'duplicate of unique key (name) = dup'],
    ]);
    expect(quarantine[0]!.row_data.comment).toEqual({
      base64: Buffer.from([0x63, 0x61, 0x66, 0x6e, 0xff, 0x20, 0xc3]).toString('base64'),
    });
    // boxes are DOUBLE PRECISION: a fraction the legacy UI stored goes in as it was (api.md §2.1)
    expect(await query(target.url, `SELECT bbox_x FROM keyframe_annotations WHERE id = 8`)).toEqual([
      { bbox_x: 10.5 },
    ]);
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
    expect(keyframes.read).toBe(keyframes.written + 2);
  });
});
