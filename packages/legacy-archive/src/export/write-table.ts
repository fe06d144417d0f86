import { StringDecoder } from 'node:string_decoder';
import type Database from 'better-sqlite3';
import { fieldNormalizer, TableHash } from '../shared/checksum';
import type { ProgressEvent } from '../shared/report';
import { quoteIdent } from '../shared/sql';
import type { ExportTable, Snapshot } from './snapshot';
import { fieldReader, type SqliteValue } from './values';

/** What writing one table gave: counts, the snapshot's checksum of it, the rowids of rows put back from quarantine. */
export interface WrittenTable {
  table: ExportTable;
  rows: number;
  hash: bigint;
  quarantined: number;
  restored: Set<bigint>;
  /** quarantined rows that could not be put back, with SQLite's reason */
  notRestored: string[];
  seconds: number;
}

const PROGRESS_EVERY_MS = 250;
/** rows per SQLite transaction: each committed range is read back on a verification thread meanwhile */
const COMMIT_ROWS = 50_000;

function insertSql(table: string, columns: string[], casts: boolean[] = []): string {
  const values = columns.map((_, i) => (casts[i] ? 'CAST(? AS TEXT)' : '?'));
  return `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES (${values.join(', ')})`;
}

/** Hashes each COPY line as the import's verification does (JSON canonical) and hands its fields on. */
function lineConsumer(table: ExportTable, hash: TableHash, write: (values: SqliteValue[]) => void) {
  const normalizers = table.columns.map((column) => fieldNormalizer(column.type));
  const normalize = normalizers.some(Boolean);
  const readers = table.columns.map((column) => fieldReader(column.type));
  const values = new Array<SqliteValue>(readers.length);
  return (line: string) => {
    const fields = line.split('\t');
    for (let i = 0; i < readers.length; i++) values[i] = readers[i]!(fields[i]!);
    if (normalize) {
      for (let i = 0; i < fields.length; i++) {
        const normalizer = normalizers[i];
        if (normalizer) fields[i] = normalizer(fields[i]!);
      }
      hash.add(fields.join('\t'));
    } else hash.add(line);
    write(values);
  };
}

/** A value of `row_data` (the import's JSON of a raw legacy value) back as SQLite held it; base64 = bytes as TEXT. */
function rawValue(value: unknown): { value: SqliteValue; asText: boolean } {
  if (value === null || value === undefined) return { value: null, asText: false };
  if (typeof value === 'number')
    return { value: Number.isInteger(value) ? BigInt(value) : value, asText: false };
  if (typeof value === 'string') return { value, asText: false };
  if (typeof value === 'object' && typeof (value as { base64?: unknown }).base64 === 'string')
    return { value: Buffer.from((value as { base64: string }).base64, 'base64'), asText: true };
  return { value: JSON.stringify(value), asText: false };
}

/** Puts the table's quarantined rows back as they were read at import; a row SQLite refuses is reported. */
async function restoreQuarantine(
  db: Database.Database,
  snapshot: Snapshot,
  table: ExportTable,
  written: WrittenTable,
): Promise<void> {
  const statements = new Map<string, Database.Statement>();
  for await (const entry of snapshot.quarantine(table.layout.table)) {
    const columns = table.layout.columns.filter((name) => name in entry.data);
    const raw = columns.map((name) => rawValue(entry.data[name]));
    const casts = raw.map((r) => r.asText);
    const sql = insertSql(table.layout.table, columns, casts);
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    try {
      const result = statement.run(raw.map((r) => r.value));
      written.restored.add(BigInt(result.lastInsertRowid));
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (!code?.startsWith('SQLITE_CONSTRAINT')) throw error;
      written.notRestored.push(`${table.layout.table} rowid ${entry.rowid}: ${message}`);
    }
  }
}

/** sqlite_sequence as AUTOINCREMENT keeps it: the largest id ever handed out (PostgreSQL's sequence may be past the rows). */
function setSequence(db: Database.Database, table: string, used: bigint): void {
  if (used <= 0n) return;
  const updated = db
    .prepare('UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?')
    .run(used, table).changes;
  if (updated === 0) db.prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)').run(table, used);
}

/** Rowids the table's quarantined rows will take (their legacy ids), when they go back and the id is the rowid. */
async function quarantineRowids(snapshot: Snapshot, table: ExportTable, withQuarantine: boolean) {
  const rowids = new Set<bigint>();
  if (!withQuarantine || !table.layout.autoincrement) return rowids;
  for await (const entry of snapshot.quarantine(table.layout.table)) rowids.add(entry.rowid);
  return rowids;
}

/**
 * Streams one table out of the snapshot (COPY TO, in key order) into the file, row by row, in transactions of
 * COMMIT_ROWS that are handed to the verification as they commit; each row is hashed as the import's verification
 * hashes it. Then, when asked, the table's quarantined rows.
 */
export async function writeTable(
  db: Database.Database,
  snapshot: Snapshot,
  table: ExportTable,
  options: {
    withQuarantine: boolean;
    onProgress?: (event: ProgressEvent) => void;
    /** rows (after, upTo] are committed; rowids in `skip` are rows that quarantine will put back */
    onCommitted: (after: bigint, upTo: bigint, skip: Set<bigint>) => void;
  },
): Promise<WrittenTable> {
  const started = performance.now();
  const name = table.layout.table;
  const total = await snapshot.count(name);
  const hash = new TableHash();
  const insert = db.prepare(
    insertSql(
      name,
      table.columns.map((column) => column.column),
    ),
  );
  const written: WrittenTable = {
    table,
    rows: 0,
    hash: 0n,
    quarantined: await snapshot.quarantineCount(name),
    restored: new Set(),
    notRestored: [],
    seconds: 0,
  };
  const progress = (done: boolean) =>
    options.onProgress?.({
      table: name,
      phase: 'export',
      read: written.rows,
      total,
      written: written.rows,
      quarantined: written.quarantined,
      seconds: (performance.now() - started) / 1000,
      done,
    });
  const skip = await quarantineRowids(snapshot, table, options.withQuarantine);
  // legacy ids may be 0 or negative: the first range starts below every rowid
  let committedUpTo = -(2n ** 63n);
  // the rowid of the last insert, as better-sqlite3 gives it (a number below 2^53): a BigInt only per commit
  let lastInsert: number | bigint = 0;
  const commit = () => {
    db.exec('COMMIT');
    const lastRowid = BigInt(lastInsert);
    if (lastRowid > committedUpTo) options.onCommitted(committedUpTo, lastRowid, skip);
    committedUpTo = lastRowid;
  };
  const consume = lineConsumer(table, hash, (values) => {
    lastInsert = insert.run(values).lastInsertRowid;
    if (++written.rows % COMMIT_ROWS === 0) {
      commit();
      db.exec('BEGIN');
    }
  });
  db.exec('BEGIN');
  let lastProgress = performance.now();
  let rest = '';
  const decoder = new StringDecoder('utf8');
  for await (const chunk of snapshot.copyRows(table)) {
    const text = rest + decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      consume(text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
    if (performance.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = performance.now();
      progress(false);
    }
  }
  rest += decoder.end();
  if (rest) consume(rest);
  commit();
  db.exec('BEGIN');
  if (options.withQuarantine) await restoreQuarantine(db, snapshot, table, written);
  setSequence(db, name, await snapshot.sequenceUsed(table));
  db.exec('COMMIT');
  written.hash = hash.value;
  written.seconds = (performance.now() - started) / 1000;
  progress(true);
  return written;
}
