import type pg from 'pg';
import type { TableHash } from '../shared/checksum';
import { quoteIdent } from '../shared/sql';
import type { LegacySource } from '../shared/sqlite';
import type { ConvertedChunk, QuarantinedRow } from './batches';
import type { TablePlan } from './plan';
import { quarantineEntry } from './quarantine';

/** A parent key set a table adds its accepted keys to: the set's name and the key's column indexes. */
export interface KeyRegister {
  name: string;
  indexes: number[];
}

/** The key sets one table is checked against: parents by name, the ones it registers into, its unique keys. */
export interface TableKeys {
  keySets: Map<string, Set<string>>;
  /** per parent key set: the keys of rows that went to quarantine (their children get "parent quarantined") */
  quarantinedSets: Map<string, Set<string>>;
  registers: KeyRegister[];
  /** one set per plan.uniqueKeys entry: the keys accepted so far */
  uniqueSets: Set<string>[];
}

/** The keys a table's conversion computes per row: its foreign keys, its unique keys, then the parent keys it registers. */
export function keySpecs(plan: TablePlan, registers: KeyRegister[]): number[][] {
  return [
    ...plan.foreignKeys.map((fk) => fk.indexes),
    ...plan.uniqueKeys,
    ...registers.map((register) => register.indexes),
  ];
}

/** Every non-NULL key of `columns` in a target table, as text (the form keyOf gives). */
export async function loadKeySet(pool: pg.Pool, table: string, columns: string[]): Promise<Set<string>> {
  const key = columns.map((column) => `${quoteIdent(column)}::text`).join(' || chr(30) || ');
  const result = await pool.query<{ key: string | null }>(`SELECT ${key} AS key FROM ${quoteIdent(table)}`);
  return new Set(result.rows.flatMap((row) => (row.key === null ? [] : [row.key])));
}

/** The keys of `columns` among the quarantined rows of `table` (their raw values as the quarantine keeps them). */
export async function loadQuarantinedKeySet(
  pool: pg.Pool,
  table: string,
  columns: string[],
): Promise<Set<string>> {
  const exists = await pool.query<{ ok: boolean }>(
    `SELECT to_regclass('_migrator_quarantine') IS NOT NULL AS ok`,
  );
  if (!exists.rows[0]?.ok) return new Set();
  const key = columns.map((_, i) => `(row_data ->> $${i + 2})`).join(' || chr(30) || ');
  const result = await pool.query<{ key: string | null }>(
    `SELECT ${key} AS key FROM _migrator_quarantine WHERE table_name = $1`,
    [table, ...columns],
  );
  return new Set(result.rows.flatMap((row) => (row.key === null ? [] : [row.key])));
}

/** A quarantined row's key of `columns` as keyOf would give it, from the raw values the quarantine keeps. */
function quarantinedKey(row: QuarantinedRow, columns: string[]): string | null {
  let key = '';
  for (let i = 0; i < columns.length; i++) {
    const value = row.row_data[columns[i]!];
    if (typeof value !== 'string' && typeof value !== 'number') return null;
    key += i === 0 ? String(value) : `\u001e${String(value)}`;
  }
  return key;
}

/** What a checked chunk leaves for its batch: every quarantined row, and the converted rows turned away. */
export interface CheckedChunk {
  quarantine: QuarantinedRow[];
  rejected: number[];
}

const MAX_ORPHAN_SAMPLES = 10;

/**
 * Checks a table's converted rows in rowid order against the keys seen so far: a row whose parent is missing (an
 * orphan) or that repeats a unique key goes to quarantine whole; an accepted row adds its keys and its hash.
 */
export class KeyChecks {
  orphans = 0;
  readonly orphanSamples: string[] = [];
  private readonly keyCount: number;
  private readonly uniqueOffset: number;
  private readonly registerOffset: number;
  private readonly parentSets: (Set<string> | undefined)[];
  private readonly uniqueSets: Set<string>[];
  private readonly registerSets: Set<string>[];
  private readonly parentQuarantined: (Set<string> | undefined)[];
  private readonly registerQuarantined: { set: Set<string>; columns: string[] }[];

