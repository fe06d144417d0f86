import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { PrismaClient } from '@groundtruth/db';
import { legacyFlag, legacyTimestamp } from '../shared/legacy-format';
import { EcoeyeClient, relayVideoPath, type EcoeyeClientOptions } from './client';
import {
  describeStoredVideo,
  registerVideo,
  secureFilename,
  streamToFile,
  type IngestDirs,
} from '../ingest/files';
import { getDecryptedSettings, getSetting, setSettings } from '../settings/sync-config';

/** EcoEye alert sync (api.md §4.5, jobs.md "EcoEye alert sync"): settings, alert sync, video downloads, reports. */

export const ECOEYE_KEYS = {
  apiKey: 'ecoeye.api_key',
  apiSecret: 'ecoeye.api_secret',
  syncIntervalMinutes: 'ecoeye.sync_interval_minutes',
} as const;

export interface EcoeyeCredentials {
  apiKey: string;
  apiSecret: string;
}

export class EcoeyeNotConfiguredError extends Error {
  constructor() {
    super('EcoEye credentials not configured');
    this.name = 'EcoeyeNotConfiguredError';
  }
}

/** The decrypted credentials, or null when missing or not decryptable with this secret. */
export async function getEcoeyeCredentials(
  prisma: PrismaClient,
  secret: string,
): Promise<EcoeyeCredentials | null> {
  const values = await getDecryptedSettings(prisma, [ECOEYE_KEYS.apiKey, ECOEYE_KEYS.apiSecret], secret);
  const apiKey = values[ECOEYE_KEYS.apiKey];
  const apiSecret = values[ECOEYE_KEYS.apiSecret];
  return apiKey && apiSecret ? { apiKey, apiSecret } : null;
}

export async function requireEcoeyeCredentials(prisma: PrismaClient, secret: string) {
  const credentials = await getEcoeyeCredentials(prisma, secret);
  if (!credentials) throw new EcoeyeNotConfiguredError();
  return credentials;
}

/** Stores the credentials encrypted (legacy format) and the optional sync interval, in one transaction. */
export async function saveEcoeyeSettings(
  prisma: PrismaClient,
  settings: { apiKey: string; apiSecret: string; syncIntervalMinutes?: number | undefined },
  secret: string,
): Promise<void> {
  await setSettings(
    prisma,
    [
      { key: ECOEYE_KEYS.apiKey, value: settings.apiKey, encrypted: true },
      { key: ECOEYE_KEYS.apiSecret, value: settings.apiSecret, encrypted: true },
      ...(settings.syncIntervalMinutes !== undefined
        ? [{ key: ECOEYE_KEYS.syncIntervalMinutes, value: String(settings.syncIntervalMinutes) }]
        : []),
    ],
    secret,
  );
}

/** Minutes between scheduled alert syncs; 0 (the default) means no schedule. */
export async function getSyncIntervalMinutes(prisma: PrismaClient): Promise<number> {
  const setting = await getSetting(prisma, ECOEYE_KEYS.syncIntervalMinutes);
  const minutes = Number(setting?.value ?? 0);
  return Number.isFinite(minutes) && minutes > 0 ? minutes : 0;
}

export function createEcoeyeClient(
  baseUrl: string,
  credentials: EcoeyeCredentials | null,
  options: Partial<EcoeyeClientOptions> = {},
): EcoeyeClient {
  return new EcoeyeClient({ baseUrl, apiKey: credentials?.apiKey ?? null, ...options });
}

