import path from 'node:path';
import Database from 'better-sqlite3';
import { planTables, type TablePlan } from '../import/plan';
import { TableHash } from '../shared/checksum';
import type { ProgressEvent } from '../shared/report';
import { quoteIdent } from '../shared/sql';
import { openSource } from '../shared/sqlite';
import { startThreads, type ThreadFailure } from '../shared/thread-pool';
import type { ExportTable } from './snapshot';
import type { WrittenTable } from './write-table';

/**
 * The file read back exactly as the import would read it (its own conversion and checksum): per table the rows and
 * the content checksum must equal the snapshot's, so importing the file again gives the same PostgreSQL content.
 * Ranges are read back on threads as soon as they are committed (the file is in WAL mode while it is written, so
 * they read under the writer), and the checks end shortly after the last row is written.
 */

export type ToVerifyThread = {
  type: 'verify';
  id: number;
  file: string;
  plan: TablePlan;
  /** (after, upTo] as decimal text */
  after: string;
  upTo: string;
  /** rowids to leave out: the rows put back from quarantine, counted apart */
  skip: string[];
};

export type FromVerifyThread =
  { type: 'verified'; id: number; rows: number; hash: string; problems: string[] } | ThreadFailure;

export interface FileChecks {
  tables: Map<string, string>;
  integrity: string;
  foreignKeys: string;
}

/** one thread reads committed ranges back while the main thread writes the next ones: it keeps up (reading back costs less than writing), and a second one would cost ~40 MB of RSS */
const VERIFY_THREADS = 1;

interface Tally {
  hash: TableHash;
  rows: number;
  problems: string[];
  pending: Promise<void>[];
}

export interface FileVerifier {
  /** rows (after, upTo] of the table are committed: read them back (rowids in `skip` aside) */
  committed(table: ExportTable, after: bigint, upTo: bigint, skip: Set<bigint>): void;
  /** waits until every range is read back (no thread has the file open then): each table's rows and checksum */
  settle(written: WrittenTable[], onProgress?: (event: ProgressEvent) => void): Promise<Map<string, string>>;
  close(): Promise<void>;
}

/** Starts the verification threads for a file whose tables exist already (their plans are read from it). */
export function startVerifier(file: string, tables: ExportTable[]): FileVerifier {
  const source = openSource(file);
  let plans: Map<string, TablePlan>;
  try {
    const targets = tables.map((table) => table.target);
    const planned = planTables(source, targets, { tables: targets.map((t) => t.table) });
    plans = new Map(planned.plans.map((plan) => [plan.target.table, plan]));
  } finally {
    source.close();
  }
  const pool = startThreads<ToVerifyThread, FromVerifyThread>(
    'verification',
    path.join(__dirname, 'verify-worker.ts'),
    VERIFY_THREADS,
    { workerData: null, resourceLimits: { maxOldGenerationSizeMb: 40, maxYoungGenerationSizeMb: 8 } },
  );
  const tallies = new Map<string, Tally>();
  const tallyOf = (table: string) => {
    let tally = tallies.get(table);
    if (!tally) tallies.set(table, (tally = { hash: new TableHash(), rows: 0, problems: [], pending: [] }));
    return tally;
  };
  let nextId = 0;
  return {
    committed(table, after, upTo, skip) {
      const name = table.layout.table;
      const plan = plans.get(name)!;
      const tally = tallyOf(name);
      const request = pool
        .request({
          type: 'verify',
          id: nextId++,
          file,
          plan,
          after: after.toString(),
          upTo: upTo.toString(),
          skip: [...skip].filter((rowid) => rowid > after && rowid <= upTo).map(String),
        })
        .then((reply) => {
          const hash = BigInt(reply.hash);
          tally.hash.addHash(Number(hash & 0xffffffffn), Number(hash >> 32n));
          tally.rows += reply.rows;
          tally.problems.push(...reply.problems);
        });
      request.catch(() => undefined);
      tally.pending.push(request);
    },
    async settle(written, onProgress) {
      const started = performance.now();
      const tables = new Map<string, string>();
      for (const w of written) {
        const name = w.table.layout.table;
        const tally = tallyOf(name);
        await Promise.all(tally.pending);
        tables.set(name, tableCheck(tally, w));
        onProgress?.({
          table: name,
          phase: 'verify',
          read: tally.rows,
          total: w.rows,
          written: tally.rows,
          quarantined: w.restored.size,
          seconds: (performance.now() - started) / 1000,
          done: true,
        });
      }
      return tables;
    },
    close: () => pool.close(),
  };
}

function tableCheck(tally: Tally, written: WrittenTable): string {
  const problems = tally.problems.slice(0, 3);
  if (tally.rows !== written.rows) problems.push(`snapshot ${written.rows} rows ≠ file ${tally.rows} rows`);
  if (tally.hash.value !== written.hash) problems.push('content checksum differs');
  return problems.length === 0 ? 'ok' : `FAILED: ${problems.join('; ')}`;
}

/**
 * SQLite's own checks of the finished file: every table holds its rows plus those put back; integrity_check says ok
 * (PostgreSQL's data has no broken pages); foreign_key_check names only rows put back from quarantine (PostgreSQL
 * enforces its foreign keys, so every other row has its parent; the quarantined orphans had none in the legacy file).
 */
export function checkFinishedFile(
  file: string,
  written: WrittenTable[],
  tables: Map<string, string>,
): FileChecks {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const checked = new Map(tables);
    for (const w of written) {
      const name = w.table.layout.table;
      const n = Number(
        db
          .prepare(`SELECT count(*) FROM ${quoteIdent(name)}`)
          .pluck()
          .get(),
      );
      if (n === w.rows + w.restored.size) continue;
      const problem = `the file holds ${n} rows, expected ${w.rows} + ${w.restored.size} put back`;
      const check = checked.get(name) ?? 'ok';
      checked.set(name, check === 'ok' ? `FAILED: ${problem}` : `${check}; ${problem}`);
    }
    return { tables: checked, ...sqliteChecks(db, written) };
  } finally {
    db.close();
  }
}

function sqliteChecks(
  db: Database.Database,
  written: WrittenTable[],
): Pick<FileChecks, 'integrity' | 'foreignKeys'> {
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
    (row) => row.integrity_check,
  );
  const restored = new Map(written.map((w) => [w.table.layout.table, w.restored]));
  const violations = (
    db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[]
  ).filter((v) => v.rowid === null || !restored.get(v.table)?.has(BigInt(v.rowid)));
  return {
    integrity:
      integrity.length === 1 && integrity[0] === 'ok' ? 'ok' : `FAILED: ${integrity.slice(0, 5).join('; ')}`,
    foreignKeys:
      violations.length === 0
        ? 'ok'
        : `FAILED: ${violations.length} rows without their parent (${violations
            .slice(0, 3)
            .map((v) => `${v.table} rowid ${v.rowid} → ${v.parent}`)
            .join(', ')})`,
  };
}
