import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, sharedPath, type TestDatabase } from '@groundtruth/db/testing';
import { migrate } from '@groundtruth/legacy-archive';
import { generateLegacyFile } from '@groundtruth/legacy-archive/testing';
import { runMigratorCli, type CliOptions } from './cli-process';

const FIXTURE = sharedPath('fixtures/legacy/video_archive.db');
const NOBODY = 65534;

function cli(args: string[], options: Pick<CliOptions, 'signalWhen' | 'uid'> = {}) {
  // a relative OUT is resolved against the folder pnpm was started in
  return runMigratorCli(args, { ...options, env: { INIT_CWD: dir } });
}

let dir: string;
const databases: TestDatabase[] = [];
async function database(label: string, migrated = true): Promise<TestDatabase> {
  const db = await createTestDatabase(label, { migrated });
  databases.push(db);
  return db;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gt-export-cli-'));
  chmodSync(dir, 0o755);
});
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  rmSync(dir, { recursive: true, force: true });
});

const partials = () => readdirSync(dir).filter((name) => name.includes('.export-partial'));

describe('migrator export', () => {
  let fixtureDb: string;
  beforeAll(async () => {
    fixtureDb = (await database('export-cli-fixture')).url;
    expect((await migrate({ source: FIXTURE, databaseUrl: fixtureDb, writer: 'copy' })).ok).toBe(true);
  });

  it('--help explains it; the import help points to it; bad arguments exit 2', async () => {
    const help = await cli(['export', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['--database-url', '--force', '--with-quarantine', '--report', 'Exit codes']) {
      expect(help.stdout).toContain(option);
    }
    expect((await cli(['--help'])).stdout).toContain('migrate:export');
    const bad = await cli(['export', 'a.db', '--fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--fast/);
    expect((await cli(['export'])).code).toBe(2);
  });

  it('writes the archive, prints the summary and the report; refuses to overwrite without --force', async () => {
    const report = path.join(dir, 'export.json');
    const run = await cli(['export', 'out.db', '--database-url', fixtureDb, '--report', 'export.json']);
    expect(run.stderr).not.toMatch(/unexpected/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/keyframe_annotations\s+10\s+10\s+0\s+[\d.]+\s+(\d+|-)\s+ok/);
    expect(run.stdout).toMatch(/integrity_check: ok; foreign_key_check: ok/);
    expect(run.stdout).toMatch(/left out: .*person_name_detections \(derived\)/);
    expect(run.stderr).toMatch(/export keyframe_annotations: 10\/10/);
    const json = JSON.parse(readFileSync(report, 'utf8')) as { ok: boolean; mode: string; out: string };
    expect(json).toMatchObject({ ok: true, mode: 'export', out: path.join(dir, 'out.db') });

    const before = statSync(path.join(dir, 'out.db')).mtimeMs;
    const refused = await cli(['export', 'out.db', '--database-url', fixtureDb]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/out\.db already exists: pass --force/);
    expect(statSync(path.join(dir, 'out.db')).mtimeMs).toBe(before);
    const forced = await cli(['export', 'out.db', '--database-url', fixtureDb, '--force']);
    expect(forced.code).toBe(0);
    expect(partials()).toEqual([]);
  });

  it('clear errors, exit 3: unreachable database, schema not migrated, no such folder, no write permission', async () => {
    const unreachable = await cli(['export', 'x.db', '--database-url', 'postgresql://127.0.0.1:1/x']);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
    const bare = await database('export-cli-bare', false);
    const unmigrated = await cli(['export', 'x.db', '--database-url', bare.url]);
    expect(unmigrated.code).toBe(3);
    expect(unmigrated.stderr).toMatch(/schema not migrated/);
    const noFolder = await cli(['export', 'missing/x.db', '--database-url', fixtureDb]);
    expect(noFolder.code).toBe(3);
    expect(noFolder.stderr).toMatch(/folder .*missing does not exist/);
    const locked = path.join(dir, 'read-only');
    mkdirSync(locked, { mode: 0o555 });
    // root writes anywhere: the run drops to nobody for this one
    const asUser = process.getuid?.() === 0 ? { uid: NOBODY } : {};
    const denied = await cli(['export', 'read-only/x.db', '--database-url', fixtureDb], asUser);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/no permission to write .*read-only\/x\.db/);
    expect(readdirSync(locked)).toEqual([]);
    for (const run of [unreachable, unmigrated, noFolder]) expect(run.stderr).not.toMatch(/unexpected/);
    expect(existsSync(path.join(dir, 'x.db'))).toBe(false);
  });

  it('stopped by SIGTERM or SIGINT: no file, no temporary left; killed outright: the next run removes its temporary', async () => {
    const file = path.join(dir, 'big.db');
    generateLegacyFile(file, { scale: 0.05, quirks: false });
    const big = (await database('export-cli-big')).url;
    expect((await migrate({ source: file, databaseUrl: big, writer: 'copy' })).ok).toBe(true);
    const started = () => partials().length > 0 && statSync(path.join(dir, partials()[0]!)).size > 1_000_000;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const stopped = await cli(['export', 'big-out.db', '--database-url', big], {
        signalWhen: { signal, when: started },
      });
      expect(stopped.signal).toBe(signal);
      expect(existsSync(path.join(dir, 'big-out.db'))).toBe(false);
      expect(partials()).toEqual([]);
    }
    const killed = await cli(['export', 'big-out.db', '--database-url', big], {
      signalWhen: { signal: 'SIGKILL', when: started },
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(path.join(dir, 'big-out.db'))).toBe(false);
    // the temporary file (and its journal, when it was killed as the journal mode switched back)
    expect(partials().length).toBeGreaterThan(0);
    const after = await cli(['export', 'big-out.db', '--database-url', big]);
    expect(after.code).toBe(0);
    expect(after.stderr).toMatch(
      /removed \.big-out\.db\.\d+\.export-partial, left by an export that was killed/,
    );
    expect(partials()).toEqual([]);
  }, 120_000);
});
