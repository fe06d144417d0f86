/**
 * pnpm bench:migrate [scale]: a synthetic legacy file (~1M rows at scale 1, with the legacy quirks), then the
 * migrator with each writer, pgloader and a raw COPY floor of the same data, each timed; prints a table.
 * PostgreSQL: BENCH_DATABASE_URL / TEST_DATABASE_URL / DATABASE_URL (a user that may create databases).
 * BENCH_WRITERS=copy|createMany|copy,createMany (default both). Then the way back: `export` of the migrated database
 * to a legacy file, timed against the import of the same rows. BENCH_PGLOADER=0 skips pgloader.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { createDatabase, tableMetadata } from '@groundtruth/db';
import { applyMigrations } from '@groundtruth/db/migrations';
import { benchAdminUrl } from '@groundtruth/db/testing';
import { deferIndexes, restoreIndexes } from '../src/import/deferred-indexes';
import { targetChecksum } from '../src/shared/checksum';
import { quoteIdent } from '../src/shared/sql';
import { readTargetSchema } from '../src/shared/target-schema';
import { generateLegacyFile } from '../src/testing';

const scale = Number(process.argv[2] ?? 1);
/** BENCH_WRITERS=copy skips the (slow) createMany run, e.g. for the 4M-row memory check. */
const writers = (process.env.BENCH_WRITERS ?? 'copy,createMany').split(',');
const adminUrl = benchAdminUrl();
const repoRoot = path.resolve(__dirname, '../../..');
const prefix = `gt_bench_${process.pid}`;

function dbUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function freshDatabase(name: string, template?: string): Promise<string> {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  return dbUrl(name);
}

interface Timing {
  seconds: number;
  peakRssMb: number | null;
  ok: boolean;
  note?: string;
}

/** Runs a command under /usr/bin/time -v (when present) for its wall time and peak RSS. */
function timed(command: string, args: string[], timeoutMs: number, cwd?: string): Promise<Timing> {
  const useTime = existsSync('/usr/bin/time');
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(useTime ? '/usr/bin/time' : command, useTime ? ['-v', command, ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd,
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const ok = code === 0;
      if (!ok)
        process.stderr.write(
          `${command} failed (${signal ?? code}):\n${stdout.slice(-2000)}\n${stderr.slice(-3000)}\n`,
        );
      resolve({
        seconds: (performance.now() - started) / 1000,
        peakRssMb: rss ? Math.round(Number(rss[1]) / 1024) : null,
        ok,
        note: signal ? `killed after ${timeoutMs / 1000}s` : ok ? undefined : `exit ${code}`,
      });
    });
  });
}

function ensurePgloader(): string | null {
  const which = spawnSync('which', ['pgloader'], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  console.log('pgloader is not installed: installing it with apt-get (Debian package pgloader)...');
  const install = () =>
    spawnSync('apt-get', ['install', '-y', 'pgloader'], { stdio: 'inherit' }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (!install()) {
      console.log('pgloader could not be installed; its figures are left out.');
      return null;
    }
  }
  return spawnSync('which', ['pgloader'], { encoding: 'utf8' }).stdout.trim() || null;
}

/**
 * COPY of the migrated rows into a fresh migrated database, with no conversion or checking: the floor any loader of
 * the same data meets. `deferred`: indexes and constraints dropped first and rebuilt after, as the migrator does.
 */
async function copyFloor(fromUrl: string, toUrl: string, deferred: boolean): Promise<number> {
  const from = createDatabase(benchDatabase(fromUrl));
  const tables = await readTargetSchema(from.pool, tableMetadata(from.prisma));
  const dumps: { table: string; data: Buffer[] }[] = [];
  for (const table of tables) {
    const client = await from.pool.connect();
    const data: Buffer[] = [];
    for await (const chunk of client.query(
      copyTo(`COPY ${quoteIdent(table.table)} TO STDOUT`),
    ) as AsyncIterable<Buffer>)
      data.push(chunk);
    client.release();
    dumps.push({ table: table.table, data });
  }
  await from.close();
  const to = createDatabase(benchDatabase(toUrl));
  const started = performance.now();
  if (deferred)
    await deferIndexes(
      to.pool,
      tables.map((table) => table.table),
    );
  const client = await to.pool.connect();
  for (const dump of dumps) {
    const stream = client.query(copyFrom(`COPY ${quoteIdent(dump.table)} FROM STDIN`));
    await new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
      for (const chunk of dump.data) stream.write(chunk);
      stream.end();
    });
  }
  client.release();
  if (deferred) await restoreIndexes(to.pool, 2);
  const seconds = (performance.now() - started) / 1000;
  await to.close();
  return seconds;
}

