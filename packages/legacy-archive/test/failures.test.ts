import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sharedPath } from '@groundtruth/db/testing';
import { migrate, MigrateError } from '../src';
import { generateLegacyFile } from '../src/testing';
import { editLegacy, query, scratch } from './helpers';

const FIXTURE = sharedPath('fixtures/legacy/video_archive.db');
const { file: scratchFile, database } = scratch('gt-migrate-');

describe('failure modes', () => {
  it('a missing file, a file that is not SQLite, a corrupt file', async () => {
    const target = await database('files');
    await expect(migrate({ source: scratchFile('nope.db'), databaseUrl: target.url })).rejects.toThrow(
      /legacy file not found: .*nope\.db/,
    );
    const text = scratchFile('text.db');
    writeFileSync(text, 'id,name\n1,a\n'.repeat(20));
    await expect(migrate({ source: text, databaseUrl: target.url })).rejects.toThrow(
      /not a SQLite database: .*text\.db/,
    );
    const corrupt = scratchFile('corrupt.db');
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

  // on conversion threads: converting inline, the integrity check has just read the small file into the page cache
  it.each([
    ['createMany', 2],
    ['copy', 1],
  ] as const)(
    'a page found corrupt while %s reads (%i conversion threads) fails the run naming the file, the table and the rowid',
    async (writer, conversionThreads) => {
      const file = scratchFile(`corrupt-later-${writer}.db`);
      generateLegacyFile(file, { scale: 0.01, quirks: false });
      const probe = new Database(file, { readonly: true });
      const pages = probe
        .prepare(
          `SELECT pageno FROM dbstat WHERE name = 'keyframe_annotations' AND pagetype = 'leaf' ORDER BY pageno`,
        )
        .pluck()
        .all() as number[];
      probe.close();
      const target = await database(`corrupt-later-${writer}`);
      let corrupted = false;
      const error = await migrate({
        source: file,
        databaseUrl: target.url,
        writer,
        conversionThreads,
        batchSize: 200,
        // after the integrity check: the bytes of pages not read yet go bad under the open snapshot
        onProgress: () => {
          if (corrupted) return;
          corrupted = true;
          const bytes = readFileSync(file);
          for (const page of pages.slice(pages.length / 2)) bytes.fill(0xa5, (page - 1) * 4096, page * 4096);
          writeFileSync(file, bytes);
        },
      }).catch((e: unknown) => e);
      expect(corrupted).toBe(true);
      expect(error).toBeInstanceOf(MigrateError);
      expect((error as Error).message).toMatch(
        /legacy file is corrupt: .*corrupt-later-.*\.db .*\[table keyframe_annotations, after rowid \d+\]/,
      );
    },
    60_000,
  );

  it('a conversion thread that dies fails the run with its reason instead of hanging', async () => {
    const file = scratchFile('huge-rows.db');
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
    const file = scratchFile('locked.db');
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
    const file = scratchFile('extra-column.db');
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
    const file = scratchFile('orphans.db');
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

  it.each(['copy', 'createMany'] as const)(
    'a value PostgreSQL refuses after all (%s) stops the run naming the table and rowid, no stack trace',
    async (writer) => {
      const target = await database(`refused-${writer}`);
      // a target narrower than the schema the conversion checks against
      await query(target.url, 'ALTER TABLE videos ALTER COLUMN filename TYPE varchar(2)');
      const error = await migrate({ source: FIXTURE, databaseUrl: target.url, writer }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MigrateError);
      expect((error as Error).message).toMatch(
        /PostgreSQL refused a value of videos in the batch up to rowid \d+ \(.*too long.*\); nothing of that batch was written/,
      );
      // once the cause is repaired, --resume goes on from the last committed batch
      await query(target.url, 'ALTER TABLE videos ALTER COLUMN filename TYPE text');
      const resumed = await migrate({ source: FIXTURE, databaseUrl: target.url, writer, resume: true });
      expect(resumed.ok).toBe(true);
    },
    60_000,
  );

  it('refuses a non-empty database that no migrator run created', async () => {
    const target = await database('foreign');
    await query(target.url, `INSERT INTO tags (name) VALUES ('mine')`);
    await expect(migrate({ source: FIXTURE, databaseUrl: target.url })).rejects.toThrow(
      /refusing to write into a non-empty database .*tags/,
    );
  });
});
