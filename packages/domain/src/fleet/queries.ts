import type {
  FleetVehicleModel as FleetVehicle,
  Prisma,
  PrismaClient,
  TrailerModel as Trailer,
  VehiclePersonLinkModel as VehiclePersonLink,
  VehicleTrailerLinkModel as VehicleTrailerLink,
} from '@groundtruth/db';
import { legacyTimestamp } from '../shared/legacy-format';

/**
 * Fleet data: vehicles (keyed by their text `fleet_id`), trailers (keyed by `trailer_id`), and the people and
 * trailers seen with a vehicle. The legacy schema has these tables but no route uses them; this is the repository
 * the rest of the platform calls. Sightings upsert: the first creates the row, later ones refresh `last_seen_*`,
 * count up and fill in attributes that were given.
 */

type Tx = Prisma.TransactionClient;

export interface FleetVehicleRecord {
  id: number;
  fleet_id: string;
  fleet_type: string | null;
  vehicle_type: string | null;
  vehicle_make: string | null;
  vehicle_model: string | null;
  primary_color: string | null;
  secondary_color: string | null;
  agency_name: string | null;
  plate_number: string | null;
  plate_state: string | null;
  first_seen_date: string | null;
  last_seen_date: string | null;
  total_detections: number | null;
  notes: string | null;
}

export interface TrailerRecord {
  id: number;
  trailer_id: string;
  trailer_type: string | null;
  trailer_color: string | null;
  plate_number: string | null;
  plate_state: string | null;
  first_seen_date: string | null;
  last_seen_date: string | null;
  total_detections: number | null;
  notes: string | null;
}

export interface VehiclePersonLinkRecord {
  id: number;
  vehicle_fleet_id: string;
  person_name: string;
  first_seen_together: string | null;
  last_seen_together: string | null;
  times_seen_together: number | null;
}

export interface VehicleTrailerLinkRecord {
  id: number;
  vehicle_fleet_id: string;
  trailer_id: string;
  first_seen_together: string | null;
  last_seen_together: string | null;
  times_seen_together: number | null;
}

export interface VehicleAttributes {
  fleetType?: string | null;
  vehicleType?: string | null;
  vehicleMake?: string | null;
  vehicleModel?: string | null;
  primaryColor?: string | null;
  secondaryColor?: string | null;
  agencyName?: string | null;
  plateNumber?: string | null;
  plateState?: string | null;
  notes?: string | null;
}

export interface TrailerAttributes {
  trailerType?: string | null;
  trailerColor?: string | null;
  plateNumber?: string | null;
  plateState?: string | null;
  notes?: string | null;
}

function vehicleRecord(row: FleetVehicle): FleetVehicleRecord {
  return {
    id: row.id,
    fleet_id: row.fleetId,
    fleet_type: row.fleetType,
    vehicle_type: row.vehicleType,
    vehicle_make: row.vehicleMake,
    vehicle_model: row.vehicleModel,
    primary_color: row.primaryColor,
    secondary_color: row.secondaryColor,
    agency_name: row.agencyName,
    plate_number: row.plateNumber,
    plate_state: row.plateState,
    first_seen_date: legacyTimestamp(row.firstSeenDate),
    last_seen_date: legacyTimestamp(row.lastSeenDate),
    total_detections: row.totalDetections,
    notes: row.notes,
  };
}

function trailerRecord(row: Trailer): TrailerRecord {
  return {
    id: row.id,
    trailer_id: row.trailerId,
    trailer_type: row.trailerType,
    trailer_color: row.trailerColor,
    plate_number: row.plateNumber,
    plate_state: row.plateState,
    first_seen_date: legacyTimestamp(row.firstSeenDate),
    last_seen_date: legacyTimestamp(row.lastSeenDate),
    total_detections: row.totalDetections,
    notes: row.notes,
  };
}

function personLinkRecord(row: VehiclePersonLink): VehiclePersonLinkRecord {
  return {
    id: row.id,
    vehicle_fleet_id: row.vehicleFleetId,
    person_name: row.personName,
    first_seen_together: legacyTimestamp(row.firstSeenTogether),
    last_seen_together: legacyTimestamp(row.lastSeenTogether),
    times_seen_together: row.timesSeenTogether,
  };
}

function trailerLinkRecord(row: VehicleTrailerLink): VehicleTrailerLinkRecord {
  return {
    id: row.id,
    vehicle_fleet_id: row.vehicleFleetId,
    trailer_id: row.trailerId,
    first_seen_together: legacyTimestamp(row.firstSeenTogether),
    last_seen_together: legacyTimestamp(row.lastSeenTogether),
    times_seen_together: row.timesSeenTogether,
  };
}

/** Given (non-null, non-undefined) attributes only: a sighting never erases what is known. */
function givenAttributes<T extends object>(attributes: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(attributes).filter(([, value]) => value !== undefined && value !== null),
  ) as Partial<T>;
}

