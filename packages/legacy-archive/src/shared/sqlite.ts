import { closeSync, existsSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { MigrateError } from './errors';
import { quoteIdent } from './sql';
import type { RawValue } from './values';

/** Every read of a legacy file goes through this module. */

const SQLITE_HEADER = 'SQLite format 3\0';
const HEADER_BYTES = 100;
const LAST_ROWID = 2n ** 63n - 1n;

export interface LegacyColumn {
  name: string;
  declaredType: string;
  primaryKey: number;
}

/** A legacy file open read-only in one read transaction: every read sees the snapshot it had when it was opened. */
export interface LegacySource {
  path: string;
  /** size, mtime and header: identifies the file a run started from */
  fingerprint: string;
  tables: Map<string, LegacyColumn[]>;
  /** SQLite's journal mode: 'wal' lets writers commit while this snapshot is read */
  journalMode: string;
  /**
   * SQLite's quick_check over the whole file (a corrupt file is refused before anything is written). Apart from
   * opening, so that it can overlap the connection to PostgreSQL on a conversion thread.
   */
  checkIntegrity(): void;
  /** the rows of a rowidRangeSql query in (after, upTo], one at a time; upTo null: to the end of the table */
  readRange(sql: string, after: bigint, upTo: bigint | null): Iterable<RawValue[]>;
  /** the row `rowid` of a rowidRangeSql query */
  readRow(sql: string, rowid: bigint): RawValue[];
  /** where a range of `size` rows after `after` ends, or null when the rest of the table is no longer */
  rangeEnd(table: string, after: bigint, size: number): bigint | null;
  countRows(table: string): number;
  /** the stored bytes of one value (text is read as text; this is for the rare invalid UTF-8) */
  bytesOf(table: string, column: string, rowid: bigint): Buffer | null;
  close(): void;
}

/** SELECT rowid, <columns> of one rowid range (two parameters: after, up to), in rowid order. */
export function rowidRangeSql(table: string, columns: string[]): string {
  const select = columns.map(quoteIdent).join(', ');
  return `SELECT rowid${select ? `, ${select}` : ''} FROM ${quoteIdent(table)} WHERE rowid > ? AND rowid <= ? ORDER BY rowid`;
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

/** A failure while reading `table` as the migrator reports it: SQLite's errors explained, others as they are. */
export function readFailure(error: unknown, path: string, table: string, afterRowid: bigint): unknown {
  if (error instanceof MigrateError || !(error as { code?: string }).code?.startsWith('SQLITE_'))
    return error;
  return new MigrateError(
    'source',
    `${explain(path, error).message} [table ${table}, after rowid ${afterRowid}]`,
  );
}

/** The file's first bytes, after the checks that need no SQLite: it exists, is a file, and has SQLite's header. */
function readHeader(path: string): { stat: Stats; header: Buffer } {
  if (!existsSync(path)) throw new MigrateError('source', `legacy file not found: ${path}`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new MigrateError('source', `not a file: ${path}`);
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (stat.size < HEADER_BYTES || header.subarray(0, 16).toString('latin1') !== SQLITE_HEADER) {
    throw new MigrateError('source', `not a SQLite database: ${path}`);
  }
  return { stat, header };
}

function readTables(db: Database.Database): Map<string, LegacyColumn[]> {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
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
  return tables;
}

function checkIntegrity(db: Database.Database, path: string): void {
  try {
    const problems = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
    const bad = problems.map((row) => row.quick_check).filter((text) => text !== 'ok');
    if (bad.length > 0)
      throw new MigrateError('source', `legacy file is corrupt: ${path} (${bad.join('; ')})`);
  } catch (error) {
    if (error instanceof MigrateError) throw error;
    throw explain(path, error);
  }
}

/** size, mtime and header: what tells the file a run started from */
function fingerprintOf(stat: Stats, header: Buffer): string {
  return createHash('sha256')
    .update(`${stat.size}:${stat.mtimeMs}:`)
    .update(header)
    .digest('hex')
    .slice(0, 32);
}

/** Row reads by rowid range; the statements are prepared per call (a chunk, or one rare row). */
function rowReads(
  db: Database.Database,
): Pick<LegacySource, 'readRange' | 'readRow' | 'rangeEnd' | 'countRows'> {
  return {
    readRange: (sql, after, upTo) =>
      db
        .prepare(sql)
        .raw(true)
        .safeIntegers(true)
        .iterate(after, upTo ?? LAST_ROWID) as Iterable<RawValue[]>,
    readRow: (sql, rowid) =>
      (
        db
          .prepare(sql)
          .raw(true)
          .safeIntegers(true)
          .all(rowid - 1n, rowid) as RawValue[][]
      )[0]!,
    rangeEnd: (table, after, size) =>
      (db
        .prepare(`SELECT rowid FROM ${quoteIdent(table)} WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ?`)
        .pluck()
        .safeIntegers(true)
        .get(after, size - 1) as bigint | undefined) ?? null,
    countRows: (table) =>
      Number(
        db
          .prepare(`SELECT count(*) FROM ${quoteIdent(table)}`)
          .pluck()
          .safeIntegers(false)
          .get(),
      ),
  };
}

/** Reads a stored value as bytes, with one prepared statement per column. */
function byteReader(db: Database.Database): LegacySource['bytesOf'] {
  const readers = new Map<string, Database.Statement>();
  return (table, column, rowid) => {
    const key = `${table}.${column}`;
    let reader = readers.get(key);
    if (!reader) {
      reader = db
        .prepare(`SELECT CAST(${quoteIdent(column)} AS BLOB) FROM ${quoteIdent(table)} WHERE rowid = ?`)
        .pluck();
      readers.set(key, reader);
    }
    return (reader.get(rowid) as Buffer | null | undefined) ?? null;
  };
}

/** The reads of an open file, inside the read transaction that holds its snapshot. */
function legacySource(path: string, db: Database.Database, stat: Stats, header: Buffer): LegacySource {
  return {
    path,
    fingerprint: fingerprintOf(stat, header),
    tables: readTables(db),
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    checkIntegrity: () => checkIntegrity(db, path),
    ...rowReads(db),
    bytesOf: byteReader(db),
    close: () => {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    },
  };
}

/** Opens the legacy file read-only and holds one read transaction, so every table is read from one snapshot. */
export function openSource(path: string): LegacySource {
  const { stat, header } = readHeader(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 2000 });
    db.exec('BEGIN');
    return legacySource(path, db, stat, header);
  } catch (error) {
    db?.close();
    if (error instanceof MigrateError) throw error;
    throw explain(path, error);
  }
}
