import { writeFileSync, writeSync } from 'node:fs';
import {
  EXIT_CODES,
  formatOutcome,
  formatSummary,
  migrate,
  MigrateError,
  progressPrinter,
} from '@groundtruth/legacy-archive';
import { HELP, parseCommand } from './args';
import { runExport } from './export-command';

async function main(argv: string[]): Promise<number> {
  // the export cleans up its temporary file on a signal itself
  if (argv[0] === 'export') return runExport(argv.slice(1));
  // Ctrl-C: every committed batch is kept (each commits with its checkpoint); say how to go on
  process.once('SIGINT', () => {
    settled = true;
    writeSync(
      2,
      '\nmigrator: interrupted. Every committed batch is kept: run the same command again with --resume to continue.\n',
    );
    process.exit(130);
  });
  const command = parseCommand(argv);
  if (command.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const report = await migrate({
    ...command.run,
    onProgress: progressPrinter(process.stderr),
    onLog: (message) => process.stderr.write(`${message}\n`),
  });
  process.stdout.write(`${formatSummary(report)}\n${formatOutcome(report)}\n`);
  if (command.reportFile) writeFileSync(command.reportFile, `${JSON.stringify(report, null, 2)}\n`);
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
      process.exitCode = EXIT_CODES[error.kind];
    } else {
      process.stderr.write(`migrator: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 3;
    }
  },
);