/** Serialises writers of one key (there is no unique index on the link pairs). */
async function lockKey(tx: Tx, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${key}))`;
}

// ---- vehicles ----

export async function recordVehicleSighting(
  prisma: PrismaClient,
  fleetId: string,
  attributes: VehicleAttributes = {},
): Promise<FleetVehicleRecord> {
  const given = givenAttributes(attributes);
  return prisma.$transaction(async (tx) => {
    const now = new Date();
    const row = await tx.fleetVehicle.upsert({
      where: { fleetId },
      create: { fleetId, ...given, totalDetections: 1, firstSeenDate: now, lastSeenDate: now },
      update: { ...given, totalDetections: { increment: 1 }, lastSeenDate: now },
    });
    return vehicleRecord(row);
  });
}

export async function getFleetVehicle(
  prisma: PrismaClient,
  fleetId: string,
): Promise<FleetVehicleRecord | null> {
  const row = await prisma.fleetVehicle.findUnique({ where: { fleetId } });
  return row ? vehicleRecord(row) : null;
}

/** Vehicles, most recently seen first; optionally of one fleet type. */
export async function listFleetVehicles(
  prisma: PrismaClient,
  { fleetType, limit = 100, offset = 0 }: { fleetType?: string; limit?: number; offset?: number } = {},
): Promise<FleetVehicleRecord[]> {
  const rows = await prisma.fleetVehicle.findMany({
    where: fleetType === undefined ? undefined : { fleetType },
    orderBy: [{ lastSeenDate: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
    take: limit,
    skip: offset,
  });
  return rows.map(vehicleRecord);
}

/** Sets the given attributes (null clears one); null when the vehicle does not exist. */
export async function updateFleetVehicle(
  prisma: PrismaClient,
  fleetId: string,
  changes: VehicleAttributes,
): Promise<FleetVehicleRecord | null> {
  const data = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  const { count } = await prisma.fleetVehicle.updateMany({ where: { fleetId }, data });
  return count ? getFleetVehicle(prisma, fleetId) : null;
}

/** Deletes the vehicle and (by cascade) its person and trailer links. */
export async function deleteFleetVehicle(prisma: PrismaClient, fleetId: string): Promise<boolean> {
  const { count } = await prisma.fleetVehicle.deleteMany({ where: { fleetId } });
  return count > 0;
}

// ---- people seen with a vehicle ----

/** Records that a person was seen with a vehicle; null when the vehicle does not exist. */
export async function linkPersonToVehicle(
  prisma: PrismaClient,
  fleetId: string,
  personName: string,
): Promise<VehiclePersonLinkRecord | null> {
  return prisma.$transaction(async (tx) => {
    if (!(await tx.fleetVehicle.count({ where: { fleetId } }))) return null;
    await lockKey(tx, `vehicle_person_links:${fleetId}:${personName}`);
    const now = new Date();
    const existing = await tx.vehiclePersonLink.findFirst({
      where: { vehicleFleetId: fleetId, personName },
      orderBy: { id: 'asc' },
    });
    const row = existing
      ? await tx.vehiclePersonLink.update({
          where: { id: existing.id },
          data: { timesSeenTogether: { increment: 1 }, lastSeenTogether: now },
        })
      : await tx.vehiclePersonLink.create({
          data: {
            vehicleFleetId: fleetId,
            personName,
            firstSeenTogether: now,
            lastSeenTogether: now,
            timesSeenTogether: 1,
          },
        });
    return personLinkRecord(row);
  });
}

/** People seen with a vehicle, most often first. */
export async function getVehiclePeople(
  prisma: PrismaClient,
  fleetId: string,
): Promise<VehiclePersonLinkRecord[]> {
  const rows = await prisma.vehiclePersonLink.findMany({
    where: { vehicleFleetId: fleetId },
    orderBy: [{ timesSeenTogether: 'desc' }, { personName: 'asc' }],
  });
  return rows.map(personLinkRecord);
}

/** Vehicles a person was seen with, most often first. */
export async function getPersonVehicles(
  prisma: PrismaClient,
  personName: string,
): Promise<Array<VehiclePersonLinkRecord & { vehicle: FleetVehicleRecord }>> {
  const rows = await prisma.vehiclePersonLink.findMany({
    where: { personName },
    include: { vehicle: true },
    orderBy: [{ timesSeenTogether: 'desc' }, { vehicleFleetId: 'asc' }],
  });
  return rows.map((row) => ({ ...personLinkRecord(row), vehicle: vehicleRecord(row.vehicle) }));
}

export async function unlinkPersonFromVehicle(
  prisma: PrismaClient,
  fleetId: string,
  personName: string,
): Promise<boolean> {
  const { count } = await prisma.vehiclePersonLink.deleteMany({
    where: { vehicleFleetId: fleetId, personName },
  });
  return count > 0;
}

// ---- trailers ----

export async function recordTrailerSighting(
  prisma: PrismaClient,
  trailerId: string,
  attributes: TrailerAttributes = {},
): Promise<TrailerRecord> {
  const given = givenAttributes(attributes);
  return prisma.$transaction(async (tx) => {
    const now = new Date();
    const row = await tx.trailer.upsert({
      where: { trailerId },
      create: { trailerId, ...given, totalDetections: 1, firstSeenDate: now, lastSeenDate: now },
      update: { ...given, totalDetections: { increment: 1 }, lastSeenDate: now },
    });
    return trailerRecord(row);
  });
}

export async function getTrailer(prisma: PrismaClient, trailerId: string): Promise<TrailerRecord | null> {
  const row = await prisma.trailer.findUnique({ where: { trailerId } });
  return row ? trailerRecord(row) : null;
}

export async function listTrailers(
  prisma: PrismaClient,
  { limit = 100, offset = 0 }: { limit?: number; offset?: number } = {},
): Promise<TrailerRecord[]> {
  const rows = await prisma.trailer.findMany({
    orderBy: [{ lastSeenDate: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
    take: limit,
    skip: offset,
  });
  return rows.map(trailerRecord);
}

export async function updateTrailer(
  prisma: PrismaClient,
  trailerId: string,
  changes: TrailerAttributes,
): Promise<TrailerRecord | null> {
  const data = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  const { count } = await prisma.trailer.updateMany({ where: { trailerId }, data });
  return count ? getTrailer(prisma, trailerId) : null;
}

/** Deletes the trailer and (by cascade) its vehicle links. */
export async function deleteTrailer(prisma: PrismaClient, trailerId: string): Promise<boolean> {
  const { count } = await prisma.trailer.deleteMany({ where: { trailerId } });
  return count > 0;
}

// ---- trailers seen with a vehicle ----

/** Records a vehicle towing a trailer; null when either does not exist. */
export async function linkTrailerToVehicle(
  prisma: PrismaClient,
  fleetId: string,
  trailerId: string,
): Promise<VehicleTrailerLinkRecord | null> {
  return prisma.$transaction(async (tx) => {
    const [vehicles, trailers] = await Promise.all([
      tx.fleetVehicle.count({ where: { fleetId } }),
      tx.trailer.count({ where: { trailerId } }),
    ]);
    if (!vehicles || !trailers) return null;
    await lockKey(tx, `vehicle_trailer_links:${fleetId}:${trailerId}`);
    const now = new Date();
    const existing = await tx.vehicleTrailerLink.findFirst({
      where: { vehicleFleetId: fleetId, trailerId },
      orderBy: { id: 'asc' },
    });
    const row = existing
      ? await tx.vehicleTrailerLink.update({
          where: { id: existing.id },
          data: { timesSeenTogether: { increment: 1 }, lastSeenTogether: now },
        })
      : await tx.vehicleTrailerLink.create({
          data: {
            vehicleFleetId: fleetId,
            trailerId,
            firstSeenTogether: now,
            lastSeenTogether: now,
            timesSeenTogether: 1,
          },
        });
    return trailerLinkRecord(row);
  });
}

/** Trailers a vehicle was seen with, most often first. */
export async function getVehicleTrailers(
  prisma: PrismaClient,
  fleetId: string,
): Promise<Array<VehicleTrailerLinkRecord & { trailer: TrailerRecord }>> {
  const rows = await prisma.vehicleTrailerLink.findMany({
    where: { vehicleFleetId: fleetId },
    include: { trailer: true },
    orderBy: [{ timesSeenTogether: 'desc' }, { trailerId: 'asc' }],
  });
  return rows.map((row) => ({ ...trailerLinkRecord(row), trailer: trailerRecord(row.trailer) }));
}

/** Vehicles a trailer was seen with, most often first. */
export async function getTrailerVehicles(
  prisma: PrismaClient,
  trailerId: string,
): Promise<Array<VehicleTrailerLinkRecord & { vehicle: FleetVehicleRecord }>> {
  const rows = await prisma.vehicleTrailerLink.findMany({
    where: { trailerId },
    include: { vehicle: true },
    orderBy: [{ timesSeenTogether: 'desc' }, { vehicleFleetId: 'asc' }],
  });
  return rows.map((row) => ({ ...trailerLinkRecord(row), vehicle: vehicleRecord(row.vehicle) }));
}

export async function unlinkTrailerFromVehicle(
  prisma: PrismaClient,
  fleetId: string,
  trailerId: string,
): Promise<boolean> {
  const { count } = await prisma.vehicleTrailerLink.deleteMany({
    where: { vehicleFleetId: fleetId, trailerId },
  });
  return count > 0;
}
