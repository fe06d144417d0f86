import type { Database } from '@groundtruth/db';
import { upsertVideo, type NewVideo } from '../ingest/queries';
import { legacyFlag, legacyTimestamp } from '../shared/legacy-format';
import type { AlertListItem, EcoeyeCounters, SyncHistoryRow } from './schemas';

/** EcoEye data access: `ecoeye_alerts`, `sync_history` and the `videos` rows of imported events. */

export interface AlertRow {
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

/** Upserts alerts by alert_id in one statement; returns how many were new. Keeps the download state. */
export async function upsertAlerts(db: Database, rows: AlertRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.prisma.$queryRaw<{ inserted: bigint }[]>`
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

/** A `sync_history` row of a run that starts now (status running). */
export async function startHistory(
  db: Database,
  syncType: 'ecoeye_alerts' | 'ecoeye_videos',
): Promise<number> {
  const row = await db.prisma.syncHistory.create({
    data: { syncType, status: 'running' },
    select: { id: true },
  });
  return row.id;
}

export async function finishHistory(
  db: Database,
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
  await db.prisma.$executeRaw`
    UPDATE sync_history SET status = ${outcome.status}, completed_at = timezone('utc', now()),
      items_processed = ${outcome.processed}, items_succeeded = ${outcome.succeeded},
      items_failed = ${outcome.failed}, error_message = ${outcome.error ?? null},
      details = ${JSON.stringify(outcome.details)}::jsonb
    WHERE id = ${id}`;
}

export function findAlert(db: Database, alertId: string) {
  return db.prisma.ecoeyeAlert.findUnique({ where: { alertId } });
}

export async function videoIdByFilename(db: Database, filename: string): Promise<number | null> {
  const row = await db.prisma.video.findUnique({ where: { filename }, select: { id: true } });
  return row?.id ?? null;
}

/** The alert's videos row (unique filename) and its downloaded flag, in one transaction. */
export function recordAlertDownload(
  db: Database,
  alertId: string,
  video: NewVideo,
  localVideoPath: string,
): Promise<number> {
  return db.prisma.$transaction(async (tx) => {
    const id = await upsertVideo(tx, video);
    await tx.ecoeyeAlert.update({ where: { alertId }, data: { videoDownloaded: true, localVideoPath } });
    return id;
  });
}

/** Alerts with a video not downloaded yet, newest timestamp first. */
export async function pendingVideoAlerts(db: Database, limit: number): Promise<string[]> {
  const rows = await db.prisma.ecoeyeAlert.findMany({
    where: { videoAvailable: true, videoDownloaded: false },
    orderBy: { timestamp: 'desc' },
    take: limit,
    select: { alertId: true },
  });
  return rows.map((row) => row.alertId);
}

/** Every alert with a video not downloaded yet (in no particular order). */
export async function alertsAwaitingDownload(db: Database): Promise<string[]> {
  const rows = await db.prisma.ecoeyeAlert.findMany({
    where: { videoAvailable: true, videoDownloaded: false },
    select: { alertId: true },
  });
  return rows.map((row) => row.alertId);
}

/** Route 67's counters. */
export async function alertCounters(db: Database): Promise<EcoeyeCounters> {
  const [row] = await db.prisma.$queryRaw<
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
    total_alerts: Number(row?.total ?? 0),
    alerts_with_video: withVideo,
    videos_downloaded: downloaded,
    pending_downloads: withVideo - downloaded,
    last_sync: legacyTimestamp(row?.last_sync ?? null),
  };
}

/** Route 68: newest timestamp first (text order, as the legacy app), and the number of all alerts. */
export async function listAlerts(
  db: Database,
  limit: number,
  offset: number,
): Promise<{ alerts: AlertListItem[]; total: number }> {
  const [rows, total] = await Promise.all([
    db.prisma.ecoeyeAlert.findMany({
      orderBy: [{ timestamp: 'desc' }, { id: 'desc' }],
      take: limit,
      skip: offset,
    }),
    db.prisma.ecoeyeAlert.count(),
  ]);
  const alerts = rows.map((row) => ({
    alert_id: row.alertId,
    camera_id: row.cameraId,
    timestamp: row.timestamp,
    alert_type: row.alertType,
    confidence: row.confidence,
    video_available: legacyFlag(row.videoAvailable),
    video_downloaded: legacyFlag(row.videoDownloaded),
    local_video_path: row.localVideoPath,
    synced_at: legacyTimestamp(row.syncedAt),
  }));
  return { alerts, total };
}

/** Route 69: newest first; `details` is never returned. */
export async function listSyncHistory(db: Database, limit: number): Promise<SyncHistoryRow[]> {
  const rows = await db.prisma.syncHistory.findMany({
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
  return rows.map((row) => ({
    id: row.id,
    sync_type: row.syncType,
    status: row.status,
    started_at: legacyTimestamp(row.startedAt),
    completed_at: legacyTimestamp(row.completedAt),
    items_processed: row.itemsProcessed,
    items_succeeded: row.itemsSucceeded,
    items_failed: row.itemsFailed,
    error_message: row.errorMessage,
  }));
}

/** A videos row of an imported relay event, or null. */
export async function findImportedVideo(db: Database, originalUrl: string): Promise<number | null> {
  const row = await db.prisma.video.findFirst({ where: { originalUrl }, select: { id: true } });
  return row?.id ?? null;
}

/** The videos rows of imported relay events (`ecoeye://<event id>` URLs), oldest first. */
export function importedVideos(db: Database, originalUrls: string[]) {
  return db.prisma.video.findMany({
    where: { originalUrl: { in: originalUrls } },
    select: { id: true, filename: true, originalUrl: true, thumbnailPath: true },
    orderBy: { id: 'asc' },
  });
}
