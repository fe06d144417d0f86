import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, openSync, utimesSync } from 'node:fs';
import { migrate, type ProgressEvent, type WriterName } from '../src';
import { generateLegacyFile } from '../src/testing';
import { editLegacy, query, scratch } from './helpers';

const { file: scratchFile, database } = scratch('gt-snapshot-');

/** The legacy app in another process: one transaction adding a video and a keyframe of it. */
const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { timeout: Number(process.argv[2]) });
try {
  db.exec('BEGIN IMMEDIATE');
  db.prepare("INSERT INTO videos (id, filename, title) VALUES (990001, 'snapshot-new.mp4', 'new')").run();
  db.prepare(\`INSERT INTO keyframe_annotations (id, video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height)
              VALUES (990002, 990001, 1.5, 1, 2, 3, 4)\`).run();
  db.exec('COMMIT');
  process.stdout.write('committed');
} catch (error) {
  process.stdout.write(error.code || error.message);
}`;

function writerArgs(file: string, timeoutMs: number): string[] {
  return ['-e', WRITER, file, String(timeoutMs)];
}

/** What a run left of the concurrent write: the video, the keyframe, a quarantined keyframe. */
async function traces(url: string) {
  const [row] = await query<{ videos: number; keyframes: number; quarantined: number }>(
    url,
    `SELECT (SELECT count(*)::int FROM videos WHERE id = 990001) AS videos,
            (SELECT count(*)::int FROM keyframe_annotations WHERE id = 990002) AS keyframes,
            (SELECT count(*)::int FROM _migrator_quarantine WHERE legacy_id = '990002') AS quarantined`,
  );
  return row;
}

const cases: { writer: WriterName; conversionThreads: number }[] = [
  { writer: 'copy', conversionThreads: 1 },
  { writer: 'copy', conversionThreads: 0 },
  { writer: 'createMany', conversionThreads: 2 },
];

describe('one snapshot while the legacy app writes', () => {
  let base: string;
  beforeAll(() => {
    base = scratchFile('base.db');
    generateLegacyFile(base, { scale: 0.01 });
  });

  it.each(cases)(
    'rollback journal, $writer with $conversionThreads conversion thread(s): the writer waits for the run',
    async ({ writer, conversionThreads }) => {
      const file = scratchFile(`rollback-${writer}-${conversionThreads}.db`);
      copyFileSync(base, file);
      const target = await database(`snap-${writer}-${conversionThreads}`);
      let waiting: Promise<unknown> | undefined;
      let waited = '';
      let impatient = '';
      const onProgress = (event: ProgressEvent) => {
        if (event.table !== 'videos' || !event.done || waiting) return;
        // a writer that gives up after 1 s is refused while the run reads
        impatient = spawnSync(process.execPath, writerArgs(file, 1000), { cwd: __dirname }).stdout.toString();
        const child = spawn(process.execPath, writerArgs(file, 60_000), { cwd: __dirname });
        child.stdout.on('data', (chunk: Buffer) => (waited += chunk.toString()));
        waiting = new Promise((resolve) => child.on('close', resolve));
      };
      const report = await migrate({
        source: file,
        databaseUrl: target.url,
        writer,
        conversionThreads,
        onProgress,
      });
      await waiting;
      expect(impatient).toBe('SQLITE_BUSY');
      expect(waited).toBe('committed');
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      expect(await traces(target.url)).toEqual({ videos: 0, keyframes: 0, quarantined: 0 });
    },
    60_000,
  );

  it.each(cases.filter((c) => c.conversionThreads !== 1))(
    'WAL, $writer: the run reads its snapshot, then fails verification naming what changed',
    async ({ writer, conversionThreads }) => {
      const file = scratchFile(`wal-${writer}.db`);
      copyFileSync(base, file);
      editLegacy(file, 'PRAGMA journal_mode = WAL');
      const target = await database(`snap-wal-${writer}`);
      let written = '';
      const onProgress = (event: ProgressEvent) => {
        if (event.table !== 'videos' || !event.done || written) return;
        written = spawnSync(process.execPath, writerArgs(file, 1000), { cwd: __dirname }).stdout.toString();
      };
      const report = await migrate({
        source: file,
        databaseUrl: target.url,
        writer,
        conversionThreads,
        onProgress,
      });
      expect(written).toBe('committed');
      expect(report.ok).toBe(false);
      expect(report.problems.join('\n')).toMatch(/changed during the run: keyframe_annotations: \d+ rows/);
      expect(report.problems.join('\n')).toMatch(/changed during the run: videos: \d+ rows/);
      expect(await traces(target.url)).toEqual({ videos: 0, keyframes: 0, quarantined: 0 });
    },
    60_000,
  );

  it('a lock lost anyway (this process closes a descriptor of the file) fails verification, naming what changed', async () => {
    const file = scratchFile('lost-lock.db');
    copyFileSync(base, file);
    const target = await database('snap-lost');
    let written = '';
    const onProgress = (event: ProgressEvent) => {
      if (event.table !== 'videos' || !event.done || written) return;
      closeSync(openSync(file, 'r')); // POSIX: drops every lock of this process on the file
      written = spawnSync(process.execPath, writerArgs(file, 1000), { cwd: __dirname }).stdout.toString();
    };
    const report = await migrate({
      source: file,
      databaseUrl: target.url,
      writer: 'copy',
      conversionThreads: 0,
      onProgress,
    });
    expect(written).toBe('committed');
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/changed during the run: keyframe_annotations: \d+ rows/);
    expect(report.problems.join('\n')).toMatch(/changed during the run: videos: \d+ rows/);
  }, 60_000);

  it('the same file with a new mtime is the same source; a changed file is refused before anything is touched', async () => {
    const file = scratchFile('touched.db');
    copyFileSync(base, file);
    const target = await database('snap-touched');
    expect((await migrate({ source: file, databaseUrl: target.url, writer: 'copy' })).ok).toBe(true);
    utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    const again = await migrate({ source: file, databaseUrl: target.url, writer: 'copy' });
    expect(again.ok).toBe(true);
    expect(again.tables.every((t) => ['already-migrated', 'missing-in-source'].includes(t.status))).toBe(
      true,
    );

    editLegacy(file, "UPDATE videos SET title = 'changed' WHERE id = 1");
    // an interrupted run's deferred indexes are left as they are when the source is refused
    await query(
      target.url,
      `CREATE TABLE IF NOT EXISTS _migrator_deferred (id serial PRIMARY KEY, table_name text NOT NULL,
      name text NOT NULL, kind text NOT NULL, definition text NOT NULL, index_name text, index_definition text,
      indexed boolean NOT NULL DEFAULT false)`,
    );
    await query(
      target.url,
      `INSERT INTO _migrator_deferred (table_name, name, kind, definition) VALUES ('x', 'y', 'i', 'z')`,
    );
    await expect(migrate({ source: file, databaseUrl: target.url, resume: true })).rejects.toThrow(
      /another legacy file .*touched\.db/,
    );
    expect(await query(target.url, 'SELECT count(*)::int AS n FROM _migrator_deferred')).toEqual([{ n: 1 }]);
  }, 60_000);
});