/** Route 64: GET /health through a fresh client. */
export async function testEcoeyeConnection(client: EcoeyeClient) {
  const host = new URL(client.baseUrl).host;
  try {
    const health = await client.health();
    return {
      success: true as const,
      status: 'connected' as const,
      server_time: health.timestamp ?? health.server_time ?? null,
      api_version: health.version ?? health.api_version ?? 'unknown',
      message: `Successfully connected to ${host}`,
    };
  } catch (error) {
    const text = (error as Error).message;
    return {
      success: false as const,
      status: 'error' as const,
      error: text,
      message: `Failed to connect: ${text}`,
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Alert sync

const idValue = z.union([z.string().min(1), z.number()]).transform(String);
const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined ? null : String(value)));

/** One relay event; anything else in it is kept in `metadata`. */
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

interface AlertRow {
  alert_id: string;
  camera_id: string | null;
  timestamp: string;
  alert_type: string | null;
  confidence: number;
  video_id: string;
  video_available: boolean;
  video_path: string | null;
  metadata: unknown;
}

function toAlertRow(event: z.output<typeof relayEventSchema>, raw: unknown): AlertRow {
  return {
    alert_id: event.event_id,
    camera_id: event.camera_id,
    timestamp: event.timestamp,
    alert_type: event.event_type,
    confidence: 1.0,
    video_id: event.event_id,
    video_available: event.status === 'completed',
    video_path: event.video_path,
    metadata: raw,
  };
}

/** Upserts alerts by alert_id in one statement; returns how many were new. Keeps the download state. */
async function upsertAlerts(prisma: PrismaClient, rows: AlertRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await prisma.$queryRaw<{ inserted: bigint }[]>`
    WITH upserted AS (
      INSERT INTO ecoeye_alerts
        (alert_id, camera_id, "timestamp", alert_type, confidence, video_id, video_available, video_path,
         metadata, synced_at)
      SELECT r.alert_id, r.camera_id, r."timestamp", r.alert_type, r.confidence, r.video_id, r.video_available,
             r.video_path, r.metadata, timezone('utc', now())
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
        alert_id text, camera_id text, "timestamp" text, alert_type text, confidence float8, video_id text,
        video_available boolean, video_path text, metadata jsonb)
      ON CONFLICT (alert_id) DO UPDATE SET
        camera_id = EXCLUDED.camera_id,
        "timestamp" = EXCLUDED."timestamp",
        alert_type = EXCLUDED.alert_type,
        confidence = EXCLUDED.confidence,
        video_id = EXCLUDED.video_id,
        video_available = EXCLUDED.video_available,
        video_path = EXCLUDED.video_path,
        metadata = EXCLUDED.metadata,
        synced_at = EXCLUDED.synced_at
      RETURNING (xmax = 0) AS inserted
    )
    SELECT count(*) FILTER (WHERE inserted) AS inserted FROM upserted`;
  return Number(result[0]?.inserted ?? 0);
}

export interface AlertSyncOptions {
  start?: Date | undefined;
  end?: Date | undefined;
  pageSize?: number;
  /** Safety stop for a relay that never returns a short page. */
  maxPages?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { pages: number; processed: number }) => Promise<void> | void;
}

export interface AlertSyncResult {
  success: boolean;
  history_id: number;
  total_synced: number;
  new_alerts: number;
  updated_alerts: number;
  failed: number;
  skipped_outside_window: number;
  pages: number;
  start_time: string;
  end_time: string;
  errors: string[];
  error?: string;
}

const MAX_RECORDED_ERRORS = 50;

async function startHistory(prisma: PrismaClient, syncType: string): Promise<number> {
  const row = await prisma.syncHistory.create({
    data: { syncType, status: 'running' },
    select: { id: true },
  });
  return row.id;
}

async function finishHistory(
  prisma: PrismaClient,
  id: number,
  outcome: {
    status: 'completed' | 'failed';
    processed: number;
    succeeded: number;
    failed: number;
    error?: string | undefined;
    details: unknown;
  },
): Promise<void> {
  await prisma.$executeRaw`
    UPDATE sync_history SET status = ${outcome.status}, completed_at = timezone('utc', now()),
      items_processed = ${outcome.processed}, items_succeeded = ${outcome.succeeded},
      items_failed = ${outcome.failed}, error_message = ${outcome.error ?? null},
      details = ${JSON.stringify(outcome.details)}::jsonb
    WHERE id = ${id}`;
}

