import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, sharedPath, type TestDatabase } from '@groundtruth/db/testing';
import { migrate } from '@groundtruth/legacy-archive';
import { generateLegacyFile, targetState } from '@groundtruth/legacy-archive/testing';
import { runMigratorCli } from './cli-process';

const FIXTURE = sharedPath('fixtures/legacy/video_archive.db');

function cli(
  args: string[],
  { killWhen, interruptOn }: { killWhen?: () => Promise<boolean>; interruptOn?: RegExp } = {},
) {
  let interrupted = false;
  return runMigratorCli(args, {
    ...(killWhen ? { signalWhen: { signal: 'SIGKILL' as const, when: killWhen, everyMs: 25 } } : {}),
    onStderr: (stderr, signal) => {
      if (interruptOn && !interrupted && interruptOn.test(stderr)) {
        interrupted = true;
        signal('SIGINT');
      }
    },
  });
}

let dir: string;
const databases: TestDatabase[] = [];
async function database(label: string): Promise<TestDatabase> {
  const db = await createTestDatabase(label);
  databases.push(db);
  return db;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gt-migrator-cli-'));
});
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('migrator CLI', () => {
  it('--help explains the options; bad arguments exit 2 naming the option', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const option of [
      '--database-url',
      '--writer',
      '--batch-size',
      '--dry-run',
      '--verify',
      '--resume',
      '--orphans',
      '--report',
      '--tables',
    ]) {
      expect(help.stdout).toContain(option);
    }
    const bad = await cli([FIXTURE, '--writer', 'fast', '--database-url', 'postgresql://127.0.0.1:1/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--writer must be createMany or copy/);
  });

  it('a missing file exits 3 naming it', async () => {
    const run = await cli([path.join(dir, 'missing.db'), '--database-url', 'postgresql://127.0.0.1:1/x']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/legacy file not found: .*missing\.db/);
  });

  it('migrates the fixture, prints the summary and writes the JSON report; --dry-run writes nothing', async () => {
    const dry = await database('cli-dry');
    const dryRun = await cli([FIXTURE, '--database-url', dry.url, '--dry-run']);
    expect(dryRun.code).toBe(0);
    const client = new pg.Client({ connectionString: dry.url });
    await client.connect();
    expect(
      (
        await client.query(
          `SELECT to_regclass('_migrator_runs') AS t, (SELECT count(*)::int FROM videos) AS n`,
        )
      ).rows,
    ).toEqual([{ t: null, n: 0 }]);
    await client.end();

    const target = await database('cli-fixture');
    const report = path.join(dir, 'report.json');
    const run = await cli([FIXTURE, '--database-url', target.url, '--report', report]);
    expect(run.stderr).not.toMatch(/unexpected/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/keyframe_annotations\s+10\s+10\s+0\s+[\d.]+\s+(\d+|-)\s+ok/);
    expect(run.stdout).toMatch(/^migrated and verified/m);
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      ok: boolean;
      tables: { table: string; written: number }[];
    };
    expect(json.ok).toBe(true);
    expect(json.tables.find((t) => t.table === 'annotation_tags')?.written).toBe(11);
  });

  it('a relative file or report means the folder pnpm was started in (INIT_CWD), as the README runs it', async () => {
    copyFileSync(FIXTURE, path.join(dir, 'relative.db'));
    const target = await database('cli-relative');
    const run = await runMigratorCli(
      ['relative.db', '--database-url', target.url, '--report', 'relative.json'],
      { env: { INIT_CWD: dir } },
    );
    expect(run.stderr).not.toMatch(/not found|unexpected/);
    expect(run.code).toBe(0);
    expect((JSON.parse(readFileSync(path.join(dir, 'relative.json'), 'utf8')) as { ok: boolean }).ok).toBe(
      true,
    );
  });

  it('kill -9 in the middle, then --resume, ends exactly like an uninterrupted run', async () => {
    const file = path.join(dir, 'big.db');
    generateLegacyFile(file, { scale: 0.04 });
    const [reference, interrupted] = [await database('cli-ref'), await database('cli-kill')];
    const uninterrupted = await migrate({ source: file, databaseUrl: reference.url, writer: 'copy' });
    expect(uninterrupted.ok).toBe(true);

    const watcher = new pg.Client({ connectionString: interrupted.url });
    await watcher.connect();
    const args = [file, '--database-url', interrupted.url, '--writer', 'copy', '--batch-size', '300'];
    const killed = await cli(args, {
      killWhen: async () => {
        const rows = await watcher.query<{ n: number }>(
          `SELECT rows_read::int AS n FROM _migrator_checkpoints WHERE table_name = 'keyframe_annotations' AND NOT done`,
        );
        return (rows.rows[0]?.n ?? 0) > 3000;
      },
    });
    await watcher.end();
    expect(killed.signal).toBe('SIGKILL');

    const refused = await cli(args);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/interrupted in keyframe_annotations .*: pass --resume/);
    const verifyRefused = await cli([...args, '--verify']);
    expect(verifyRefused.code).toBe(3);
    expect(verifyRefused.stderr).toMatch(/interrupted in keyframe_annotations .*: pass --resume/);

    const resumed = await cli([...args, '--resume']);
    expect(resumed.stderr).not.toMatch(/unexpected/);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/total .* ok/);
    expect(await targetState(interrupted.url)).toEqual(await targetState(reference.url));
  }, 90_000);

  it('Ctrl-C says how to go on; the next run marks the interrupted one and --resume finishes it', async () => {
    const file = path.join(dir, 'interrupted.db');
    generateLegacyFile(file, { scale: 0.02 });
    const target = await database('cli-sigint');
    const args = [file, '--database-url', target.url, '--writer', 'copy', '--batch-size', '200'];
    const stopped = await cli(args, { interruptOn: /migrate keyframe_annotations: [1-9]\d{3,}\// });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(
      /interrupted\. Every committed batch is kept: run the same command again with --resume/,
    );
    const resumed = await cli([...args, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(
      /run 1, started .* was interrupted before it finished: marked interrupted/,
    );
    expect(resumed.stdout).toMatch(/^migrated and verified/m);
  }, 90_000);
});
