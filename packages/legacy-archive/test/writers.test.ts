import { copyFileSync } from 'node:fs';
import { migrate } from '../src';
import { generateLegacyFile, targetCatalog } from '../src/testing';
import { editLegacy, query, scratch, targetState } from './helpers';

const { file: scratchFile, database } = scratch('gt-migrate-');

describe('writers', () => {
  it('createMany and copy produce identical targets', async () => {
    const file = scratchFile('writers.db');
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
    const file = scratchFile('threads.db');
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

    const wal = scratchFile('threads-wal.db');
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
      const file = scratchFile(`refused-${writer}.db`);
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