/**
 * Pages through GET /events (offset pagination until a short page), keeps events whose timestamp falls in the
 * window (default: the last 24 h), and upserts them by alert_id. A malformed event is counted as failed and never
 * stops the others; a batch the database rejects is retried row by row. Records the run in sync_history.
 */
export async function syncEcoeyeAlerts(
  prisma: PrismaClient,
  client: EcoeyeClient,
  options: AlertSyncOptions = {},
): Promise<AlertSyncResult> {
  const end = options.end;
  const start = options.start ?? new Date((end ?? new Date()).getTime() - 24 * 3600 * 1000);
  const pageSize = options.pageSize ?? 500;
  const maxPages = options.maxPages ?? 10_000;
  const historyId = await startHistory(prisma, 'ecoeye_alerts');
  const counts = { processed: 0, succeeded: 0, inserted: 0, failed: 0, skipped: 0, pages: 0 };
  const errors: string[] = [];
  const recordError = (message: string) => {
    if (errors.length < MAX_RECORDED_ERRORS) errors.push(message);
  };
  let fatal: string | undefined;
  try {
    for (let offset = 0; counts.pages < maxPages; offset += pageSize) {
      const events = await client.listEvents(
        { limit: pageSize, offset, status: 'completed' },
        options.signal,
      );
      counts.pages += 1;
      const batch = new Map<string, AlertRow>();
      for (const [index, raw] of events.entries()) {
        const parsed = relayEventSchema.safeParse(raw);
        if (!parsed.success) {
          counts.processed += 1;
          counts.failed += 1;
          const id = (raw as { event_id?: unknown } | null)?.event_id;
          recordError(
            `event ${id === undefined ? `#${offset + index}` : String(id)}: ${parsed.error.issues
              .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
              .join('; ')}`,
          );
          continue;
        }
        const at = parseRelayTimestamp(parsed.data.timestamp)!;
        if (at < start || (end && at > end)) {
          counts.skipped += 1;
          continue;
        }
        if (!batch.has(parsed.data.event_id)) counts.processed += 1;
        batch.set(parsed.data.event_id, toAlertRow(parsed.data, raw));
      }
      const rows = [...batch.values()];
      try {
        counts.inserted += await upsertAlerts(prisma, rows);
        counts.succeeded += rows.length;
      } catch {
        for (const row of rows) {
          try {
            counts.inserted += await upsertAlerts(prisma, [row]);
            counts.succeeded += 1;
          } catch (error) {
            counts.failed += 1;
            recordError(`event ${row.alert_id}: ${(error as Error).message.split('\n').pop()}`);
          }
        }
      }
      await options.onProgress?.({ pages: counts.pages, processed: counts.processed });
      if (events.length < pageSize) break;
    }
  } catch (error) {
    fatal = (error as Error).message;
  }
  const result: AlertSyncResult = {
    success: fatal === undefined,
    history_id: historyId,
    total_synced: counts.succeeded,
    new_alerts: counts.inserted,
    updated_alerts: counts.succeeded - counts.inserted,
    failed: counts.failed,
    skipped_outside_window: counts.skipped,
    pages: counts.pages,
    start_time: start.toISOString(),
    end_time: end ? end.toISOString() : 'now',
    errors,
    ...(fatal !== undefined ? { error: fatal } : {}),
  };
  await finishHistory(prisma, historyId, {
    status: fatal === undefined ? 'completed' : 'failed',
    processed: counts.processed,
    succeeded: counts.succeeded,
    failed: counts.failed,
    error: fatal ?? (errors.length ? `${counts.failed} alert(s) failed: ${errors[0]}` : undefined),
    details: result,
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Video downloads

export type AlertVideoDirs = Pick<IngestDirs, 'downloadsDir' | 'thumbnailsDir' | 'media'>;

export type AlertVideoResult =
  | { alert_id: string; status: 'success'; path: string; video_id: number; already: boolean }
  | { alert_id: string; status: 'failed'; error: string };

/** Stable file name of an alert's video: unique per alert, so re-downloads land on the same file and row. */
export function alertVideoFilename(alertId: string, videoPath: string): string {
  const base = secureFilename(path.basename(relayVideoPath(videoPath))) || 'video.mp4';
  return `ecoeye_${secureFilename(alertId) || 'alert'}_${base}`;
}

/** Removes temp files of earlier, interrupted downloads of `target` (older than a minute). */
async function removeStalePartials(target: string): Promise<void> {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.part-`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.startsWith(prefix))) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info && Date.now() - info.mtimeMs > 60_000) await rm(file, { force: true });
  }
}

