import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { MigrateError } from './errors';

const SQLITE_HEADER = 'SQLite format 3\0';

export interface LegacyColumn {
  name: string;
  declaredType: string;
  primaryKey: number;
}

export interface LegacySource {
  path: string;
  db: Database.Database;
  /** size, mtime and header: identifies the file a run started from */
  fingerprint: string;
  tables: Map<string, LegacyColumn[]>;
  /** SQLite's journal mode: 'wal' lets writers commit while this snapshot is read */
  journalMode: string;
  /** the stored bytes of one value (text is read as text; this is for the rare invalid UTF-8) */
  bytesOf(table: string, column: string, rowid: bigint): Buffer | null;
  close(): void;
}

function explain(path: string, error: unknown): MigrateError {
  const { code, message } = error as { code?: string; message: string };
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new MigrateError('source', `legacy file is locked by another process: ${path} (${message})`);
  }
  if (code === 'SQLITE_NOTADB') return new MigrateError('source', `not a SQLite database: ${path}`);
  if (code === 'SQLITE_CORRUPT' || code?.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_IOERR_SHORT_READ') {
    return new MigrateError('source', `legacy file is corrupt: ${path} (${message})`);
  }
  return new MigrateError('source', `cannot read legacy file ${path}: ${message}`);
}

/**
 * SQLite's quick_check over the whole file (a corrupt file is refused before anything is written). Run apart from
 * openSource, so that it can overlap the connection to PostgreSQL on a conversion thread.
 */
export function checkIntegrity(source: LegacySource): void {
  try {
    const problems = source.db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
    const bad = problems.map((row) => row.quick_check).filter((text) => text !== 'ok');
    if (bad.length > 0)
      throw new MigrateError('source', `legacy file is corrupt: ${source.path} (${bad.join('; ')})`);
  } catch (error) {
    if (error instanceof MigrateError) throw error;
    throw explain(source.path, error);
  }
}

/** Opens the legacy file read-only and holds one read transaction, so every table is read from one snapshot. */
export function openSource(path: string): LegacySource {
  if (!existsSync(path)) throw new MigrateError('source', `legacy file not found: ${path}`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new MigrateError('source', `not a file: ${path}`);
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (stat.size < 100 || header.subarray(0, 16).toString('latin1') !== SQLITE_HEADER) {
    throw new MigrateError('source', `not a SQLite database: ${path}`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 2000 });
    db.exec('BEGIN');
    const names = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    const tables = new Map<string, LegacyColumn[]>();
    for (const name of names) {
      const columns = db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(name) as {
        name: string;
        type: string;
        pk: number;
      }[];
      tables.set(
        name,
        columns.map((column) => ({ name: column.name, declaredType: column.type, primaryKey: column.pk })),
      );
    }
    const fingerprint = createHash('sha256')
      .update(`${stat.size}:${stat.mtimeMs}:`)
      .update(header)
      .digest('hex')
      .slice(0, 32);
    const journalMode = String(db.pragma('journal_mode', { simple: true }));
    const opened = db;
    const byteReaders = new Map<string, Database.Statement>();
    return {
      path,
      db: opened,
      fingerprint,
      tables,
      journalMode,
      bytesOf: (table, column, rowid) => {
        const key = `${table}.${column}`;
        let reader = byteReaders.get(key);
        if (!reader) {
          reader = opened
            .prepare(`SELECT CAST(${quoteSqlite(column)} AS BLOB) FROM ${quoteSqlite(table)} WHERE rowid = ?`)
            .pluck();
          byteReaders.set(key, reader);
        }
        return (reader.get(rowid) as Buffer | null | undefined) ?? null;
      },
      close: () => {
        if (opened.inTransaction) opened.exec('COMMIT');
        opened.close();
      },
    };
  } catch (error) {
    db?.close();
    if (error instanceof MigrateError) throw error;
    throw explain(path, error);
  }
}

export function sourceError(
  path: string,
  table: string,
  rowid: bigint | undefined,
  error: unknown,
): MigrateError {
  const base = explain(path, error);
  return new MigrateError(
    'source',
    `${base.message} [table ${table}${rowid !== undefined ? `, after rowid ${rowid}` : ''}]`,
  );
}

export function quoteSqlite(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
