import { z } from 'zod';
import { idParam, indexedText, legacyBoolean } from '../shared/input';

/** EcoEye's relay events, requests and answers: the sync (api.md §4.5) and the relay proxy (§4.4). */

/**
 * Relay timestamps are ISO-8601, with or without a zone; zone-less values are UTC (§9 #9: the legacy app compared
 * naive and aware values and silently synced nothing). Null when unparsable.
 */
export function parseRelayTimestamp(value: string): Date | null {
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const iso = text.replace(' ', 'T');
  const millis = Date.parse(hasZone ? iso : `${iso.length === 10 ? `${iso}T00:00:00` : iso}Z`);
  return Number.isNaN(millis) ? null : new Date(millis);
}

const idValue = z.union([z.string().min(1), z.number()]).transform(String);
const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined ? null : String(value)));

/** One relay event of GET /events; anything else in it is kept in `metadata`. */
export const relayEventSchema = z
  .object({
    event_id: idValue,
    camera_id: optionalText,
    camera_name: optionalText,
    event_type: optionalText,
    timestamp: z.string().refine((value) => parseRelayTimestamp(value) !== null, 'not an ISO-8601 timestamp'),
    status: optionalText,
    video_path: optionalText,
  })
  .loose();

const flag01 = z.union([z.literal(0), z.literal(1)]).nullable();

/** An `ecoeye_alerts` row as route 68 lists it. */
export const alertListItemSchema = z.object({
  alert_id: z.string(),
  camera_id: z.string().nullable(),
  timestamp: z.string().nullable(),
  alert_type: z.string().nullable(),
  confidence: z.number().nullable(),
  video_available: flag01,
  video_downloaded: flag01,
  local_video_path: z.string().nullable(),
  synced_at: z.string().nullable(),
});
export type AlertListItem = z.infer<typeof alertListItemSchema>;

/** A `sync_history` row without its details (route 69). */
export const syncHistoryRowSchema = z.object({
  id: z.number(),
  sync_type: z.string(),
  status: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  items_processed: z.number().nullable(),
  items_succeeded: z.number().nullable(),
  items_failed: z.number().nullable(),
  error_message: z.string().nullable(),
});
export type SyncHistoryRow = z.infer<typeof syncHistoryRowSchema>;

export const ecoeyeCountersSchema = z.object({
  total_alerts: z.number(),
  alerts_with_video: z.number(),
  videos_downloaded: z.number(),
  pending_downloads: z.number(),
  last_sync: z.string().nullable(),
});
export type EcoeyeCounters = z.infer<typeof ecoeyeCountersSchema>;

const downloadedAlertVideo = z.object({
  alert_id: z.string(),
  status: z.literal('success'),
  path: z.string(),
  video_id: z.number(),
});
const failedAlertVideo = z.object({ alert_id: z.string(), status: z.literal('failed'), error: z.string() });
/** One alert video download; `already` when it had been downloaded before. */
export type AlertVideoResult =
  (z.infer<typeof downloadedAlertVideo> & { already: boolean }) | z.infer<typeof failedAlertVideo>;

// ---- requests: the sync

const boundedCount = z
  .string()
  .regex(/^\d+$/, 'expected a non-negative integer')
  .transform(Number)
  .refine((n) => n <= 100_000, 'at most 100000');

const isoTime = z
  .string()
  .nullish()
  .transform((value, ctx) => {
    if (!value) return undefined;
    const parsed = parseRelayTimestamp(value);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: 'expected an ISO-8601 date-time' });
      return z.NEVER;
    }
    return parsed;
  });

export const saveEcoeyeConfigBody = z.object({
  api_key: z.string().nullish(),
  api_secret: z.string().nullish(),
  sync_interval_minutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .optional(),
});
export type SaveEcoeyeConfig = z.output<typeof saveEcoeyeConfigBody>;

/** Route 65's optional body: the window of the sync (default: the last 24 h). */
export const alertSyncBody = z.object({ start_time: isoTime, end_time: isoTime }).superRefine((body, ctx) => {
  if (body.start_time && body.end_time && body.start_time > body.end_time) {
    ctx.addIssue({ code: 'custom', path: ['start_time'], message: 'must not be after end_time' });
  }
});
export type AlertSyncWindow = z.output<typeof alertSyncBody>;

/** Route 66's optional body. */
export const downloadVideosBody = z.object({ limit: z.number().int().min(0).max(1000).default(10) });

export const alertsListQuery = z.object({ limit: boundedCount.default(50), offset: boundedCount.default(0) });
export const syncHistoryQuery = z.object({ limit: boundedCount.default(50) });

// ---- requests: the relay proxy