/**
 * Downloads one alert's video exactly once: the file streams to a temp name and is renamed into place, then the
 * videos row (unique filename) and the alert's downloaded flag are written in one transaction. A retry after a
 * crash at any point converges on the same file and the same row; an alert already downloaded is not fetched again.
 */
export async function downloadAlertVideo(
  prisma: PrismaClient,
  client: EcoeyeClient,
  alertId: string,
  dirs: AlertVideoDirs,
  signal?: AbortSignal,
): Promise<AlertVideoResult> {
  const alert = await prisma.ecoeyeAlert.findUnique({ where: { alertId } });
  if (!alert) return { alert_id: alertId, status: 'failed', error: `Alert ${alertId} not found` };
  try {
    if (alert.videoDownloaded && alert.localVideoPath) {
      const existing = await prisma.video.findUnique({
        where: { filename: path.basename(alert.localVideoPath) },
        select: { id: true },
      });
      if (existing) {
        return {
          alert_id: alertId,
          status: 'success',
          path: alert.localVideoPath,
          video_id: existing.id,
          already: true,
        };
      }
    }
    const event = await client.getEvent(alertId, signal).catch(() => null);
    const videoPath =
      (typeof event?.video_path === 'string' && event.video_path) || alert.videoPath || undefined;
    if (!videoPath) throw new Error('Alert has no video_path');
    const filename = alertVideoFilename(alertId, videoPath);
    const target = path.resolve(dirs.downloadsDir, filename);
    await removeStalePartials(target);
    const response = await client.video(relayVideoPath(videoPath), signal);
    if (!response.body) throw new Error('EcoEye relay sent an empty video body');
    await streamToFile(response.body, target, { signal });
    const { metadata, thumbnailPath } = await describeStoredVideo(target, dirs, signal);
    signal?.throwIfAborted();
    const videoId = await prisma.$transaction(async (tx) => {
      const id = await registerVideo(tx as PrismaClient, {
        filename,
        originalUrl: `ecoeye://${alertId}`,
        title: `${alert.cameraId ?? 'Unknown'} - ${alert.alertType ?? 'event'}`,
        notes: [
          `EcoEye event: ${alertId}`,
          `Camera: ${alert.cameraId ?? 'Unknown'}`,
          `Type: ${alert.alertType ?? 'unknown'}`,
          `Time: ${alert.timestamp ?? 'unknown'}`,
        ].join('\n'),
        metadata,
        thumbnailPath,
      });
      await tx.ecoeyeAlert.update({
        where: { alertId },
        data: { videoDownloaded: true, localVideoPath: target },
      });
      return id;
    });
    return { alert_id: alertId, status: 'success', path: target, video_id: videoId, already: false };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { alert_id: alertId, status: 'failed', error: (error as Error).message };
  }
}

/** Alerts with a video not downloaded yet, newest timestamp first. */
export async function pendingVideoAlerts(prisma: PrismaClient, limit: number): Promise<string[]> {
  const rows = await prisma.ecoeyeAlert.findMany({
    where: { videoAvailable: true, videoDownloaded: false },
    orderBy: { timestamp: 'desc' },
    take: limit,
    select: { alertId: true },
  });
  return rows.map((row) => row.alertId);
}

