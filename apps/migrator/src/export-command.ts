import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '@groundtruth/config';
import {
  exportArchive,
  formatSummary,
  MigrateError,
  progressPrinter,
  type ExportOptions,
} from '@groundtruth/legacy-archive';
import { fromStartFolder } from './args';

export const EXPORT_HELP = `Usage: pnpm migrate:export <out.db> [options]
       pnpm --filter migrator start -- export <out.db> [options]

The way back: writes the migrated PostgreSQL database as a legacy GroundTruth SQLite archive that the legacy Flask
app opens as its own (its exact CREATE statements, ids, sqlite_sequence, 0/1 flags, text timestamps, JSON text),
then reads the file back and checks every table against the database. Only the legacy app's tables are written;
derived and bookkeeping tables are left out and listed. Reads one consistent snapshot (REPEATABLE READ READ ONLY),
so the studio may keep running. Writes a temporary file beside <out.db> and renames it at the end: <out.db> is never
a half file, also when the export fails or is stopped.

Options:
  --database-url <url>  PostgreSQL to read (default: DATABASE_URL); its schema must be migrated
  --force               replace <out.db> when it exists (refused otherwise)
  --with-quarantine     also put back the rows the import quarantined (_migrator_quarantine), as they were
  --report <file.json>  also write the summary as JSON
  -h, --help            this text

A relative <out.db> is taken from the folder pnpm was started in.

Exit codes: 0 exported and verified; 1 a check of the file failed; 2 bad arguments;
3 cannot run (unreachable database, schema not migrated, <out.db> exists, no write permission, disk full).`;

export type ExportCommand =
  | { help: true }
  | { help: false; run: Omit<ExportOptions, 'onProgress' | 'onLog'>; reportFile: string | undefined };

function usage(message: string): never {
  throw new MigrateError('usage', `${message}\n\n${EXPORT_HELP}`);
}

/** The arguments after `export`; a bad one is a usage error (exit 2) that names it. */
export function parseExportCommand(argv: string[]): ExportCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'database-url': { type: 'string' },
        force: { type: 'boolean' },
        'with-quarantine': { type: 'boolean' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length !== 1) usage('give exactly one output file');
  const databaseUrl = values['database-url'] ?? loadConfig().DATABASE_URL;
  if (!databaseUrl) usage('no database: pass --database-url or set DATABASE_URL');
  return {
    help: false,
    run: {
      out: fromStartFolder(positionals[0]!),
      databaseUrl,
      force: values.force,
      withQuarantine: values['with-quarantine'],
    },
    reportFile: values.report === undefined ? undefined : fromStartFolder(values.report),
  };
}

/** Runs `export`: progress on stderr, the summary on stdout; the exit code. */
export async function runExport(argv: string[]): Promise<number> {
  const command = parseExportCommand(argv);
  if (command.help) {
    process.stdout.write(`${EXPORT_HELP}\n`);
    return 0;
  }
  const report = await exportArchive({
    ...command.run,
    onProgress: progressPrinter(process.stderr),
    onLog: (message) => process.stderr.write(`${message}\n`),
  });
  process.stdout.write(`${formatSummary(report)}\n`);
  process.stdout.write(`integrity_check: ${report.integrity}; foreign_key_check: ${report.foreignKeys}\n`);
  if (report.leftOut.length > 0) process.stdout.write(`left out: ${report.leftOut.join(', ')}\n`);
  if (report.quarantined > 0) {
    process.stdout.write(
      command.run.withQuarantine
        ? `${report.restored} quarantined row(s) put back${report.notRestored.length > 0 ? `; ${report.notRestored.length} refused by SQLite: ${report.notRestored.join('; ')}` : ''}\n`
        : `${report.quarantined} row(s) quarantined at import are not in the file (--with-quarantine puts them back)\n`,
    );
  }
  process.stdout.write(`wrote ${report.out}\n`);
  if (command.reportFile) writeFileSync(command.reportFile, `${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}