function benchDatabase(url: string) {
  return {
    url,
    poolMax: 3,
    connectTimeoutMs: 5000,
    idleTimeoutMs: 1000,
    statementTimeoutMs: 0,
    statementCacheSize: 0,
    applicationName: 'bench',
  };
}

async function targetsIdentical(aUrl: string, bUrl: string): Promise<string> {
  const a = createDatabase(benchDatabase(aUrl));
  const b = createDatabase(benchDatabase(bUrl));
  try {
    const tables = await readTargetSchema(a.pool, tableMetadata(a.prisma));
    const differing: string[] = [];
    for (const table of tables) {
      const [x, y] = await Promise.all([
        targetChecksum(a.pool, table.table, table.columns),
        targetChecksum(b.pool, table.table, table.columns),
      ]);
      if (x.rows !== y.rows || x.hash !== y.hash) differing.push(table.table);
    }
    const quarantine = `SELECT table_name, legacy_rowid, reason, row_data::text FROM _migrator_quarantine ORDER BY table_name, legacy_rowid`;
    const [qa, qb] = await Promise.all([a.pool.query(quarantine), b.pool.query(quarantine)]);
    if (JSON.stringify(qa.rows) !== JSON.stringify(qb.rows)) differing.push('_migrator_quarantine');
    return differing.length === 0 ? 'identical' : `DIFFER: ${differing.join(', ')}`;
  } finally {
    await a.close();
    await b.close();
  }
}

interface Result {
  name: string;
  timing: Timing;
  rows: number;
}

