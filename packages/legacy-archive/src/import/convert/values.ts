import { isUtf8 } from 'node:buffer';
import type { ScalarType } from '@groundtruth/db';
import { ConversionError } from '../../shared/errors';
import type { RawValue, Value } from '../../shared/values';
import { inspectJson } from './json';

/** Each legacy value → the form its column's Prisma type takes (shared/values.ts), or a ConversionError. */

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
// ASCII only: \s would take a no-break space and other Unicode spaces as padding, \d is ASCII without the u flag
const INTEGER_TEXT = /^[ \t\r\n]*([+-]?[0-9]+)(?:\.0*)?[ \t\r\n]*$/;
const NUMBER_TEXT = /^[ \t\r\n]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\r\n]*$/;
const ASCII_PADDING = /^[ \t\r\n]+|[ \t\r\n]+$/g;

function describe(raw: RawValue): string {
  if (Buffer.isBuffer(raw)) return `<${raw.length} bytes>`;
  const text = typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
  if (text.length <= 60) return text;
  // never cut a surrogate pair in two: a lone surrogate in a reason would make the quarantine's JSONB refuse it
  const cut = text.charCodeAt(56) >= 0xd800 && text.charCodeAt(56) <= 0xdbff ? 56 : 57;
  return `${text.slice(0, cut)}...`;
}

function fail(type: string, raw: RawValue, why = ''): never {
  throw new ConversionError(`not a valid ${type}${why ? ` (${why})` : ''}: ${describe(raw)}`);
}

/** Text of a TEXT/BLOB value; invalid UTF-8 and NUL bytes (PostgreSQL text cannot hold them) are refused. */
export function decodeText(raw: Buffer | string, type = 'text'): string {
  if (typeof raw === 'string') {
    if (raw.includes('\0')) fail(type, raw, 'contains a NUL character');
    return raw;
  }
  if (!isUtf8(raw)) fail(type, raw, 'invalid UTF-8');
  if (raw.includes(0)) fail(type, raw, 'contains a NUL byte');
  return raw.toString('utf8');
}

function toBigInteger(raw: RawValue, type: string): bigint {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) fail(type, raw, 'has a fraction');
    return BigInt(raw);
  }
  if (raw === null) return fail(type, raw);
  const text = decodeText(raw, type);
  const match = INTEGER_TEXT.exec(text);
  if (!match?.[1]) return fail(type, text);
  return BigInt(match[1]);
}

export function convertInt(raw: RawValue): number {
  const value = toBigInteger(raw, 'integer');
  if (value < INT32_MIN || value > INT32_MAX) fail('integer', raw, 'out of 32-bit range');
  return Number(value);
}

export function convertBigInt(raw: RawValue): bigint {
  const value = toBigInteger(raw, 'bigint');
  if (value < INT64_MIN || value > INT64_MAX) fail('bigint', raw, 'out of 64-bit range');
  return value;
}

export function convertFloat(raw: RawValue): number {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) fail('float', raw);
    return raw;
  }
  if (typeof raw === 'bigint') {
    const value = Number(raw);
    if (BigInt(value) !== raw) fail('float', raw, 'not exactly representable');
    return value;
  }
  if (raw === null) return fail('float', raw);
  const text = decodeText(raw, 'float');
  if (!NUMBER_TEXT.test(text)) fail('float', text);
  const value = Number(text);
  if (!Number.isFinite(value)) fail('float', text, 'out of double precision range');
  // PostgreSQL refuses what underflows a double instead of reading it as 0
  if (value === 0 && /[1-9]/.test(text.split(/[eE]/)[0]!)) fail('float', text, 'underflows double precision');
  return value;
}

export function convertBoolean(raw: RawValue): boolean {
  if (raw === 0 || raw === 0n) return false;
  if (raw === 1 || raw === 1n) return true;
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
    const text = decodeText(raw, 'flag').replace(ASCII_PADDING, '').toLowerCase();
    if (text === '0' || text === 'false') return false;
    if (text === '1' || text === 'true') return true;
  }
  return fail('flag (0/1/true/false)', raw);
}

export function convertString(raw: RawValue): string {
  if (raw === null) return fail('text', raw);
  if (typeof raw === 'bigint' || typeof raw === 'number') return String(raw);
  return decodeText(raw);
}

const TIMESTAMP_TEXT =
  /^[ \t\r\n]*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?[ \t\r\n]*(Z|[+-]\d{2}(?::?\d{2})?)?[ \t\r\n]*$/i;
/** SQLite's CURRENT_TIMESTAMP form, by far the most common: checked without building a Date. */
const PLAIN_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return false;
  return !(month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)));
}

function plainTimestampValid(text: string): boolean {
  if (!validDate(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)))) return false;
  return (
    Number(text.slice(11, 13)) < 24 && Number(text.slice(14, 16)) < 60 && Number(text.slice(17, 19)) < 60
  );
}
const EPOCH_MS_THRESHOLD = 1e11; // epoch seconds reach 1e11 only in the year 5138

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

