import type { z } from 'zod';
import { sqlTimestamp, type Queryable } from '../shared/sql';
import {
  fleetVehicleSchema,
  legacyTimestampText,
  trailerAttributesSchema,
  trailerSchema,
  vehicleAttributesSchema,
  vehiclePersonLinkSchema,
  vehicleTrailerLinkSchema,
} from './schemas';

/**
 * Fleet data: vehicles (keyed by their text `fleet_id`), trailers (keyed by `trailer_id`), and the people and
 * trailers seen with a vehicle. The legacy schema has these tables but no route uses them. Vehicles and trailers
 * follow the same rules, and so do their two kinds of links, so the SQL is written once per kind over a table
 * description; every table and column name in it comes from these descriptions, every value is a parameter.
 */

/** A table of things counted by sighting. */
export interface SightedTable {
  name: string;
  /** the unique text key */
  key: string;
  /** the record: every column, in table order */
  row: z.ZodObject;
  /** what callers may set, by camelCase column name */
  attributes: z.ZodObject;
}

export const VEHICLES = {
  name: 'fleet_vehicles',
  key: 'fleet_id',
  row: fleetVehicleSchema,
  attributes: vehicleAttributesSchema,
} satisfies SightedTable;

export const TRAILERS = {
  name: 'trailers',
  key: 'trailer_id',
  row: trailerSchema,
  attributes: trailerAttributesSchema,
} satisfies SightedTable;

/** A table of what was seen with a vehicle (`vehicle_fleet_id`) and how often. */
export interface LinkTable {
  name: string;
  /** the column naming what was seen with the vehicle */
  other: string;
  row: z.ZodObject;
}

export const VEHICLE_PEOPLE = {
  name: 'vehicle_person_links',
  other: 'person_name',
  row: vehiclePersonLinkSchema,
} satisfies LinkTable;

export const VEHICLE_TRAILERS = {
  name: 'vehicle_trailer_links',
  other: 'trailer_id',
  row: vehicleTrailerLinkSchema,
} satisfies LinkTable;

/** Attribute values by camelCase name (absent or undefined: not given). */
export type AttributeValues = Readonly<Partial<Record<string, string | null>>>;
/** A record as its query returns it. */
type Row = Record<string, unknown>;

const NOW = `timezone('utc', now())`;

/** Each column of the record as an SQL value of row `alias`: timestamps in the legacy text form. */
function columnValues(row: z.ZodObject, alias: string): [column: string, value: string][] {
  return Object.entries(row.shape).map(([column, type]) => [
    column,
    type === legacyTimestampText ? sqlTimestamp(`${alias}.${column}`) : `${alias}.${column}`,
  ]);
}

const selectRecord = (row: z.ZodObject, alias: string) =>
  columnValues(row, alias)
    .map(([column, value]) => `${value} AS ${column}`)
    .join(', ');

const jsonRecord = (row: z.ZodObject, alias: string) =>
  `json_build_object(${columnValues(row, alias)
    .map(([column, value]) => `'${column}', ${value}`)
    .join(', ')})`;

/** The table's attributes among `values` that `keep` accepts, as [column, value]; unknown names are ignored. */
function attributeColumns(
  table: SightedTable,
  values: AttributeValues,
  keep: (value: string | null | undefined) => boolean,
): [column: string, value: string | null | undefined][] {
  return Object.keys(table.attributes.shape)
    .filter((name) => keep(values[name]))
    .map((name) => [name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), values[name]]);
}

// ---- vehicles and trailers

/**
 * A sighting: the first creates the row, later ones count up, refresh `last_seen_date` and fill in the attributes
 * given (a sighting never erases what is known).
 */
export async function recordSighting<R extends Row>(
  db: Queryable,
  table: SightedTable,
  key: string,
  attributes: AttributeValues,
): Promise<R> {
  const given = attributeColumns(table, attributes, (value) => value !== undefined && value !== null);
  const columns = given.map(([column]) => column);
  const inserted = [table.key, ...columns, 'total_detections', 'first_seen_date', 'last_seen_date'];
  const values = ['$1', ...columns.map((_, index) => `$${index + 2}`), '1', NOW, NOW];
  const updates = [
    ...columns.map((column) => `${column} = EXCLUDED.${column}`),
    'total_detections = t.total_detections + 1',
    'last_seen_date = EXCLUDED.last_seen_date',
  ];
  const { rows } = await db.query<R>(
    `INSERT INTO ${table.name} AS t (${inserted.join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT (${table.key}) DO UPDATE SET ${updates.join(', ')}
     RETURNING ${selectRecord(table.row, 't')}`,
    [key, ...given.map(([, value]) => value)],
  );
  return rows[0]!;
}

