import Database from 'better-sqlite3';
import type { ChunkRequest, ConvertedChunk } from '../import/batches';
import { chunkConverter, type ChunkConverter } from '../import/convert/threads';
import { planTables, type TablePlan } from '../import/plan';
import { TableHash } from '../shared/checksum';
import type { ProgressEvent } from '../shared/report';
import { openSource, type LegacySource } from '../shared/sqlite';
import type { WrittenTable } from './write-table';

/**
 * The file read back exactly as the import would read it (its own conversion and checksum): per table the rows and
 * the content checksum must equal the snapshot's, so importing the file again gives the same PostgreSQL content.
 */

export interface FileChecks {
  tables: Map<string, string>;
  integrity: string;
  foreignKeys: string;
}

const RANGE_ROWS = 5000;
/** threads that read and convert the file back: PostgreSQL is idle by then, so one per core of a small machine */
const VERIFY_THREADS = 2;
const IN_FLIGHT = 3 * VERIFY_THREADS;

/** Sums the converted rows of a table's ranges as they come back, rows put back from quarantine aside. */
class TableTally {
  readonly hash = new TableHash();
  rows = 0;
  restored = 0;
  readonly problems: string[] = [];

  constructor(readonly written: WrittenTable) {}

  add(chunk: ConvertedChunk): void {
    for (let r = 0; r < chunk.read; r++) {
      if (this.written.restored.has(chunk.rowids[r]!)) {
        this.restored++;
        continue;
      }
      const outcome = chunk.outcome[r]!;
      if (outcome < 0) {
        if (this.problems.length < 3)
          this.problems.push(
            `rowid ${chunk.rowids[r]} would not import: ${chunk.failed[-outcome - 1]!.reason}`,
          );
        continue;
      }
      this.hash.addHash(chunk.hashes[outcome * 2]!, chunk.hashes[outcome * 2 + 1]!);
      this.rows++;
    }
  }

  check(): string {
    const { written, problems } = this;
    if (this.rows !== written.rows) problems.push(`snapshot ${written.rows} rows ≠ file ${this.rows} rows`);
    if (this.restored !== written.restored.size)
      problems.push(`${written.restored.size} rows put back from quarantine, ${this.restored} found`);
    if (this.hash.value !== written.hash) problems.push('content checksum differs');
    return problems.length === 0 ? 'ok' : `FAILED: ${problems.join('; ')}`;
  }
}

/** Every rowid range of the table: (after, upTo], the last one open-ended. */
function* ranges(source: LegacySource, plan: TablePlan): Generator<ChunkRequest> {
  let after = 0n;
  for (;;) {
    const upTo = source.rangeEnd(plan.target.table, after, RANGE_ROWS);
    yield { plan, keys: [], after, upTo, wantRows: false };
    if (upTo === null) return;
    after = upTo;
  }
}

/** Converts every range of every table on the threads, a few in flight, and tallies them per table. */
async function verifyTables(
  source: LegacySource,
  converter: ChunkConverter,
  plans: { plan: TablePlan; tally: TableTally }[],
  onProgress?: (event: ProgressEvent) => void,
): Promise<void> {
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (const { plan, tally } of plans) {
    for (const request of ranges(source, plan)) {
      inFlight.push(converter.convert(request).then((chunk) => tally.add(chunk)));
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
    }
    const table = plan.target.table;
    void Promise.all(inFlight).then(() =>
      onProgress?.({
        table,
        phase: 'verify',
        read: tally.rows + tally.restored,
        total: tally.written.rows + tally.written.restored.size,
        written: tally.rows,
        quarantined: tally.restored,
        seconds: (performance.now() - started) / 1000,
        done: true,
      }),
    );
  }
  await Promise.all(inFlight);
}

/**
 * SQLite's own checks of the file: integrity_check must say ok (as PostgreSQL's data has no broken pages), and
 * foreign_key_check may only name rows put back from quarantine (PostgreSQL enforces its foreign keys, so every
 * other row has its parent; the quarantined orphans had none in the legacy file either).
 */
function sqliteChecks(file: string, written: WrittenTable[]): Pick<FileChecks, 'integrity' | 'foreignKeys'> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
    const restored = new Map(written.map((w) => [w.table.layout.table, w.restored]));
    const violations = (
      db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[]
    ).filter((v) => v.rowid === null || !restored.get(v.table)?.has(BigInt(v.rowid)));
    return {
      integrity:
        integrity.length === 1 && integrity[0] === 'ok'
          ? 'ok'
          : `FAILED: ${integrity.slice(0, 5).join('; ')}`,
      foreignKeys:
        violations.length === 0
          ? 'ok'
          : `FAILED: ${violations.length} rows without their parent (${violations
              .slice(0, 3)
              .map((v) => `${v.table} rowid ${v.rowid} → ${v.parent}`)
              .join(', ')})`,
    };
  } finally {
    db.close();
  }
}

export async function verifyFile(
  file: string,
  written: WrittenTable[],
  onProgress?: (event: ProgressEvent) => void,
): Promise<FileChecks> {
  const source = openSource(file);
  const converter = chunkConverter(source, VERIFY_THREADS, RANGE_ROWS);
  try {
    const targets = written.map((w) => w.table.target);
    const { plans } = planTables(source, targets, { tables: targets.map((t) => t.table) });
    const tallies = plans.map((plan) => ({
      plan,
      tally: new TableTally(written.find((w) => w.table.target.table === plan.target.table)!),
    }));
    await verifyTables(source, converter, tallies, onProgress);
    const tables = new Map(tallies.map(({ plan, tally }) => [plan.target.table, tally.check()]));
    for (const w of written) {
      if (!tables.has(w.table.target.table))
        tables.set(w.table.target.table, 'FAILED: table missing in the file');
    }
    return { tables, ...sqliteChecks(file, written) };
  } finally {
    await converter.close();
    source.close();
  }
}
