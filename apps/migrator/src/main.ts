import { writeFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '@groundtruth/config';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONVERSION_THREADS,
  DEFAULT_WRITER_THREADS,
  formatSummary,
  migrate,
  MigrateError,
  type MigrateErrorKind,
  type ProgressEvent,
} from '@groundtruth/legacy-archive';

const HELP = `Usage: pnpm migrate <file.db> [options]

Moves a legacy GroundTruth SQLite archive into the migrated PostgreSQL database, then verifies it.

Options:
  --database-url <url>     target PostgreSQL (default: DATABASE_URL); its schema must be migrated (pnpm db:migrate)
  --writer createMany|copy how batches are written: Prisma createMany (default) or COPY FROM STDIN
  --batch-size <n>         rows per batch; each batch commits together with its checkpoint
                           (default ${DEFAULT_BATCH_SIZE.createMany} with createMany, ${DEFAULT_BATCH_SIZE.copy} with copy)
  --concurrency <n>        batches in flight at once; commits stay in order (default 4)
  --writer-threads <n>     createMany: worker threads, each with its own Prisma client (default ${DEFAULT_WRITER_THREADS})
  --conversion-threads <n> threads that read and convert rows ahead of the key checks; 0 converts on the main
                           thread (default ${DEFAULT_CONVERSION_THREADS.copy} with copy, ${DEFAULT_CONVERSION_THREADS.createMany} with createMany, whose writer threads are the bottleneck)
  --dry-run                read, convert and check everything; write nothing
  --verify                 compare an existing target with the source only (re-reads the whole file)
  --resume                 continue an interrupted run from its last committed checkpoint
  --orphans quarantine|fail  rows whose parent is missing: quarantine them (default) or stop before writing anything
  --report <file.json>     also write the summary as JSON
  --tables a,b             only these tables (their parents must already be in the target)
  --skip t,t.col           leave these legacy tables/columns behind on purpose (else an unknown one stops the run)
  -h, --help               this text

Exit codes: 0 migrated and verified; 1 a verification check failed; 2 bad arguments;
3 cannot run (file, database, schema, refused target); 4 orphans found with --orphans fail.`;

const EXIT: Record<MigrateErrorKind, number> = {
  usage: 2,
  source: 3,
  target: 3,
  schema: 3,
  refused: 3,
  orphans: 4,
};

function usage(message: string): never {
  throw new MigrateError('usage', `${message}\n\n${HELP}`);
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) usage(`--${name} must be a positive integer, got "${value}"`);
  return parsed;
}

function nonNegativeInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    usage(`--${name} must be 0 or a positive integer, got "${value}"`);
  return parsed;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
}

/** A bar per table on a terminal; plain lines (at most every 2 s per table) otherwise. */
function progressPrinter(): (event: ProgressEvent) => void {
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  return (event) => {
    const rate = event.seconds > 0 ? Math.round(event.read / event.seconds) : 0;
    const eta = rate > 0 ? Math.max(0, (event.total - event.read) / rate) : 0;
    const label = `${event.phase} ${event.table}`;
    if (tty) {
      const width = 30;
      const filled =
        event.total > 0 ? Math.min(width, Math.round((event.read / event.total) * width)) : width;
      process.stderr.write(
        `\r\x1b[K${label.padEnd(34)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.read}/${event.total} ${rate} rows/s ETA ${eta.toFixed(0)}s${event.done ? '\n' : ''}`,
      );
      return;
    }
    const now = Date.now();
    if (event.done || now - lastLine >= 2000) {
      lastLine = now;
      process.stderr.write(
        `${label}: ${event.read}/${event.total} read, ${event.written} written, ${event.quarantined} quarantined, ${rate} rows/s${event.done ? ' (done)' : `, ETA ${eta.toFixed(0)}s`}\n`,
      );
    }
  };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'database-url': { type: 'string' },
        writer: { type: 'string' },
        'batch-size': { type: 'string' },
        concurrency: { type: 'string' },
        'writer-threads': { type: 'string' },
        'conversion-threads': { type: 'string' },
        'dry-run': { type: 'boolean' },
        verify: { type: 'boolean' },
        resume: { type: 'boolean' },
        orphans: { type: 'string' },
        report: { type: 'string' },
        tables: { type: 'string' },
        skip: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const files = positionals;
  if (files.length !== 1) usage('give exactly one legacy SQLite file');
  const writer = values.writer ?? 'createMany';
  if (writer !== 'createMany' && writer !== 'copy')
    usage(`--writer must be createMany or copy, got "${writer}"`);
  const orphans = values.orphans ?? 'quarantine';
  if (orphans !== 'quarantine' && orphans !== 'fail')
    usage(`--orphans must be quarantine or fail, got "${orphans}"`);
  if (values['dry-run'] && values.verify) usage('--dry-run and --verify exclude each other');
  const databaseUrl = values['database-url'] ?? loadConfig().DATABASE_URL;
  if (!databaseUrl) usage('no target: pass --database-url or set DATABASE_URL');

  const report = await migrate({
    source: files[0]!,
    databaseUrl,
    writer,
    batchSize: positiveInt('batch-size', values['batch-size'], DEFAULT_BATCH_SIZE[writer]),
    concurrency: positiveInt('concurrency', values.concurrency, 4),
    writerThreads: positiveInt('writer-threads', values['writer-threads'], DEFAULT_WRITER_THREADS),
    conversionThreads: nonNegativeInt(
      'conversion-threads',
      values['conversion-threads'],
      DEFAULT_CONVERSION_THREADS[writer],
    ),
    dryRun: values['dry-run'],
    verifyOnly: values.verify,
    resume: values.resume,
    orphans,
    tables: list(values.tables),
    skip: list(values.skip),
    onProgress: progressPrinter(),
    onLog: (message) => process.stderr.write(`${message}\n`),
  });
  process.stdout.write(`${formatSummary(report)}\n`);
  if (report.quarantined > 0 && report.mode === 'migrate') {
    process.stdout.write(
      `${report.quarantined} row(s) quarantined: SELECT table_name, legacy_id, reason, row_data FROM _migrator_quarantine;\n`,
    );
  }
  if (values.report) writeFileSync(values.report, `${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

// Stays non-zero unless main settles: a run that stalls and drains the event loop must not look like success.
process.exitCode = 3;
let settled = false;
process.on('exit', () => {
  if (!settled) writeSync(2, 'migrator: stopped before the run finished (nothing was left to wait for)\n');
});
// `pnpm --filter migrator start -- <file>` hands the separator on; options may follow it.
main(process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--'))).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    settled = true;
    if (error instanceof MigrateError) {
      process.stderr.write(`migrator: ${error.message}\n`);
      process.exitCode = EXIT[error.kind];
    } else {
      process.stderr.write(`migrator: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 3;
    }
  },
);