/** The migrator's own runs: a full run per writer, then a dry run; returns their targets by writer too. */
async function migratorRuns(file: string, rows: number, template: string) {
  const appDir = path.join(repoRoot, 'apps/migrator');
  const migrator = (args: string[]) =>
    timed(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts', file, ...args], 3_600_000, appDir);
  const results: Result[] = [];
  const targets: Record<string, string> = {};
  for (const writer of writers) {
    const url = await freshDatabase(`${prefix}_${writer.toLowerCase()}`, template);
    targets[writer] = url;
    console.log(`migrator --writer ${writer} ...`);
    const timing = await migrator(['--database-url', url, '--writer', writer]);
    results.push({ name: `migrator --writer ${writer}`, timing, rows });
  }
  // read, convert and check every row, write nothing: what the migrator costs before PostgreSQL does anything
  const url = await freshDatabase(`${prefix}_dryrun`, template);
  console.log('migrator --dry-run --writer copy (reads and converts, writes nothing) ...');
  const timing = await migrator(['--database-url', url, '--writer', 'copy', '--dry-run']);
  results.push({ name: 'migrator --dry-run (copy threads)', timing, rows });
  return { results, targets };
}

/** The export of the migrated database back to a legacy SQLite file (verification included), as the CLI runs it. */
async function exportRun(url: string, rows: number): Promise<Result> {
  const out = path.join(os.tmpdir(), `gt-bench-export-${process.pid}.db`);
  console.log('migrator export (PostgreSQL → legacy SQLite, read back and verified) ...');
  const timing = await timed(
    process.execPath,
    ['--require', 'tsx/cjs', 'src/main.ts', 'export', out, '--database-url', url, '--force'],
    3_600_000,
    path.join(repoRoot, 'apps/migrator'),
  );
  rmSync(out, { force: true });
  return { name: 'migrator export (same rows, back to SQLite)', timing, rows };
}

async function pgloaderRun(file: string, rows: number): Promise<Result | null> {
  if (process.env.BENCH_PGLOADER === '0') return null;
  const pgloader = ensurePgloader();
  if (!pgloader) return null;
  const url = await freshDatabase(`${prefix}_pgloader`);
  console.log('pgloader (its defaults) ...');
  // pgloader can hang for good on some legacy files (seen here at scale 4): bounded at 60 s per million rows
  const timing = await timed(pgloader, [`sqlite://${file}`, url], Math.max(120_000, rows * 0.06));
  return { name: 'pgloader', timing, rows };
}

/** The COPY floor into bare tables (indexes built after), and COPY into the fully indexed schema. */
async function copyFloorRuns(loaded: string, rows: number, template: string): Promise<Result[]> {
  console.log('raw COPY floor ...');
  const floorSeconds = await copyFloor(loaded, await freshDatabase(`${prefix}_floor`, template), true);
  const indexedSeconds = await copyFloor(loaded, await freshDatabase(`${prefix}_indexed`, template), false);
  return [
    {
      name: 'COPY floor (same rows, indexes built after)',
      timing: { seconds: floorSeconds, peakRssMb: null, ok: true },
      rows,
    },
    {
      name: 'COPY into the indexed schema',
      timing: { seconds: indexedSeconds, peakRssMb: null, ok: true },
      rows,
    },
  ];
}

function resultTable(results: Result[]): string {
  const pgloaderSeconds = results.find((r) => r.name === 'pgloader' && r.timing.ok)?.timing.seconds;
  const floorSeconds = results.find((r) => r.name.startsWith('COPY floor'))!.timing.seconds;
  const header = ['run', 'wall s', 'rows/s', 'peak RSS MB', 'x pgloader', 'x COPY floor', 'note'];
  const rows = results.map(({ name, timing, rows: count }) => [
    name,
    timing.seconds.toFixed(1),
    String(Math.round(count / timing.seconds)),
    timing.peakRssMb === null ? '-' : String(timing.peakRssMb),
    pgloaderSeconds ? (timing.seconds / pgloaderSeconds).toFixed(2) : '-',
    (timing.seconds / floorSeconds).toFixed(2),
    timing.ok ? '' : (timing.note ?? 'failed'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const file = path.join(os.tmpdir(), `gt-bench-scale-${scale}.db`);
  const started = performance.now();
  const generated = generateLegacyFile(file, { scale });
  console.log(
    `generated ${file}: ${generated.rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const template = `${prefix}_template`;
  await applyMigrations(await freshDatabase(template));
  const { results, targets } = await migratorRuns(file, generated.rows, template);
  const exported = await exportRun((targets.copy ?? targets.createMany)!, generated.rows);
  results.push(exported);
  const pgloader = await pgloaderRun(file, generated.rows);
  if (pgloader) results.push(pgloader);
  results.push(...(await copyFloorRuns((targets.copy ?? targets.createMany)!, generated.rows, template)));
  const identical =
    targets.copy && targets.createMany
      ? await targetsIdentical(targets.copy, targets.createMany)
      : 'not compared (one writer only)';
  console.log(`\nscale ${scale}: ${generated.rows} legacy rows, ${os.cpus().length} CPUs`);
  console.log(resultTable(results));
  console.log(`createMany target vs copy target: ${identical}`);
  const imported = results.find((r) => r.name.startsWith('migrator --writer copy')) ?? results[0]!;
  console.log(
    `export / import (${imported.name}): ${(exported.timing.seconds / imported.timing.seconds).toFixed(2)} x the wall time; export peak RSS ${exported.timing.peakRssMb ?? '-'} MB`,
  );
  for (const name of ['template', 'copy', 'createmany', 'dryrun', 'pgloader', 'floor', 'indexed'])
    await admin(`DROP DATABASE IF EXISTS ${prefix}_${name} WITH (FORCE)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
