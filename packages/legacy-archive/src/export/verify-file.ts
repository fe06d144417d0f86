import Database from 'better-sqlite3';
import { convertChunk } from '../import/convert/chunk';
import { planTables, type TablePlan } from '../import/plan';
import { TableHash } from '../shared/checksum';
import type { ProgressEvent } from '../shared/report';
import { openSource, type LegacySource } from '../shared/sqlite';
import type { WrittenTable } from './write-table';

/**
 * The file read back exactly as the import would read it (its own conversion and checksum): per table the rows and
 * the content checksum must equal the snapshot's, so importing the file again gives the same PostgreSQL content.
 */

const RANGE_ROWS = 5000;

export interface FileChecks {
  tables: Map<string, string>;
  integrity: string;
  foreignKeys: string;
}

function verifyTable(
  source: LegacySource,
  plan: TablePlan,
  written: WrittenTable,
  onProgress?: (event: ProgressEvent) => void,
): string {
  const started = performance.now();
  const hash = new TableHash();
  const table = plan.target.table;
  const problems: string[] = [];
  let rows = 0;
  let restored = 0;
  let after = 0n;
  for (;;) {
    const upTo = source.rangeEnd(table, after, RANGE_ROWS);
    const chunk = convertChunk(source, { plan, keys: [], after, upTo, wantRows: false });
    for (let r = 0; r < chunk.read; r++) {
      if (written.restored.has(chunk.rowids[r]!)) {
        restored++;
        continue;
      }
      const outcome = chunk.outcome[r]!;
      if (outcome < 0) {
        if (problems.length < 3)
          problems.push(`rowid ${chunk.rowids[r]} would not import: ${chunk.failed[-outcome - 1]!.reason}`);
        continue;
      }
      hash.addHash(chunk.hashes[outcome * 2]!, chunk.hashes[outcome * 2 + 1]!);
      rows++;
    }
    after = chunk.lastRowid;
    if (upTo === null) break;
  }
  onProgress?.({
    table,
    phase: 'verify',
    read: rows + restored,
    total: written.rows + written.restored.size,
    written: rows,
    quarantined: restored,
    seconds: (performance.now() - started) / 1000,
    done: true,
  });
  if (rows !== written.rows) problems.push(`snapshot ${written.rows} rows ≠ file ${rows} rows`);
  if (restored !== written.restored.size)
    problems.push(`${written.restored.size} rows put back from quarantine, ${restored} found`);
  if (hash.value !== written.hash) problems.push('content checksum differs');
  return problems.length === 0 ? 'ok' : `FAILED: ${problems.join('; ')}`;
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

export function verifyFile(
  file: string,
  written: WrittenTable[],
  onProgress?: (event: ProgressEvent) => void,
): FileChecks {
  const source = openSource(file);
  try {
    const targets = written.map((w) => w.table.target);
    const { plans } = planTables(source, targets, { tables: targets.map((t) => t.table) });
    const tables = new Map<string, string>();
    for (const plan of plans) {
      const table = written.find((w) => w.table.target.table === plan.target.table)!;
      tables.set(plan.target.table, verifyTable(source, plan, table, onProgress));
    }
    for (const w of written) {
      if (!tables.has(w.table.target.table))
        tables.set(w.table.target.table, 'FAILED: table missing in the file');
    }
    return { tables, ...sqliteChecks(file, written) };
  } finally {
    source.close();
  }
}
