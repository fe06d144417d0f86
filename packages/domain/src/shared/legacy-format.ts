/** Response formatting that keeps the legacy API's shapes (shared/spec/api.md §1.5, §1.6). */

/** `YYYY-MM-DD HH:MM:SS` in UTC, as SQLite's CURRENT_TIMESTAMP wrote it; null stays null. */
export function legacyTimestamp(value: Date | null | undefined): string | null {
  if (!value) return null;
  return value.toISOString().slice(0, 19).replace('T', ' ');
}

/** Database flags go out as 0/1 like the legacy app (the UI accepts both). */
export function legacyFlag(value: boolean | null | undefined): 0 | 1 | null {
  if (value === null || value === undefined) return null;
  return value ? 1 : 0;
}

/** BIGINT columns as JSON numbers (file sizes stay far below 2^53). */
export function legacyBigInt(value: bigint | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * JSON text exactly as Python's `json.dumps` writes it (`", "` and `": "` separators, non-ASCII as `\uXXXX`), so
 * values written here match the legacy rows byte for byte and the substring searches over them keep working.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, item]) => `${pythonJson(key)}: ${pythonJson(item)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return 'null';
}

/**
 * A value from JSON as text: strings as they are, numbers and booleans as `String()` writes them, anything else as
 * JSON (never `[object Object]`).
 */
export function jsonValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? '';
}
