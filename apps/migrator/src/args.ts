import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@groundtruth/config';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_CONVERSION_THREADS,
  DEFAULT_WRITER_THREADS,
  MigrateError,
  type MigrateOptions,
} from '@groundtruth/legacy-archive';

export const HELP = `Usage: pnpm migrate <file.db> [options]
       pnpm migrate:export <out.db> [options]   the way back: PostgreSQL → a legacy SQLite archive (export --help)

Moves a legacy GroundTruth SQLite archive into the migrated PostgreSQL database, then verifies it.

Options:
  --database-url <url>     target PostgreSQL (default: DATABASE_URL); its schema must be migrated (pnpm db:migrate)
  --writer createMany|copy how batches are written: Prisma createMany (default) or COPY FROM STDIN
  --batch-size <n>         rows per batch; each batch commits together with its checkpoint
                           (default ${DEFAULT_BATCH_SIZE.createMany} with createMany, ${DEFAULT_BATCH_SIZE.copy} with copy)
  --concurrency <n>        batches in flight at once; commits stay in order (default ${DEFAULT_CONCURRENCY})
  --writer-threads <n>     createMany: worker threads, each with its own Prisma client (default ${DEFAULT_WRITER_THREADS})
  --conversion-threads <n> threads that read and convert rows ahead of the key checks; 0 converts on the main
                           thread (default ${DEFAULT_CONVERSION_THREADS.copy} with copy, ${DEFAULT_CONVERSION_THREADS.createMany} with createMany, whose writer threads are the bottleneck)
  --dry-run                read, convert and check everything; write nothing, list what would be quarantined
  --verify                 compare an existing target with the source only (re-reads the whole file)
  --resume                 continue an interrupted run from its last committed checkpoint
  --orphans quarantine|fail  rows whose parent is missing: quarantine them (default) or stop before writing anything
  --report <file.json>     also write the summary as JSON (times, tables, quarantine counts per reason)
  --tables a,b             only these tables (their parents must already be in the target)
  --skip t,t.col           leave these legacy tables/columns behind on purpose (else an unknown one stops the run)
  -h, --help               this text

Exit codes: 0 migrated and verified; 1 a verification check failed (or the file changed meanwhile); 2 bad arguments;
3 cannot run (file, database or its connection lost, schema, refused target); 4 orphans found with --orphans fail;
130 interrupted (Ctrl-C): run again with --resume.`;

/** What the command line asks for: the help text, or a run and where its JSON report goes. */
export type Command = { help: true } | { help: false; run: MigrateOptions; reportFile: string | undefined };

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

/**
 * `pnpm migrate` runs in apps/migrator: a relative path means the folder pnpm was started in (INIT_CWD), as the user
 * typed it.
 */
export function fromStartFolder(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
}

function parse(argv: string[]) {
  try {
    return parseArgs({
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
}

/** The command line as a run of the import; a bad argument is a usage error (exit 2) that names it. */
export function parseCommand(argv: string[]): Command {
  const { values, positionals: files } = parse(argv);
  if (values.help) return { help: true };
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
  const run: MigrateOptions = {
    source: fromStartFolder(files[0]!),
    databaseUrl,
    writer,
    batchSize: positiveInt('batch-size', values['batch-size'], DEFAULT_BATCH_SIZE[writer]),
    concurrency: positiveInt('concurrency', values.concurrency, DEFAULT_CONCURRENCY),
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
  };
  return {
    help: false,
    run,
    reportFile: values.report === undefined ? undefined : fromStartFolder(values.report),
  };
}
