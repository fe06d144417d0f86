import type { Value } from './values';

/**
 * PostgreSQL's COPY text format. The import writes each value in exactly the text PostgreSQL's COPY TO prints for it
 * (timestamps without trailing zeros, t/f, COPY escapes), so a row's checksum can be taken over its COPY line on
 * both sides (checksum.ts).
 */

export const NULL_FIELD = '\\N';
const COPY_SPECIAL = /[\\\b\t\n\v\f\r]/;
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
};
const COPY_UNESCAPES: Record<string, string> = Object.fromEntries(
  Object.entries(COPY_ESCAPES).map(([char, escaped]) => [escaped[1]!, char]),
);

/** COPY text escaping, the same set PostgreSQL's COPY TO escapes. */
export function copyEscape(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\b\t\n\v\f\r]/g, (char) => COPY_ESCAPES[char]!) : text;
}

export function copyUnescape(field: string): string {
  return field.includes('\\')
    ? field.replace(/\\(.)/g, (_, char: string) => COPY_UNESCAPES[char] ?? char)
    : field;
}

/**
 * A number as PostgreSQL prints a double: the same shortest round-trip digits as JavaScript, but in exponent form
 * (at least two exponent digits) when the decimal exponent is below -4 or at least 15, and -0 keeps its sign.
 */
export function pgFloat(value: number): string {
  const text = String(value);
  const magnitude = Math.abs(value);
  // JavaScript switches to exponent form below 1e-6 and from 1e21: only the ranges in between need rewriting
  if ((magnitude >= 1e-4 && magnitude < 1e15) || value === 0) return Object.is(value, -0) ? '-0' : text;
  if (!Number.isFinite(value)) return text;
  const exponential = value.toExponential();
  const e = exponential.indexOf('e');
  const exponent = Number(exponential.slice(e + 1));
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${exponential.slice(0, e)}e${exponent < 0 ? '-' : '+'}${digits}`;
}

/** A converted value in COPY text form, exactly as PostgreSQL's COPY TO prints it back. */
export function copyField(value: Value): string {
  if (value === null) return NULL_FIELD;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'string') return copyEscape(value);
  if (typeof value === 'number') return pgFloat(value);
  return String(value);
}

/** COPY text without the given lines (ascending indexes); only a raw newline byte ends a line (COPY escapes others). */
export function withoutLines(text: Buffer, lines: number[]): Buffer {
  const kept: Buffer[] = [];
  let keptFrom = 0;
  let lineStart = 0;
  let line = 0;
  for (const index of lines) {
    for (; line < index; line++) lineStart = text.indexOf(10, lineStart) + 1;
    kept.push(text.subarray(keptFrom, lineStart));
    keptFrom = text.indexOf(10, lineStart) + 1;
    lineStart = keptFrom;
    line++;
  }
  kept.push(text.subarray(keptFrom));
  return Buffer.concat(kept);
}
