/** What the compose check found: errors fail it, notes are printed. */
export type Environment = Record<string, string | undefined>;
export type Mapping = Record<string, unknown>;

export const errors: string[] = [];
export const notes: string[] = [];

export function error(where: string, message: string): void {
  errors.push(`${where}: ${message}`);
}

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
