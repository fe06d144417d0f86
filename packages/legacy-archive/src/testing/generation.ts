/** What the row makers of a synthetic legacy file draw on (generate.ts fills the tables in a fixed order). */

export type Row = Record<string, unknown>;

export interface Generation {
  quirks: boolean;
  reviewed: boolean;
  ecoeye: 'full' | 'old' | 'none';
  /** one pseudo-random sequence for the whole file: the tables are filled in a fixed order */
  rand: () => number;
  /** a timestamp in one of the legacy forms */
  time: (i: number) => string | number;
  /** a 0/1 flag in one of the legacy forms */
  flag: (i: number) => number | string | null;
  /** row counts other tables refer to */
  sizes: Record<'videos' | 'tags' | 'keyframes' | 'groups' | 'configs' | 'vehicles' | 'trailers', number>;
  /** a row count at the file's scale, at least `minimum` */
  n: (count: number, minimum?: number) => number;
}

/** Rows 1..count, made as they are written. */
export function* range(count: number, make: (i: number) => Row): Generator<Row> {
  for (let i = 1; i <= count; i++) yield make(i);
}
