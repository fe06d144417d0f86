import type pg from 'pg';
import type { QuarantineReason } from '../shared/report';
import type { RawValue } from '../shared/values';
import type { QuarantinedRow } from './batches';
import type { TablePlan } from './plan';

/** A raw value as JSON: numbers as numbers where exact, text as text, anything else (invalid UTF-8, NUL) as base64. */
function jsonable(raw: RawValue): unknown {
  if (raw === null) return null;
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : String(raw);
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const text = bytes.toString('utf8');
  if (!bytes.includes(0) && Buffer.from(text, 'utf8').equals(bytes)) return text;
  return { base64: bytes.toString('base64') };
}

/** The whole legacy row (rowid first, as read), as JSON, with why it could not go in. */
export function quarantineEntry(plan: TablePlan, raw: RawValue[], reason: string): QuarantinedRow {
  const rowid = raw[0] as bigint;
  const rowData: Record<string, unknown> = {};
  plan.columns.forEach((column, i) => (rowData[column.column] = jsonable(raw[i + 1] ?? null)));
  return {
    table_name: plan.target.table,
    legacy_id: plan.idIndex >= 0 ? String(raw[plan.idIndex + 1] ?? '') || null : `rowid ${rowid}`,
    legacy_rowid: rowid.toString(),
    reason,
    row_data: rowData,
  };
}

/** A reason without the values it names, so that rows quarantined for the same cause count together. */
export function reasonKind(reason: string): string {
  const parent = /^(orphan|parent quarantined): (.*?) = /.exec(reason);
  if (parent) return `${parent[1]}: ${parent[2]}`;
  const duplicate = /^duplicate of unique key \([^)]*\)/.exec(reason);
  if (duplicate) return duplicate[0];
  const conversion = /^column [^:]+: not a valid [^:(]+?(?: \([^)]*\))?(?=: )/.exec(reason);
  if (conversion) return conversion[0];
  const cut = reason.lastIndexOf(': ');
  return cut > 0 ? reason.slice(0, cut) : reason;
}

const EXAMPLES_PER_REASON = 3;
/** rows a dry run lists one by one (the counts per reason cover the rest) */
const LISTED_ROWS = 1000;

/** Quarantined rows counted per reason kind, with the first examples of each (and, to list, the first rows). */
export class QuarantineTally {
  private readonly reasons = new Map<string, QuarantineReason>();
  readonly rows: QuarantineReason['examples'] = [];

  add(table: string, legacyId: string | null, reason: string): void {
    const kind = `${table}: ${reasonKind(reason)}`;
    let entry = this.reasons.get(kind);
    if (!entry) this.reasons.set(kind, (entry = { reason: kind, count: 0, examples: [] }));
    entry.count++;
    const example = { table, legacyId, reason };
    if (entry.examples.length < EXAMPLES_PER_REASON) entry.examples.push(example);
    if (this.rows.length < LISTED_ROWS) this.rows.push(example);
  }

  addAll(rows: QuarantinedRow[]): void {
    for (const row of rows) this.add(row.table_name, row.legacy_id, row.reason);
  }

  list(): QuarantineReason[] {
    return [...this.reasons.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }
}

/** The tally of everything in the target's quarantine (earlier runs of a resumed migration included). */
export async function quarantineTally(pool: pg.Pool): Promise<QuarantineTally> {
  const tally = new QuarantineTally();
  const exists = await pool.query<{ ok: boolean }>(
    `SELECT to_regclass('_migrator_quarantine') IS NOT NULL AS ok`,
  );
  if (!exists.rows[0]?.ok) return tally;
  const rows = await pool.query<{ table_name: string; legacy_id: string | null; reason: string }>(
    `SELECT table_name, legacy_id, reason FROM _migrator_quarantine ORDER BY table_name, legacy_rowid`,
  );
  for (const row of rows.rows) tally.add(row.table_name, row.legacy_id, row.reason);
  return tally;
}
