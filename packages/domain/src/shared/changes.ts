/** Only the keys whose value is present and not null: a legacy PUT cannot clear a field, it can only set one. */
export function presentFields<T extends Record<string, unknown>>(
  fields: T,
): Partial<{ [K in keyof T]: NonNullable<T[K]> }> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined && value !== null),
  ) as Partial<{ [K in keyof T]: NonNullable<T[K]> }>;
}