export async function findSighted<R extends Row>(
  db: Queryable,
  table: SightedTable,
  key: string,
): Promise<R | null> {
  const { rows } = await db.query<R>(
    `SELECT ${selectRecord(table.row, 't')} FROM ${table.name} t WHERE t.${table.key} = $1`,
    [key],
  );
  return rows[0] ?? null;
}

export async function sightedExists(db: Queryable, table: SightedTable, key: string): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM ${table.name} WHERE ${table.key} = $1`, [key]);
  return (rowCount ?? 0) > 0;
}

/** Most recently seen first; `where`: attributes that must be equal. */
export async function listSighted<R extends Row>(
  db: Queryable,
  table: SightedTable,
  where: AttributeValues,
  page: { limit: number; offset: number },
): Promise<R[]> {
  const filters = attributeColumns(table, where, (value) => value !== undefined);
  const conditions = filters.map(([column], index) => `t.${column} = $${index + 3}`);
  const { rows } = await db.query<R>(
    `SELECT ${selectRecord(table.row, 't')} FROM ${table.name} t
     ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
     ORDER BY t.last_seen_date DESC NULLS LAST, t.id DESC LIMIT $1 OFFSET $2`,
    [page.limit, page.offset, ...filters.map(([, value]) => value)],
  );
  return rows;
}

/** Sets the given attributes (null clears one); null when the row does not exist. */
export async function updateSighted<R extends Row>(
  db: Queryable,
  table: SightedTable,
  key: string,
  changes: AttributeValues,
): Promise<R | null> {
  const set = attributeColumns(table, changes, (value) => value !== undefined);
  if (set.length === 0) return findSighted(db, table, key);
  const { rows } = await db.query<R>(
    `UPDATE ${table.name} t SET ${set.map(([column], index) => `${column} = $${index + 2}`).join(', ')}
     WHERE t.${table.key} = $1
     RETURNING ${selectRecord(table.row, 't')}`,
    [key, ...set.map(([, value]) => value)],
  );
  return rows[0] ?? null;
}

/** Deletes the row and (by cascade) its links. */
export async function deleteSighted(db: Queryable, table: SightedTable, key: string): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM ${table.name} WHERE ${table.key} = $1`, [key]);
  return (rowCount ?? 0) > 0;
}

// ---- what was seen with a vehicle

/**
 * Counts one more time `other` was seen with the vehicle (the first time creates the link). Call it in a
 * transaction: it serialises the writers of one pair with an advisory lock (the pairs have no unique index).
 */
export async function recordSeenTogether<R extends Row>(
  client: Queryable,
  link: LinkTable,
  fleetId: string,
  other: string,
): Promise<R> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${link.name}:${fleetId}:${other}`]);
  const updated = await client.query<R>(
    `UPDATE ${link.name} t SET times_seen_together = t.times_seen_together + 1, last_seen_together = ${NOW}
     WHERE t.id = (SELECT id FROM ${link.name} WHERE vehicle_fleet_id = $1 AND ${link.other} = $2 ORDER BY id LIMIT 1)
     RETURNING ${selectRecord(link.row, 't')}`,
    [fleetId, other],
  );
  if (updated.rows[0]) return updated.rows[0];
  const created = await client.query<R>(
    `INSERT INTO ${link.name} AS t (vehicle_fleet_id, ${link.other}, first_seen_together, last_seen_together,
       times_seen_together)
     VALUES ($1, $2, ${NOW}, ${NOW}, 1)
     RETURNING ${selectRecord(link.row, 't')}`,
    [fleetId, other],
  );
  return created.rows[0]!;
}

/**
 * The links of one vehicle (`of: 'vehicle'`) or of one person or trailer (`of: 'other'`), most often seen together
 * first, then by what is at the far end; with `far`, each carries the record at the far end under `far.as`.
 */
export async function listLinks<R extends Row>(
  db: Queryable,
  link: LinkTable,
  of: 'vehicle' | 'other',
  key: string,
  far?: { table: SightedTable; as: string },
): Promise<R[]> {
  const [near, farColumn] =
    of === 'vehicle' ? ['vehicle_fleet_id', link.other] : [link.other, 'vehicle_fleet_id'];
  const { rows } = await db.query<R>(
    `SELECT ${selectRecord(link.row, 'l')}${far ? `, ${jsonRecord(far.table.row, 'f')} AS ${far.as}` : ''}
     FROM ${link.name} l ${far ? `JOIN ${far.table.name} f ON f.${far.table.key} = l.${farColumn}` : ''}
     WHERE l.${near} = $1
     ORDER BY l.times_seen_together DESC, l.${farColumn}`,
    [key],
  );
  return rows;
}

export async function deleteLink(
  db: Queryable,
  link: LinkTable,
  fleetId: string,
  other: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM ${link.name} WHERE vehicle_fleet_id = $1 AND ${link.other} = $2`,
    [fleetId, other],
  );
  return (rowCount ?? 0) > 0;
}
