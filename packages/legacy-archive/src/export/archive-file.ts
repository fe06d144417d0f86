import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MigrateError } from '../shared/errors';

/**
 * The export's output: written under a temporary name beside OUT (`.OUT.<pid>.export-partial`) and renamed onto OUT
 * only when complete, so OUT is never a half file. A run killed outright (SIGKILL, power loss) leaves its temporary
 * file; the next export to the same folder removes those whose process is gone.
 */
export interface ArchiveFile {
  out: string;
  tempPath: string;
  db: Database.Database;
  /** sets the legacy journal mode and closes the database (the file can then be read back) */
  finish(): void;
  /** syncs the finished file to disk and renames it onto OUT */
  publish(): void;
  /** closes and removes the temporary file; safe to call more than once, and after publish */
  discard(): void;
}

const PARTIAL = '.export-partial';

function tempNameOf(out: string, pid: number): string {
  return path.join(path.dirname(out), `.${path.basename(out)}.${pid}${PARTIAL}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary files of earlier exports to OUT whose process is gone (killed before it could clean up). */
function removeStaleTemporaries(out: string): string[] {
  const prefix = `.${path.basename(out)}.`;
  const removed: string[] = [];
  for (const name of readdirSync(path.dirname(out))) {
    if (!name.startsWith(prefix)) continue;
    const match = /^\.(.+)\.(\d+)\.export-partial(-journal|-wal|-shm)?$/.exec(name);
    if (!match || match[1] !== path.basename(out) || alive(Number(match[2]))) continue;
    rmSync(path.join(path.dirname(out), name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** A failure of the output file as the CLI reports it: disk full, no permission, others with their message. */
export function writeFailure(file: string, error: unknown): unknown {
  if (error instanceof MigrateError) return error;
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return new MigrateError('target', `disk full while writing ${file}: nothing was left at the output path`);
  if (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'SQLITE_READONLY'
  )
    return new MigrateError('target', `no permission to write ${file} (${message ?? code})`);
  if (code?.startsWith('SQLITE_IOERR'))
    return new MigrateError('target', `cannot write ${file}: ${message ?? code}`);
  return error;
}

function checkOutput(out: string, force: boolean): void {
  const folder = path.dirname(out);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new MigrateError('target', `cannot write ${out}: folder ${folder} does not exist`);
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw writeFailure(out, error);
  }
  if (existsSync(out)) {
    if (statSync(out).isDirectory()) throw new MigrateError('refused', `${out} is a folder`);
    if (!force) throw new MigrateError('refused', `${out} already exists: pass --force to replace it`);
  }
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Checks OUT (refused when it exists, unless force), clears stale temporaries and opens the temporary file. */
export function createArchiveFile(
  out: string,
  { force, log }: { force: boolean; log: (message: string) => void },
): ArchiveFile {
  const target = path.resolve(out);
  checkOutput(target, force);
  for (const name of removeStaleTemporaries(target))
    log(`removed ${name}, left by an export that was killed`);
  const tempPath = tempNameOf(target, process.pid);
  rmSync(tempPath, { force: true });
  let db: Database.Database;
  try {
    db = new Database(tempPath);
    // a temporary file: no syncs while writing (it is synced once, before the rename); WAL, so that committed
    // ranges are read back by the verification threads while the next ones are written
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -32768');
    // as the legacy app ran: quarantined orphans go back in (better-sqlite3 turns foreign keys on by default)
    db.pragma('foreign_keys = OFF');
  } catch (error) {
    rmSync(tempPath, { force: true });
    throw writeFailure(out, error);
  }
  let open = true;
  let done = false;
  const close = () => {
    if (open) db.close();
    open = false;
  };
  return {
    out: target,
    tempPath,
    db,
    finish() {
      try {
        // the legacy app's files use the rollback journal (journal_mode DELETE): the WAL goes into the file first
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.pragma('journal_mode = DELETE');
        close();
      } catch (error) {
        throw writeFailure(out, error);
      }
    },
    publish() {
      try {
        syncFile(tempPath);
        renameSync(tempPath, target);
        done = true;
        syncFile(path.dirname(target));
      } catch (error) {
        throw writeFailure(out, error);
      }
    },
    discard() {
      try {
        close();
      } catch {
        // already failing: removing the file is what matters
      }
      if (!done) {
        rmSync(tempPath, { force: true });
        for (const suffix of ['-journal', '-wal', '-shm']) rmSync(`${tempPath}${suffix}`, { force: true });
      }
    },
  };
}
