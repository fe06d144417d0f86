import { FleetService } from '../src';
import { openTestDatabase } from './open-test-database';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('fleet repository', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let fleet: FleetService;
  beforeAll(async () => {
    db = await openTestDatabase('domain-fleet');
    fleet = new FleetService({ db });
  });
  afterAll(() => db.close());

  it('creates a vehicle on its first sighting and counts later ones without erasing attributes', async () => {
    const first = await fleet.vehicles.record('TRUCK-1', {
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
    const second = await fleet.vehicles.record('TRUCK-1', {
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
    await Promise.all(Array.from({ length: 5 }, () => fleet.vehicles.record('VAN-9')));
    expect((await fleet.vehicles.get('VAN-9'))?.total_detections).toBe(5);
  });

  it('lists, updates and filters vehicles', async () => {
    expect((await fleet.vehicles.list({ fleetType: 'utility' })).map((v) => v.fleet_id)).toEqual(['TRUCK-1']);
    expect(await fleet.vehicles.list()).toHaveLength(2);
    const updated = await fleet.vehicles.update('TRUCK-1', {
      notes: 'city fleet',
      plateNumber: null,
    });
    expect(updated).toMatchObject({ notes: 'city fleet', plate_number: null, vehicle_make: 'Ford' });
    expect(await fleet.vehicles.update('NOPE', { notes: 'x' })).toBeNull();
    expect(await fleet.vehicles.get('NOPE')).toBeNull();
  });

  it('links people to vehicles, counting repeated sightings, and reads both directions', async () => {
    const link = await fleet.linkPerson('TRUCK-1', 'Alice');
    expect(link).toMatchObject({ vehicle_fleet_id: 'TRUCK-1', person_name: 'Alice', times_seen_together: 1 });
    await Promise.all([fleet.linkPerson('TRUCK-1', 'Alice'), fleet.linkPerson('TRUCK-1', 'Alice')]);
    await fleet.linkPerson('TRUCK-1', 'Bob');
    await fleet.linkPerson('VAN-9', 'Alice');
    expect(await db.prisma.vehiclePersonLink.count({ where: { personName: 'Alice' } })).toBe(2);
    const people = await fleet.vehiclePeople('TRUCK-1');
    expect(people.map((p) => [p.person_name, p.times_seen_together])).toEqual([
      ['Alice', 3],
      ['Bob', 1],
    ]);
    const vehicles = await fleet.personVehicles('Alice');
    expect(vehicles.map((v) => v.vehicle.fleet_id)).toEqual(['TRUCK-1', 'VAN-9']);
    expect(await fleet.linkPerson('NOPE', 'Alice')).toBeNull();
    expect(await fleet.unlinkPerson('TRUCK-1', 'Bob')).toBe(true);
    expect(await fleet.unlinkPerson('TRUCK-1', 'Bob')).toBe(false);
  });

  it('records trailers and links them to vehicles', async () => {
    const trailer = await fleet.trailers.record('TR-7', { trailerType: 'boat', plateState: 'FL' });
    expect(trailer).toMatchObject({ trailer_id: 'TR-7', trailer_type: 'boat', total_detections: 1 });
    await fleet.trailers.record('TR-7', { trailerColor: 'black' });
    expect(await fleet.trailers.get('TR-7')).toMatchObject({
      total_detections: 2,
      trailer_color: 'black',
    });
    expect(await fleet.trailers.list()).toHaveLength(1);
    expect(await fleet.trailers.update('TR-7', { notes: 'rusty' })).toMatchObject({ notes: 'rusty' });
    expect(await fleet.trailers.update('NOPE', { notes: 'x' })).toBeNull();

    expect(await fleet.linkTrailer('TRUCK-1', 'TR-7')).toMatchObject({
      times_seen_together: 1,
    });
    expect(await fleet.linkTrailer('TRUCK-1', 'TR-7')).toMatchObject({
      times_seen_together: 2,
    });
    expect(await fleet.linkTrailer('TRUCK-1', 'NOPE')).toBeNull();
    expect(await fleet.linkTrailer('NOPE', 'TR-7')).toBeNull();
    expect((await fleet.vehicleTrailers('TRUCK-1')).map((l) => l.trailer.trailer_id)).toEqual(['TR-7']);
    expect((await fleet.trailerVehicles('TR-7')).map((l) => l.vehicle.fleet_id)).toEqual(['TRUCK-1']);
    await fleet.linkTrailer('VAN-9', 'TR-7');
    expect(await fleet.unlinkTrailer('VAN-9', 'TR-7')).toBe(true);
  });

  it('deleting a vehicle or trailer removes its links (cascade)', async () => {
    expect(await fleet.vehicles.delete('TRUCK-1')).toBe(true);
    expect(await fleet.vehicles.delete('TRUCK-1')).toBe(false);
    expect(await db.prisma.vehiclePersonLink.count({ where: { vehicleFleetId: 'TRUCK-1' } })).toBe(0);
    expect(await db.prisma.vehicleTrailerLink.count()).toBe(0);
    await fleet.linkTrailer('VAN-9', 'TR-7');
    expect(await fleet.trailers.delete('TR-7')).toBe(true);
    expect(await db.prisma.vehicleTrailerLink.count()).toBe(0);
  });
});
