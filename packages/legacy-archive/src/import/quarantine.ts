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
