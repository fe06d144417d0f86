import { ConversionError } from '../../shared/errors';

/**
 * What PostgreSQL's JSONB refuses although JavaScript's JSON.parse takes it, found in one iterative pass over text
 * that already parsed: \u0000, a lone surrogate escape, nesting deeper than MAX_JSON_DEPTH, a number outside what
 * NUMERIC holds. It also tells whether every number reads back in JavaScript as written (createMany, which goes
 * through JavaScript values, sets the others exactly afterwards).
 */

/** Deeper JSON is refused: PostgreSQL's parser and the checksum's canonical form both recurse per level. */
export const MAX_JSON_DEPTH = 1000;
/** Number tokens longer than this, or with an exponent beyond ±MAX_JSON_EXPONENT, are refused (NUMERIC's range). */
const MAX_NUMBER_LENGTH = 1000;
const MAX_JSON_EXPONENT = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The ConversionError says why only: convertJson names the value. */
function refuse(why: string): never {
  throw new ConversionError(why);
}

function hexAt(text: string, start: number): number {
  return Number.parseInt(text.slice(start, start + 4), 16);
}

/** Checks the \u escape at `at` (pointing at the 'u'); returns the index of its last character. */
function escapeEnd(text: string, at: number): number {
  const code = hexAt(text, at + 1);
  if (code === 0) refuse('contains \\u0000');
  if (code >= 0xdc00 && code <= 0xdfff) refuse(`lone surrogate \\u${text.slice(at + 1, at + 5)}`);
  if (code < 0xd800 || code > 0xdbff) return at + 4;
  const low = text.charCodeAt(at + 5) === BACKSLASH && text[at + 6] === 'u' ? hexAt(text, at + 7) : -1;
  if (low < 0xdc00 || low > 0xdfff) refuse(`lone surrogate \\u${text.slice(at + 1, at + 5)}`);
  return at + 10;
}

/** The index of the closing quote of the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) return i;
    if (code === BACKSLASH) i = text[i + 1] === 'u' ? escapeEnd(text, i + 1) : i + 1;
  }
  return text.length;
}

function isNumberChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2b ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x45 ||
    code === 0x65
  );
}

/** Validates JSON text that JSON.parse accepted; returns whether every number reads back exactly in JavaScript. */
export function inspectJson(text: string): { numbersExact: boolean } {
  let depth = 0;
  let numbersExact = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) i = stringEnd(text, i);
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) refuse(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (code === 0x5d || code === 0x7d) depth--;
    else if (isNumberChar(code)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      const token = text.slice(i, end);
      const exponent = /[eE]([+-]?\d+)$/.exec(token);
      if (token.length > MAX_NUMBER_LENGTH || (exponent && Math.abs(Number(exponent[1])) > MAX_JSON_EXPONENT))
        refuse(`number out of range: ${token.length > 40 ? `${token.slice(0, 37)}...` : token}`);
      if (numbersExact && String(Number(token)) !== token) numbersExact = false;
      i = end - 1;
    }
  }
  return { numbersExact };
}
