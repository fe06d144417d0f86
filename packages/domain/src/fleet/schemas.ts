import { z } from 'zod';

/**
 * A timestamp in the legacy text form `YYYY-MM-DD HH:MM:SS`. The queries read every column declared with this
 * schema through `to_char`.
 */
export const legacyTimestampText = z.string().nullable();

const text = z.string().nullable();
const count = z.number().nullable();

const sightingColumns = {
  first_seen_date: legacyTimestampText,
  last_seen_date: legacyTimestampText,
  total_detections: count,
  notes: text,
};

/** A `fleet_vehicles` row (columns in table order), keyed by its text `fleet_id`. */
export const fleetVehicleSchema = z.object({
  id: z.number(),
  fleet_id: z.string(),
  fleet_type: text,
  vehicle_type: text,
  vehicle_make: text,
  vehicle_model: text,
  primary_color: text,
  secondary_color: text,
  agency_name: text,
  plate_number: text,
  plate_state: text,
  ...sightingColumns,
});
export type FleetVehicleRecord = z.infer<typeof fleetVehicleSchema>;

/** A `trailers` row, keyed by its text `trailer_id`. */
export const trailerSchema = z.object({
  id: z.number(),
  trailer_id: z.string(),
  trailer_type: text,
  trailer_color: text,
  plate_number: text,
  plate_state: text,
  ...sightingColumns,
});
export type TrailerRecord = z.infer<typeof trailerSchema>;

const seenTogetherColumns = {
  first_seen_together: legacyTimestampText,
  last_seen_together: legacyTimestampText,
  times_seen_together: count,
};

/** A person seen with a vehicle (`vehicle_person_links`). */
export const vehiclePersonLinkSchema = z.object({
  id: z.number(),
  vehicle_fleet_id: z.string(),
  person_name: z.string(),
  ...seenTogetherColumns,
});
export type VehiclePersonLinkRecord = z.infer<typeof vehiclePersonLinkSchema>;

/** A trailer seen with a vehicle (`vehicle_trailer_links`). */
export const vehicleTrailerLinkSchema = z.object({
  id: z.number(),
  vehicle_fleet_id: z.string(),
  trailer_id: z.string(),
  ...seenTogetherColumns,
});
export type VehicleTrailerLinkRecord = z.infer<typeof vehicleTrailerLinkSchema>;

/**
 * What a sighting or an update may set, by the camelCase name of its column. On a sighting an absent or null
 * attribute keeps what is known; on an update null clears it.
 */
const attribute = z.string().nullish();

export const vehicleAttributesSchema = z.object({
  fleetType: attribute,
  vehicleType: attribute,
  vehicleMake: attribute,
  vehicleModel: attribute,
  primaryColor: attribute,
  secondaryColor: attribute,
  agencyName: attribute,
  plateNumber: attribute,
  plateState: attribute,
  notes: attribute,
});
export type VehicleAttributes = z.infer<typeof vehicleAttributesSchema>;

export const trailerAttributesSchema = z.object({
  trailerType: attribute,
  trailerColor: attribute,
  plateNumber: attribute,
  plateState: attribute,
  notes: attribute,
});
export type TrailerAttributes = z.infer<typeof trailerAttributesSchema>;
