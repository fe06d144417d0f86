import type { ScalarType } from '@groundtruth/db';
import { copyUnescape, NULL_FIELD } from '../shared/copy-text';
import { pythonJsonFromJsonb } from './python-json';

/** A value as the legacy app stores it in SQLite: 0/1 flags, timestamps as text, JSON as text, integers exact. */
export type SqliteValue = number | bigint | string | Buffer | null;

/** One COPY TO field (PostgreSQL's text form) of a column of this type → the value the legacy file holds. */
export type FieldReader = (field: string) => SqliteValue;

const readers: Record<ScalarType, (field: string) => SqliteValue> = {
  Int: Number,
  BigInt: BigInt,
  Float: Number,
  Decimal: Number,
  Boolean: (field) => (field === 't' ? 1 : 0),
  // DateStyle ISO: 'YYYY-MM-DD HH:MM:SS[.ffffff]', trailing zeros of the fraction dropped: the legacy text form
  DateTime: (field) => field,
  String: copyUnescape,
  Json: (field) => pythonJsonFromJsonb(copyUnescape(field)),
  Bytes: (field) => Buffer.from(copyUnescape(field).slice(2), 'hex'),
};

export function fieldReader(type: ScalarType): FieldReader {
  const read = readers[type];
  return (field) => (field === NULL_FIELD ? null : read(field));
}
