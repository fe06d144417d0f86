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
