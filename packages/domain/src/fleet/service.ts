import type { DomainDeps } from '../shared/deps';
import { withPgTransaction } from '../shared/sql';
import {
  deleteLink,
  deleteSighted,
  findSighted,
  listLinks,
  listSighted,
  recordSeenTogether,
  recordSighting,
  sightedExists,
  TRAILERS,
  updateSighted,
  VEHICLE_PEOPLE,
  VEHICLE_TRAILERS,
  VEHICLES,
  type AttributeValues,
  type LinkTable,
  type SightedTable,
} from './queries';
import type {
  FleetVehicleRecord,
  TrailerAttributes,
  TrailerRecord,
  VehicleAttributes,
  VehiclePersonLinkRecord,
  VehicleTrailerLinkRecord,
} from './schemas';

interface Page {
  limit?: number;
  offset?: number;
}

/** The same use cases for vehicles and for trailers, over the table's description. */
export class Sightings<Row extends Record<string, unknown>, Attributes extends AttributeValues> {
  constructor(
    private readonly deps: Pick<DomainDeps, 'db'>,
    private readonly table: SightedTable,
  ) {}

  /** The first sighting creates the row; later ones count up without erasing attributes. */
  record(key: string, attributes: Partial<Attributes> = {}): Promise<Row> {
    return recordSighting(this.deps.db.pool, this.table, key, attributes);
  }

  get(key: string): Promise<Row | null> {
    return findSighted(this.deps.db.pool, this.table, key);
  }

  /** Most recently seen first; optionally only those with the given attributes (e.g. `fleetType`). */
  list({ limit = 100, offset = 0, ...where }: Page & Partial<Attributes> = {}): Promise<Row[]> {
    return listSighted(this.deps.db.pool, this.table, where, { limit, offset });
  }

  /** Sets the given attributes (null clears one); null when there is no such row. */
  update(key: string, changes: Partial<Attributes>): Promise<Row | null> {
    return updateSighted(this.deps.db.pool, this.table, key, changes);
  }

  /** Deletes the row and (by cascade) its links; false when there was none. */
  delete(key: string): Promise<boolean> {
    return deleteSighted(this.deps.db.pool, this.table, key);
  }
}

/**
 * Fleet vehicles, trailers and what is seen with them (the legacy schema's fleet tables; no route uses them yet).
 * Sightings upsert and count; a link counts how often two were seen together.
 */
export class FleetService {
  readonly vehicles: Sightings<FleetVehicleRecord, VehicleAttributes>;
  readonly trailers: Sightings<TrailerRecord, TrailerAttributes>;

  constructor(private readonly deps: Pick<DomainDeps, 'db'>) {
    this.vehicles = new Sightings(deps, VEHICLES);
    this.trailers = new Sightings(deps, TRAILERS);
  }

  /** Records that a person was seen with a vehicle; null when the vehicle does not exist. */
  linkPerson(fleetId: string, personName: string): Promise<VehiclePersonLinkRecord | null> {
    return this.seenTogether(VEHICLE_PEOPLE, fleetId, personName, [[VEHICLES, fleetId]]);
  }

  /** Records a vehicle towing a trailer; null when either does not exist. */
  linkTrailer(fleetId: string, trailerId: string): Promise<VehicleTrailerLinkRecord | null> {
    return this.seenTogether(VEHICLE_TRAILERS, fleetId, trailerId, [
      [VEHICLES, fleetId],
      [TRAILERS, trailerId],
    ]);
  }

  /** People seen with a vehicle, most often first. */
  vehiclePeople(fleetId: string): Promise<VehiclePersonLinkRecord[]> {
    return listLinks(this.deps.db.pool, VEHICLE_PEOPLE, 'vehicle', fleetId);
  }

  /** Vehicles a person was seen with, most often first. */
  personVehicles(personName: string): Promise<(VehiclePersonLinkRecord & { vehicle: FleetVehicleRecord })[]> {
    return listLinks(this.deps.db.pool, VEHICLE_PEOPLE, 'other', personName, {
      table: VEHICLES,
      as: 'vehicle',
    });
  }

  /** Trailers a vehicle was seen with, most often first. */
  vehicleTrailers(fleetId: string): Promise<(VehicleTrailerLinkRecord & { trailer: TrailerRecord })[]> {
    return listLinks(this.deps.db.pool, VEHICLE_TRAILERS, 'vehicle', fleetId, {
      table: TRAILERS,
      as: 'trailer',
    });
  }

  /** Vehicles a trailer was seen with, most often first. */
  trailerVehicles(
    trailerId: string,
  ): Promise<(VehicleTrailerLinkRecord & { vehicle: FleetVehicleRecord })[]> {
    return listLinks(this.deps.db.pool, VEHICLE_TRAILERS, 'other', trailerId, {
      table: VEHICLES,
      as: 'vehicle',
    });
  }

  unlinkPerson(fleetId: string, personName: string): Promise<boolean> {
    return deleteLink(this.deps.db.pool, VEHICLE_PEOPLE, fleetId, personName);
  }

  unlinkTrailer(fleetId: string, trailerId: string): Promise<boolean> {
    return deleteLink(this.deps.db.pool, VEHICLE_TRAILERS, fleetId, trailerId);
  }

  /** One transaction: null unless every one of `parents` exists, else the link seen once more. */
  private seenTogether<Link extends Record<string, unknown>>(
    link: LinkTable,
    fleetId: string,
    other: string,
    parents: [SightedTable, string][],
  ): Promise<Link | null> {
    return withPgTransaction(this.deps.db, async (client) => {
      const found = await Promise.all(parents.map(([table, key]) => sightedExists(client, table, key)));
      if (found.includes(false)) return null;
      return recordSeenTogether<Link>(client, link, fleetId, other);
    });
  }
}
