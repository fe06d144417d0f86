import {
  deleteFleetVehicle,
  deleteTrailer,
  getFleetVehicle,
  getPersonVehicles,
  getTrailer,
  getTrailerVehicles,
  getVehiclePeople,
  getVehicleTrailers,
  linkPersonToVehicle,
  linkTrailerToVehicle,
  listFleetVehicles,
  listTrailers,
  recordTrailerSighting,
  recordVehicleSighting,
  unlinkPersonFromVehicle,
  unlinkTrailerFromVehicle,
  updateFleetVehicle,
  updateTrailer,
} from '../src';
import { openTestDatabase } from './open-test-database';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('fleet repository', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase('domain-fleet');
  });
  afterAll(() => db.close());

  it('creates a vehicle on its first sighting and counts later ones without erasing attributes', async () => {
    const first = await recordVehicleSighting(db.prisma, 'TRUCK-1', {
      fleetType: 'utility',
      vehicleMake: 'Ford',
      plateNumber: 'ABC123',
    });
    expect(first).toMatchObject({
      fleet_id: 'TRUCK-1',
      fleet_type: 'utility',
      vehicle_make: 'Ford',
      plate_number: 'ABC123',
      total_detections: 1,
    });
    expect(first.first_seen_date).toMatch(TIMESTAMP);
    const second = await recordVehicleSighting(db.prisma, 'TRUCK-1', {
      primaryColor: 'white',
      vehicleMake: null,
    });
    expect(second).toMatchObject({
      id: first.id,
      vehicle_make: 'Ford',
      primary_color: 'white',
      total_detections: 2,
    });
    expect(await db.prisma.fleetVehicle.count()).toBe(1);
  });

  it('concurrent sightings of a new vehicle give one row with every sighting counted', async () => {
    await Promise.all(Array.from({ length: 5 }, () => recordVehicleSighting(db.prisma, 'VAN-9')));
    expect((await getFleetVehicle(db.prisma, 'VAN-9'))?.total_detections).toBe(5);
  });

  it('lists, updates and filters vehicles', async () => {
    expect((await listFleetVehicles(db.prisma, { fleetType: 'utility' })).map((v) => v.fleet_id)).toEqual([
      'TRUCK-1',
    ]);
    expect(await listFleetVehicles(db.prisma)).toHaveLength(2);
    const updated = await updateFleetVehicle(db.prisma, 'TRUCK-1', {
      notes: 'city fleet',
      plateNumber: null,
    });
    expect(updated).toMatchObject({ notes: 'city fleet', plate_number: null, vehicle_make: 'Ford' });
    expect(await updateFleetVehicle(db.prisma, 'NOPE', { notes: 'x' })).toBeNull();
    expect(await getFleetVehicle(db.prisma, 'NOPE')).toBeNull();
  });

  it('links people to vehicles, counting repeated sightings, and reads both directions', async () => {
    const link = await linkPersonToVehicle(db.prisma, 'TRUCK-1', 'Alice');
    expect(link).toMatchObject({ vehicle_fleet_id: 'TRUCK-1', person_name: 'Alice', times_seen_together: 1 });
    await Promise.all([
      linkPersonToVehicle(db.prisma, 'TRUCK-1', 'Alice'),
      linkPersonToVehicle(db.prisma, 'TRUCK-1', 'Alice'),
    ]);
    await linkPersonToVehicle(db.prisma, 'TRUCK-1', 'Bob');
    await linkPersonToVehicle(db.prisma, 'VAN-9', 'Alice');
    expect(await db.prisma.vehiclePersonLink.count({ where: { personName: 'Alice' } })).toBe(2);
    const people = await getVehiclePeople(db.prisma, 'TRUCK-1');
    expect(people.map((p) => [p.person_name, p.times_seen_together])).toEqual([
      ['Alice', 3],
      ['Bob', 1],
    ]);
    const vehicles = await getPersonVehicles(db.prisma, 'Alice');
    expect(vehicles.map((v) => v.vehicle.fleet_id)).toEqual(['TRUCK-1', 'VAN-9']);
    expect(await linkPersonToVehicle(db.prisma, 'NOPE', 'Alice')).toBeNull();
    expect(await unlinkPersonFromVehicle(db.prisma, 'TRUCK-1', 'Bob')).toBe(true);
    expect(await unlinkPersonFromVehicle(db.prisma, 'TRUCK-1', 'Bob')).toBe(false);
  });

  it('records trailers and links them to vehicles', async () => {
    const trailer = await recordTrailerSighting(db.prisma, 'TR-7', { trailerType: 'boat', plateState: 'FL' });
    expect(trailer).toMatchObject({ trailer_id: 'TR-7', trailer_type: 'boat', total_detections: 1 });
    await recordTrailerSighting(db.prisma, 'TR-7', { trailerColor: 'black' });
    expect(await getTrailer(db.prisma, 'TR-7')).toMatchObject({
      total_detections: 2,
      trailer_color: 'black',
    });
    expect(await listTrailers(db.prisma)).toHaveLength(1);
    expect(await updateTrailer(db.prisma, 'TR-7', { notes: 'rusty' })).toMatchObject({ notes: 'rusty' });
    expect(await updateTrailer(db.prisma, 'NOPE', { notes: 'x' })).toBeNull();

    expect(await linkTrailerToVehicle(db.prisma, 'TRUCK-1', 'TR-7')).toMatchObject({
      times_seen_together: 1,
    });
    expect(await linkTrailerToVehicle(db.prisma, 'TRUCK-1', 'TR-7')).toMatchObject({
      times_seen_together: 2,
    });
    expect(await linkTrailerToVehicle(db.prisma, 'TRUCK-1', 'NOPE')).toBeNull();
    expect(await linkTrailerToVehicle(db.prisma, 'NOPE', 'TR-7')).toBeNull();
    expect((await getVehicleTrailers(db.prisma, 'TRUCK-1')).map((l) => l.trailer.trailer_id)).toEqual([
      'TR-7',
    ]);
    expect((await getTrailerVehicles(db.prisma, 'TR-7')).map((l) => l.vehicle.fleet_id)).toEqual(['TRUCK-1']);
    await linkTrailerToVehicle(db.prisma, 'VAN-9', 'TR-7');
    expect(await unlinkTrailerFromVehicle(db.prisma, 'VAN-9', 'TR-7')).toBe(true);
  });

  it('deleting a vehicle or trailer removes its links (cascade)', async () => {
    expect(await deleteFleetVehicle(db.prisma, 'TRUCK-1')).toBe(true);
    expect(await deleteFleetVehicle(db.prisma, 'TRUCK-1')).toBe(false);
    expect(await db.prisma.vehiclePersonLink.count({ where: { vehicleFleetId: 'TRUCK-1' } })).toBe(0);
    expect(await db.prisma.vehicleTrailerLink.count()).toBe(0);
    await linkTrailerToVehicle(db.prisma, 'VAN-9', 'TR-7');
    expect(await deleteTrailer(db.prisma, 'TR-7')).toBe(true);
    expect(await db.prisma.vehicleTrailerLink.count()).toBe(0);
  });
});