/** Route 66: downloads up to `limit` pending videos one by one, recorded as an `ecoeye_videos` sync run. */
export async function downloadPendingVideos(
  prisma: PrismaClient,
  client: EcoeyeClient,
  limit: number,
  dirs: AlertVideoDirs,
  signal?: AbortSignal,
) {
  const historyId = await startHistory(prisma, 'ecoeye_videos');
  const pending = await pendingVideoAlerts(prisma, limit);
  const results: AlertVideoResult[] = [];
  for (const alertId of pending)
    results.push(await downloadAlertVideo(prisma, client, alertId, dirs, signal));
  const downloaded = results.filter((result) => result.status === 'success').length;
  const failed = results.length - downloaded;
  const firstError = results.find((result) => result.status === 'failed');
  const response = {
    success: true as const,
    total_pending: pending.length,
    downloaded,
    failed,
    results: results.map((result) =>
      result.status === 'success'
        ? { alert_id: result.alert_id, status: result.status, path: result.path, video_id: result.video_id }
        : result,
    ),
  };
  await finishHistory(prisma, historyId, {
    status: 'completed',
    processed: results.length,
    succeeded: downloaded,
    failed,
    error: firstError && firstError.status === 'failed' ? firstError.error : undefined,
    details: response,
  });
  return response;
}

// ---------------------------------------------------------------------------------------------------------------
// Reports

/** Route 67. */
export async function ecoeyeSyncStatus(prisma: PrismaClient) {
  const [row] = await prisma.$queryRaw<
    { total: bigint; with_video: bigint; downloaded: bigint; last_sync: Date | null }[]
  >`
    SELECT count(*) AS total,
           count(*) FILTER (WHERE video_available) AS with_video,
           count(*) FILTER (WHERE video_downloaded) AS downloaded,
           max(synced_at) AS last_sync
    FROM ecoeye_alerts`;
  const withVideo = Number(row?.with_video ?? 0);
  const downloaded = Number(row?.downloaded ?? 0);
  return {
    success: true as const,
    total_alerts: Number(row?.total ?? 0),
    alerts_with_video: withVideo,
    videos_downloaded: downloaded,
    pending_downloads: withVideo - downloaded,
    last_sync: legacyTimestamp(row?.last_sync ?? null),
  };
}

/** Route 68: newest timestamp first (text order, as the legacy app). */
export async function listEcoeyeAlerts(prisma: PrismaClient, limit: number, offset: number) {
  const [rows, total] = await Promise.all([
    prisma.ecoeyeAlert.findMany({
      orderBy: [{ timestamp: 'desc' }, { id: 'desc' }],
      take: limit,
      skip: offset,
    }),
    prisma.ecoeyeAlert.count(),
  ]);
  return {
    success: true as const,
    alerts: rows.map((row) => ({
      alert_id: row.alertId,
      camera_id: row.cameraId,
      timestamp: row.timestamp,
      alert_type: row.alertType,
      confidence: row.confidence,
      video_available: legacyFlag(row.videoAvailable),
      video_downloaded: legacyFlag(row.videoDownloaded),
      local_video_path: row.localVideoPath,
      synced_at: legacyTimestamp(row.syncedAt),
    })),
    total,
    limit,
    offset,
  };
}

/** Route 69: newest first; `details` is never returned. */
export async function listSyncHistory(prisma: PrismaClient, limit: number) {
  const rows = await prisma.syncHistory.findMany({
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
  return {
    success: true as const,
    history: rows.map((row) => ({
      id: row.id,
      sync_type: row.syncType,
      status: row.status,
      started_at: legacyTimestamp(row.startedAt),
      completed_at: legacyTimestamp(row.completedAt),
      items_processed: row.itemsProcessed,
      items_succeeded: row.itemsSucceeded,
      items_failed: row.itemsFailed,
      error_message: row.errorMessage,
    })),
  };
}
