/** A quoted SQL identifier; SQLite and PostgreSQL quote alike. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
