import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { MigrateError } from './errors';
import { quoteIdent } from './sql';
import type { RawValue } from './values';

/** Every read of a legacy file goes through this module. */

const SQLITE_HEADER = 'SQLite format 3\0';
const HEADER_BYTES = 100;
const LAST_ROWID = 2n ** 63n - 1n;
const CHANGE_COUNTER_OFFSET = 24;

export interface LegacyColumn {
  name: string;
  declaredType: string;
  primaryKey: number;
}

/** A legacy file open read-only in one read transaction: every read sees the snapshot it had when it was opened. */
export interface LegacySource {
  path: string;
  /** a hash of the file's bytes in this snapshot: identifies the source by content (a new mtime is the same file) */
  fingerprint: string;
  tables: Map<string, LegacyColumn[]>;
  /** AUTOINCREMENT counters (sqlite_sequence): ids the legacy app has handed out, deleted rows' included */
  sequences: Map<string, bigint>;
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
  /**
   * What changed in the file since this snapshot was taken (empty when nothing did): the snapshot is held, but a
   * writer may still commit under it in WAL mode, and a changed source is not what the target was made from.
   */
  changesSinceOpen(): string[];
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

/**
 * Opens the file for the run's own byte reads (its header, its content hash, its change counter) after the checks
 * that need no SQLite: it exists, is a file, and has SQLite's header. The descriptor stays open until the SQLite
 * connection is closed: closing any descriptor of a file drops every POSIX lock this process holds on it, SQLite's
 * shared lock included, and with it the snapshot.
 */
function openBytes(path: string): number {
  if (!existsSync(path)) throw new MigrateError('source', `legacy file not found: ${path}`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new MigrateError('source', `not a file: ${path}`);
  const fd = openSync(path, 'r');
  const header = Buffer.alloc(HEADER_BYTES);
  const read = readSync(fd, header, 0, HEADER_BYTES, 0);
  if (read < HEADER_BYTES || header.subarray(0, 16).toString('latin1') !== SQLITE_HEADER) {
    closeSync(fd);
    throw new MigrateError('source', `not a SQLite database: ${path}`);
  }
  return fd;
}

/** The header's file change counter: every commit in rollback-journal mode increments it. */
function changeCounter(fd: number): number {
  const bytes = Buffer.alloc(4);
  readSync(fd, bytes, 0, 4, CHANGE_COUNTER_OFFSET);
  return bytes.readUInt32BE(0);
}

/** SHA-256 of the file's bytes (and of its WAL, whose frames are part of the content in WAL mode). */
function contentHash(fd: number, path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const hashFile = (descriptor: number) => {
    let position = 0;
    for (let read; (read = readSync(descriptor, buffer, 0, buffer.length, position)) > 0; position += read)
      hash.update(buffer.subarray(0, read));
  };
  hashFile(fd);
  if (existsSync(`${path}-wal`)) {
    // SQLite keeps the -wal descriptor of its own connection open: this one is closed at once, so it must not lock
    const wal = openSync(`${path}-wal`, 'r');
    hash.update('\0wal\0');
    hashFile(wal);
    closeSync(wal);
  }
  return hash.digest('hex').slice(0, 32);
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

function readSequences(db: Database.Database): Map<string, bigint> {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get();
  if (!exists) return new Map();
  const rows = db.prepare('SELECT name, seq FROM sqlite_sequence').safeIntegers().all() as {
    name: unknown;
    seq: unknown;
  }[];
  // a hand-edited counter that is no integer tells nothing: the ids loaded still move the sequence on
  return new Map(
    rows.flatMap((row) =>
      typeof row.name === 'string' && typeof row.seq === 'bigint' ? [[row.name, row.seq] as const] : [],
    ),
  );
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

/** Per table: its row count and largest rowid, as a connection sees them. */
function tableSignatures(db: Database.Database, tables: Iterable<string>): Map<string, string> {
  const signatures = new Map<string, string>();
  for (const table of tables) {
    const row = db
      .prepare(`SELECT count(*) AS n, max(rowid) AS last FROM ${quoteIdent(table)}`)
      .safeIntegers(true)
      .get() as { n: bigint; last: bigint | null };
    signatures.set(table, `${row.n} rows, last rowid ${row.last ?? 'none'}`);
  }
  return signatures;
}

/** The tables whose signature differs between the snapshot and the file as it is now, or how else it changed. */
function describeChanges(path: string, snapshot: Map<string, string>): string[] {
  const now = new Database(path, { readonly: true, fileMustExist: true, timeout: 2000 });
  try {
    const present = readTables(now);
    const names = new Set([...snapshot.keys(), ...present.keys()]);
    const current = tableSignatures(now, present.keys());
    return [...names]
      .filter((name) => snapshot.get(name) !== current.get(name))
      .map((name) => `${name}: ${snapshot.get(name) ?? 'absent'} → ${current.get(name) ?? 'absent'}`);
  } finally {
    now.close();
  }
}

/** The reads of an open file, inside the read transaction that holds its snapshot. */
function legacySource(path: string, db: Database.Database, fd: number | null): LegacySource {
  // the first read takes SQLite's shared lock: from here on the bytes are the snapshot's (in rollback-journal mode)
  const tables = readTables(db);
  const sequences = readSequences(db);
  const journalMode = String(db.pragma('journal_mode', { simple: true }));
  const wal = journalMode === 'wal';
  const counter = fd === null ? 0 : changeCounter(fd);
  const dataVersion = Number(db.pragma('data_version', { simple: true }));
  let signatures: Map<string, string> | undefined;
  return {
    path,
    fingerprint: fd === null ? '' : contentHash(fd, path),
    tables,
    sequences,
    journalMode,
    checkIntegrity: () => checkIntegrity(db, path),
    ...rowReads(db),
    bytesOf: byteReader(db),
    changesSinceOpen: () => {
      signatures ??= tableSignatures(db, tables.keys());
      // rollback journal: nothing can commit while the shared lock holds, so a new counter means the lock was lost;
      // WAL: writers commit under the snapshot, and data_version tells once the read transaction has ended
      let changed: boolean;
      if (wal) {
        if (db.inTransaction) db.exec('COMMIT');
        changed = Number(db.pragma('data_version', { simple: true })) !== dataVersion;
      } else changed = fd !== null && changeCounter(fd) !== counter;
      if (!changed) return [];
      const named = describeChanges(path, signatures);
      return named.length > 0 ? named : ['rows were changed in place (the same counts and rowids)'];
    },
    close: () => {
      db.close();
      if (fd !== null) closeSync(fd);
    },
  };
}

function openConnection(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 2000 });
  try {
    db.exec('BEGIN');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens the legacy file read-only and holds one read transaction, so every table is read from one snapshot. The
 * file's bytes are read through one descriptor kept open for the whole run (see openBytes).
 */
export function openSource(path: string): LegacySource {
  const fd = openBytes(path);
  let db: Database.Database | undefined;
  try {
    db = openConnection(path);
    return legacySource(path, db, fd);
  } catch (error) {
    db?.close();
    closeSync(fd);
    if (error instanceof MigrateError) throw error;
    throw explain(path, error);
  }
}

/**
 * A conversion thread's reads: only through SQLite (which shares the process's locks among its connections), never
 * a descriptor of its own, whose closing would drop the pipeline's lock. It sees the pipeline's snapshot because
 * that lock keeps writers out (rollback journal; WAL-mode files are converted inline).
 */
export function openThreadSource(path: string): LegacySource {
  try {
    return legacySource(path, openConnection(path), null);
  } catch (error) {
    throw explain(path, error);
  }
}
