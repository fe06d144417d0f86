/**
 * JSON text as the legacy app's Python `json.dumps` wrote it: `", "` and `": "` separators (PostgreSQL's jsonb
 * output already uses them) and ensure_ascii, every non-ASCII UTF-16 unit as a lowercase `\uXXXX` escape (astral
 * characters as their surrogate pair, as Python does). Non-ASCII only ever occurs inside JSON strings, so escaping it
 * anywhere in the text is escaping it in strings. Key order is jsonb's (the original order is not kept by jsonb).
 */
export function pythonJsonFromJsonb(jsonbText: string): string {
  return /[\u0080-\uffff]/.test(jsonbText)
    ? jsonbText.replace(
        /[\u0080-\uffff]/g,
        (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )
    : jsonbText;
}
