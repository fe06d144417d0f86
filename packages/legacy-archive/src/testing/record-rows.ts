import { range, type Generation, type Row } from './generation';

/** Rows of the export, fleet, sync and training tables of a synthetic legacy file. */

export function yoloExportConfigsRows({ time, flag, sizes }: Generation): Iterable<Row> {
  return range(sizes.configs, (i) => ({
    id: i,
    config_name: `config_${i}`,
    description: null,
    class_mapping: `{"boat": 0, "trailer": ${i}}`,
    include_reviewed_only: flag(i),
    include_ai_generated: 1,
    include_negative_examples: 1,
    min_confidence: 0.25,
    export_format: 'yolov8',
    created_date: time(i),
    last_export_date: i % 2 ? null : time(i + 3),
    last_export_count: i,
  }));
}

export function yoloExportVideosRows({ time, flag, sizes, n }: Generation): Iterable<Row> {
  return range(n(2_000, 5), (i) => ({
    id: i,
    export_config_id: (i % sizes.configs) + 1,
    video_id: Math.floor((i - 1) / sizes.configs) + 1,
    included: flag(i),
    notes: null,
    created_date: time(i),
  }));
}

export function yoloExportFiltersRows({ time, flag, sizes }: Generation): Iterable<Row> {
  return range(100, (i) => ({
    id: i,
    export_config_id: (i % sizes.configs) + 1,
    filter_type: 'activity_tag',
    filter_value: `tag_${i}`,
    is_exclusion: flag(i),
    created_date: time(i),
  }));
}

export function yoloExportLogsRows({ quirks, time, sizes }: Generation): Iterable<Row> {
  return range(200, (i) => ({
    id: i,
    export_config_id: quirks && i === 200 ? sizes.configs + 50 : (i % sizes.configs) + 1,
    export_path: `/exports/${i}`,
    video_count: i,
    annotation_count: i * 10,
    export_format: 'yolov8',
    export_date: time(i),
    notes: null,
  }));
}

/** fleet_vehicles and trailers: the fields both kinds of tracked object share. */
function sightings(time: Generation['time'], first: number, last: number, detections: number): Row {
  return {
    first_seen_date: time(first),
    last_seen_date: time(last),
    total_detections: detections,
    notes: null,
  };
}

export function fleetVehiclesRows({ time, sizes }: Generation): Iterable<Row> {
  return range(sizes.vehicles, (i) => ({
    id: i,
    fleet_id: `FL-${i}`,
    fleet_type: 'truck',
    vehicle_type: 'pickup',
    vehicle_make: 'Ford',
    vehicle_model: 'F-150',
    primary_color: 'white',
    secondary_color: null,
    agency_name: 'Agency',
    plate_number: `P${i}`,
    plate_state: 'CA',
    ...sightings(time, i, i + 5, i),
  }));
}

export function vehiclePersonLinksRows({ quirks, time, sizes, n }: Generation): Iterable<Row> {
  return range(n(3_000, 5), (i) => ({
    id: i,
    vehicle_fleet_id: quirks && i % 1000 === 3 ? 'FL-missing' : `FL-${(i % sizes.vehicles) + 1}`,
    person_name: `Person ${i}`,
    first_seen_together: time(i),
    last_seen_together: time(i + 1),
    times_seen_together: 1 + (i % 4),
  }));
}

export function trailersRows({ time, sizes }: Generation): Iterable<Row> {
  return range(sizes.trailers, (i) => ({
    id: i,
    trailer_id: `TR-${i}`,
    trailer_type: 'boat',
    trailer_color: 'black',
    plate_number: null,
    plate_state: null,
    ...sightings(time, i, i, i % 9),
  }));
}

export function vehicleTrailerLinksRows({ time, sizes, n }: Generation): Iterable<Row> {
  return range(n(1_500, 5), (i) => ({
    id: i,
    vehicle_fleet_id: `FL-${(i % sizes.vehicles) + 1}`,
    trailer_id: `TR-${(i % sizes.trailers) + 1}`,
    first_seen_together: time(i),
    last_seen_together: time(i),
    times_seen_together: 1,
  }));
}

export function syncConfigRows({ time }: Generation): Iterable<Row> {
  return range(12, (i) => ({
    id: i,
    config_key: `key_${i}`,
    config_value:
      i % 2
        ? `gAAAAABn${Buffer.from(`secret-${i}-${'x'.repeat(i)}`).toString('base64url')}==`
        : `plain value ${i}`,
    is_encrypted: i % 2,
    created_at: time(i),
    updated_at: time(i),
  }));
}

function syncDetails(i: number, quirks: boolean): string | null {
  if (quirks && i % 500 === 3) return '{"broken": ';
  return i % 4 === 0 ? null : `{"new": ${i}, "big": 12345678901234567890, "z": [1, 2.5, "ü"]}`;
}

export function syncHistoryRows({ quirks, time, n }: Generation): Iterable<Row> {
  return range(n(2_000, 5), (i) => ({
    id: i,
    sync_type: 'ecoeye',
    status: 'completed',
    started_at: time(i),
    completed_at: i % 3 ? time(i + 2) : null,
    items_processed: i,
    items_succeeded: i,
    items_failed: 0,
    error_message: null,
    details: syncDetails(i, quirks),
  }));
}

export function ecoeyeAlertsRows({ quirks, ecoeye, rand, time, flag, n }: Generation): Iterable<Row> {
  return range(n(40_000, 10), (i) => ({
    id: i,
    alert_id: `alert-${i}`,
    camera_id: `cam-${i % 17}`,
    timestamp: i % 2 ? '2025-03-04T05:06:07Z' : '2025-03-04 05:06:07',
    alert_type: 'motion',
    confidence: rand(),
    video_id: i % 3 ? `vid-${i}` : null,
    video_available: flag(i),
    video_downloaded: 0,
    local_video_path: null,
    metadata: quirks && i % 1000 === 5 ? "{'python': 'repr'}" : `{"id": "alert-${i}", "score": ${i % 100}}`,
    synced_at: time(i),
    ...(ecoeye === 'full' ? { video_path: i % 2 ? `s3://bucket/${i}.mp4` : null } : {}),
  }));
}

export function trainingJobsRows({ time, sizes, n }: Generation): Iterable<Row> {
  return range(n(500, 5), (i) => ({
    id: i,
    job_id: `job-${i}`,
    job_type: 'yolo',
    status: 'completed',
    s3_uri: null,
    config_json: `{"epochs": ${i % 50}}`,
    result_json: i % 2 ? null : '{"map50": 0.5}',
    error_message: null,
    submitted_at: time(i),
    completed_at: null,
    export_config_id: i % 4 === 0 ? null : (i % sizes.configs) + 1,
  }));
}
