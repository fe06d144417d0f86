import { migrate } from '../src';
import { generateLegacyFile } from '../src/testing';
import { editLegacy, query, scratch, targetState } from './helpers';

const { file: scratchFile, database } = scratch('gt-hostile-');

describe('hostile values', () => {
  it('what PostgreSQL would refuse is quarantined with table, id, column and reason; both writers agree', async () => {
    const file = scratchFile('hostile.db');
    generateLegacyFile(file, { scale: 0.005, quirks: false });
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    editLegacy(
      file,
      `UPDATE sync_history SET details = '{"a": "\\ud800"}' WHERE id = 1;
       UPDATE sync_history SET details = '{"a": "\\u0000"}' WHERE id = 2;
       UPDATE sync_history SET details = '${deep}' WHERE id = 3;
       UPDATE sync_history SET details = '{"n": 1.0, "e": 1E+2, "big": 12345678901234567890}' WHERE id = 4;
       UPDATE videos SET duration = 1.7976931348623157e308 WHERE id = 1;
       UPDATE videos SET duration = -1.7976931348623157e308 WHERE id = 2;
       UPDATE videos SET width = 2147483648 WHERE id = 5;
       UPDATE videos SET title = 'a' || char(0) || 'b' WHERE id = 6;
       UPDATE videos SET upload_date = 20250101 WHERE id = 7;
       UPDATE videos SET height = char(160) || '3' WHERE id = 8;
       UPDATE videos SET file_size = '99999999999999999999' WHERE id = 9;
       INSERT INTO videos (id, filename, title) VALUES (5000, 'quarantined.mp4', 'nul' || char(0));`,
    );
    const [copy, createMany] = [await database('h-copy'), await database('h-many')];
    const a = await migrate({ source: file, databaseUrl: copy.url, writer: 'copy' });
    const b = await migrate({ source: file, databaseUrl: createMany.url, writer: 'createMany' });
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(await targetState(createMany.url)).toEqual(await targetState(copy.url));
    const quarantine = await query<{ table_name: string; legacy_id: string; reason: string }>(
      copy.url,
      `SELECT table_name, legacy_id, reason FROM _migrator_quarantine ORDER BY table_name, legacy_rowid`,
    );
    const reasons = quarantine.map((row) => `${row.table_name} ${row.legacy_id}: ${row.reason}`);
    for (const expected of [
      /^sync_history 1: column details: not a valid JSON \(lone surrogate \\ud800\)/,
      /^sync_history 2: column details: not a valid JSON \(contains \\u0000\)/,
      /^sync_history 3: column details: not a valid JSON \(nested deeper than 1000 levels\)/,
      /^videos 5: column width: not a valid integer \(out of 32-bit range\)/,
      /^videos 6: column title: not a valid text \(contains a NUL character\)/,
      /^videos 7: column upload_date: not a valid timestamp \(a number, but not epoch seconds/,
      /^videos 8: column height: not a valid integer/,
      /^videos 9: column file_size: not a valid bigint \(out of 64-bit range\)/,
      /^behaviors \d+: parent quarantined: video_id → videos\.id = 5 is in quarantine/,
      /^keyframe_annotations \d+: parent quarantined: video_id → videos\.id = 9 is in quarantine/,
    ])
      expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    for (const url of [copy.url, createMany.url]) {
      expect(
        await query(url, `SELECT id, duration::text AS d FROM videos WHERE id <= 2 ORDER BY id`),
      ).toEqual([
        { id: 1, d: '1.7976931348623157e+308' },
        { id: 2, d: '-1.7976931348623157e+308' },
      ]);
      expect(await query(url, `SELECT details::text AS d FROM sync_history WHERE id = 4`)).toEqual([
        { d: '{"e": 100, "n": 1.0, "big": 12345678901234567890}' },
      ]);
    }
    expect(reasons.filter((reason) => /videos\.id = [5-9] does not exist/.test(reason))).toEqual([]);
    // the sequence goes past quarantined ids too: a repaired row can go back with its legacy id
    for (const url of [copy.url, createMany.url])
      expect(await query(url, `SELECT nextval(pg_get_serial_sequence('videos', 'id'))::int AS id`)).toEqual([
        { id: 5001 },
      ]);
    // a second run only verifies
    const again = await migrate({ source: file, databaseUrl: createMany.url, writer: 'createMany' });
    expect(again.ok).toBe(true);
    expect(again.written).toBe(b.written);
  }, 90_000);
});