/** Text of the relay's integer query values, passed through as given. */
const integerText = z.string().regex(/^-?\d+$/, 'expected an integer');
/** A value forwarded to the relay: bounded, so the relay's URL stays within its header limits. */
const optionalQueryText = indexedText().optional();

/** Route 52's filters, forwarded only when non-empty. */
export const relayEventFilters = z.object({
  status: optionalQueryText,
  camera: optionalQueryText,
  event_type: optionalQueryText,
  since: optionalQueryText,
  site: optionalQueryText,
  sort: optionalQueryText,
  has_thumbnail: optionalQueryText,
  tag_id: optionalQueryText,
  untagged: optionalQueryText,
});
export const relayEventsQuery = z
  .object({ limit: integerText.default('50'), offset: integerText.default('0') })
  .extend(relayEventFilters.shape);
export type RelayEventsQuery = z.output<typeof relayEventsQuery>;

/** Routes 53–54; a missing or empty event_id is answered "event_id required". */
export const eventIdBody = z.object({ event_id: z.union([indexedText(), z.number()]).nullish() });
export const syncSampleBody = eventIdBody.extend({ include_video: legacyBoolean.nullish() });

export const relayTagsQuery = z.object({ event_id: optionalQueryText, event_ids: optionalQueryText });
export const newRelayTagBody = z.object({ name: z.string().min(1), color: z.string().optional() }).loose();
export const relayTagParams = z.object({ tagId: idParam });
const idList = z.array(z.union([z.string(), z.number()]));
export const relayTagChangeBody = z.object({ event_ids: idList, tag_ids: idList });
export type RelayTagChange = z.output<typeof relayTagChangeBody>;

// ---- responses: the sync

export const ecoeyeConfigResponse = z.object({
  success: z.literal(true),
  configured: z.boolean(),
  base_url: z.string(),
  sync_interval_minutes: z.number(),
});
export type EcoeyeConfigAnswer = z.infer<typeof ecoeyeConfigResponse>;

export const messageResponse = z.object({ success: z.literal(true), message: z.string() });

/** Route 64; the relay's own values are passed through. */
export const connectionTestResponse = z.union([
  z.object({
    success: z.literal(true),
    status: z.literal('connected'),
    server_time: z.unknown(),
    api_version: z.unknown(),
    message: z.string(),
  }),
  z.object({ success: z.literal(false), status: z.literal('error'), error: z.string(), message: z.string() }),
]);
export type ConnectionTestAnswer = z.infer<typeof connectionTestResponse>;

export const alertSyncResponse = z.union([
  z.object({
    success: z.literal(true),
    total_synced: z.number(),
    new_alerts: z.number(),
    updated_alerts: z.number(),
    failed: z.number(),
    start_time: z.string(),
    end_time: z.string(),
  }),
  z.object({ success: z.literal(false), error: z.string().optional() }),
]);
export type AlertSyncAnswer = z.infer<typeof alertSyncResponse>;

export const downloadVideosResponse = z.object({
  success: z.literal(true),
  total_pending: z.number(),
  downloaded: z.number(),
  failed: z.number(),
  results: z.array(z.union([downloadedAlertVideo, failedAlertVideo])),
});
export type DownloadVideosAnswer = z.infer<typeof downloadVideosResponse>;

export const ecoeyeStatusResponse = ecoeyeCountersSchema.extend({ success: z.literal(true) });

export const alertsListResponse = z.object({
  success: z.literal(true),
  alerts: z.array(alertListItemSchema),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
});

export const syncHistoryResponse = z.object({
  success: z.literal(true),
  history: z.array(syncHistoryRowSchema),
});

// ---- responses: the relay proxy

/** The relay's JSON, passed through as the legacy contract does (routes 52, 57–61). */
export const relayPassThroughResponse = z.unknown();

export const importEventResponse = z.union([
  z.object({
    success: z.literal(true),
    record_id: z.number(),
    message: z.literal('Event already imported'),
    already_imported: z.literal(true),
  }),
  z.object({ success: z.literal(true), video_id: z.number(), message: z.string() }),
  z.object({ success: z.literal(true), record_id: z.number(), message: z.string() }),
]);
export type ImportEventAnswer = z.infer<typeof importEventResponse>;

export const RELAY_FILTER_KINDS = ['cameras', 'sites'] as const;
export type RelayFilterKind = (typeof RELAY_FILTER_KINDS)[number];

/** Routes 55–56: the relay's list of cameras (or sites), passed through. */
export const filterValuesResponse = (kind: RelayFilterKind) =>
  z.object({ success: z.literal(true), [kind]: z.unknown() });