  constructor(
    private readonly source: LegacySource,
    private readonly plan: TablePlan,
    keys: TableKeys,
    private readonly hash: TableHash,
    /** the rowid of the row checked last */
    public lastRowid: bigint,
  ) {
    this.keyCount = keySpecs(plan, keys.registers).length;
    this.uniqueOffset = plan.foreignKeys.length;
    this.registerOffset = this.uniqueOffset + plan.uniqueKeys.length;
    this.parentSets = plan.foreignKeys.map((fk) => keys.keySets.get(fk.parent));
    this.uniqueSets = keys.uniqueSets;
    this.registerSets = keys.registers.map((register) => keys.keySets.get(register.name)!);
    this.parentQuarantined = plan.foreignKeys.map((fk) => keys.quarantinedSets.get(fk.parent));
    this.registerQuarantined = keys.registers.map((register) => ({
      set: keys.quarantinedSets.get(register.name)!,
      columns: register.indexes.map((i) => plan.columns[i]!.column),
    }));
  }

  check(chunk: ConvertedChunk): CheckedChunk {
    const quarantine: QuarantinedRow[] = [];
    const rejected: number[] = [];
    for (let r = 0; r < chunk.read; r++) {
      const outcome = chunk.outcome[r]!;
      this.lastRowid = chunk.rowids[r]!;
      if (outcome < 0) {
        const failed = chunk.failed[-outcome - 1]!;
        for (const { set, columns } of this.registerQuarantined) {
          const key = quarantinedKey(failed, columns);
          if (key !== null) set.add(key);
        }
        quarantine.push(failed);
        continue;
      }
      const reason = this.rejection(chunk, outcome * this.keyCount);
      if (reason) {
        const raw = this.source.readRow(this.plan.selectSql, this.lastRowid);
        quarantine.push(quarantineEntry(this.plan, raw, reason));
        rejected.push(outcome);
        const keyBase = outcome * this.keyCount + this.registerOffset;
        this.registerQuarantined.forEach(({ set }, g) => {
          const key = chunk.keys[keyBase + g]!;
          if (key !== null) set.add(key);
        });
        continue;
      }
      this.accept(chunk, outcome);
    }
    return { quarantine, rejected };
  }

  /** Why the converted row whose keys start at `keyBase` cannot go in, or null. */
  private rejection(chunk: ConvertedChunk, keyBase: number): string | null {
    const orphan = this.missingParent(chunk, keyBase);
    if (!orphan) return this.duplicateKey(chunk, keyBase);
    this.orphans++;
    if (this.orphanSamples.length < MAX_ORPHAN_SAMPLES)
      this.orphanSamples.push(`${this.plan.target.table} rowid ${this.lastRowid}: ${orphan}`);
    return orphan;
  }

  private missingParent(chunk: ConvertedChunk, keyBase: number): string | null {
    for (let f = 0; f < this.parentSets.length; f++) {
      const key = chunk.keys[keyBase + f]!;
      if (key !== null && !this.parentSets[f]?.has(key)) {
        const fk = `${this.plan.foreignKeys[f]!.description} = ${key.split('\u001e').join(',')}`;
        return this.parentQuarantined[f]?.has(key)
          ? `parent quarantined: ${fk} is in quarantine`
          : `orphan: ${fk} does not exist`;
      }
    }
    return null;
  }

  private duplicateKey(chunk: ConvertedChunk, keyBase: number): string | null {
    for (let k = 0; k < this.uniqueSets.length; k++) {
      const key = chunk.keys[keyBase + this.uniqueOffset + k]!;
      if (key !== null && this.uniqueSets[k]!.has(key)) {
        const names = this.plan.uniqueKeys[k]!.map((i) => this.plan.columns[i]!.column).join(',');
        return `duplicate of unique key (${names}) = ${key.split('\u001e').join(',')}`;
      }
    }
    return null;
  }

  /** Takes converted row `row`: its unique and parent keys join their sets, its line joins the checksum. */
  private accept(chunk: ConvertedChunk, row: number): void {
    const keyBase = row * this.keyCount;
    for (let k = 0; k < this.uniqueSets.length; k++) {
      const key = chunk.keys[keyBase + this.uniqueOffset + k]!;
      if (key !== null) this.uniqueSets[k]!.add(key);
    }
    for (let g = 0; g < this.registerSets.length; g++) {
      const key = chunk.keys[keyBase + this.registerOffset + g]!;
      if (key !== null) this.registerSets[g]!.add(key);
    }
    this.hash.addHash(chunk.hashes[row * 2]!, chunk.hashes[row * 2 + 1]!);
  }
}
