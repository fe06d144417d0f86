/** A raw value as better-sqlite3 returns it with safeIntegers (bytes only where text was not valid UTF-8). */
export type RawValue = bigint | number | string | Buffer | null;

/**
 * A converted value, in the form both writers and the checksum share: Int/Float → number, BigInt → bigint,
 * String → string, Boolean → boolean, DateTime → 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC wall-clock, microseconds,
 * trailing zeros dropped as PostgreSQL prints them), Json → the legacy JSON text (validated; stored as JSONB).
 */
export type Value = bigint | number | string | boolean | null;