const DAY_MS = 86_400_000;
const MAX_EPOCH_MS = 8.64e15;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return (
    era * 146_097 +
    yearOfEra * 365 +
    Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100) +
    dayOfYear -
    719_468
  );
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' of an integral epoch in milliseconds, without a Date (proleptic Gregorian). */
function formatUtc(epochMs: number, micros: number): string {
  if (!Number.isFinite(epochMs) || Math.abs(epochMs) > MAX_EPOCH_MS) {
    throw new ConversionError(`timestamp out of range: ${epochMs}`);
  }
  const days = Math.floor(epochMs / DAY_MS);
  let rest = epochMs - days * DAY_MS;
  // civil_from_days (H. Hinnant): eras of 400 years starting on March 1st
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1 || year > 9999) throw new ConversionError(`timestamp out of range: ${epochMs}`);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  const second = Math.floor((rest - minute * 60_000) / 1000);
  return (
    `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}` +
    (micros === 0 ? '' : `.${pad(micros, 6).replace(/0+$/, '')}`)
  );
}

/** An epoch in seconds, or milliseconds when too large to be seconds → the timestamp, whatever its year. */
export function fromEpoch(seconds: number, raw: RawValue = seconds): string {
  if (!Number.isFinite(seconds)) fail('timestamp', raw);
  const totalMicros = Math.round(Math.abs(seconds) >= EPOCH_MS_THRESHOLD ? seconds * 1e3 : seconds * 1e6);
  const micros = ((totalMicros % 1_000_000) + 1_000_000) % 1_000_000;
  return formatUtc((totalMicros - micros) / 1000, micros);
}

/** Numeric timestamps are taken as epochs only from 1990 to 2100 (seconds, or milliseconds); 20250101 is not one. */
export const PLAUSIBLE_EPOCH_SECONDS = [Date.UTC(1990, 0, 1) / 1000, Date.UTC(2100, 0, 1) / 1000] as const;

function plausibleEpoch(value: number, raw: RawValue): string {
  const [first, last] = PLAUSIBLE_EPOCH_SECONDS;
  const seconds = Math.abs(value) >= EPOCH_MS_THRESHOLD ? value / 1000 : value;
  if (!(seconds >= first && seconds < last))
    fail('timestamp', raw, 'a number, but not epoch seconds or milliseconds between 1990 and 2100');
  return fromEpoch(value, raw);
}

/**
 * Any timestamp form the legacy files hold → UTC wall-clock 'YYYY-MM-DD HH:MM:SS[.ffffff]'. Values without a zone
 * are UTC already (SQLite's CURRENT_TIMESTAMP); values with a zone are converted; numbers are epoch seconds, or
 * milliseconds when too large to be seconds. More than microsecond precision is refused, not rounded.
 */
export function convertDateTime(raw: RawValue): string {
  if (typeof raw === 'string' && PLAIN_TIMESTAMP.test(raw) && plainTimestampValid(raw)) return raw;
  if (typeof raw === 'number') return plausibleEpoch(raw, raw);
  if (typeof raw === 'bigint') return plausibleEpoch(Number(raw), raw);
  if (raw === null) return fail('timestamp', raw);
  const text = decodeText(raw, 'timestamp');
  if (NUMBER_TEXT.test(text)) return plausibleEpoch(Number(text), text);
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return fail('timestamp', text);
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  if (fraction.length > 6) fail('timestamp', text, 'more than microsecond precision');
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    fail('timestamp', text, 'no such date or time');
  }
  const fractionText = fraction.padEnd(6, '0').replace(/0+$/, '');
  if (!zone || zone.toUpperCase() === 'Z') {
    // already UTC wall-clock: only the separator and the fraction's trailing zeros change
    return `${y}-${mo}-${d} ${h.padStart(2, '0')}:${mi.padStart(2, '0')}:${s.padStart(2, '0')}${fractionText ? `.${fractionText}` : ''}`;
  }
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes =
    (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * (zone[0] === '-' ? -1 : 1);
  const epochMs = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000;
  return formatUtc(epochMs - offsetMinutes * 60_000, Number(fraction.padEnd(6, '0')));
}

/** JSON text kept verbatim once it parses and JSONB would take it (inspectJson). */
export function convertJson(raw: RawValue): string {
  if (raw === null) return fail('JSON', raw);
  const text = typeof raw === 'bigint' || typeof raw === 'number' ? String(raw) : decodeText(raw, 'JSON');
  try {
    JSON.parse(text);
  } catch {
    fail('JSON', text, 'does not parse');
  }
  try {
    inspectJson(text);
  } catch (error) {
    if (error instanceof ConversionError) fail('JSON', text, error.message);
    throw error;
  }
  return text;
}

const converters: Record<ScalarType, (raw: RawValue) => Value> = {
  Int: convertInt,
  BigInt: convertBigInt,
  Float: convertFloat,
  Decimal: convertFloat,
  String: convertString,
  Boolean: convertBoolean,
  DateTime: convertDateTime,
  Json: convertJson,
  Bytes: (raw) => fail('bytes', raw, 'Bytes columns are not supported'),
};

/** Converts one legacy value for a column of the given Prisma type; NULL stays NULL (nullability is checked apart). */
export function convertValue(type: ScalarType, raw: RawValue): Value {
  if (raw === null) return null;
  return converters[type](raw);
}

/** The converter of one column type, for loops that convert many non-NULL values of it. */
export function converterFor(type: ScalarType): (raw: Exclude<RawValue, null>) => Value {
  return converters[type];
}
