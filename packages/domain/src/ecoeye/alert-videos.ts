import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '@groundtruth/db';
import { describeStoredVideo, secureFilename, streamToFile, type IngestDirs } from '../ingest/files';
import { relayVideoPath, type EcoeyeClient } from './client';
import {
  findAlert,
  finishHistory,
  pendingVideoAlerts,
  recordAlertDownload,
  startHistory,
  videoIdByFilename,
} from './queries';
import type { AlertVideoResult, DownloadVideosAnswer } from './schemas';

/** Alert video downloads (api.md §4.5 route 66, jobs.md "EcoEye alert sync"): each registered as a video, once. */

export type AlertVideoDirs = Pick<IngestDirs, 'downloadsDir' | 'thumbnailsDir' | 'media'>;

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
  db: Database,
  client: EcoeyeClient,
  alertId: string,
  dirs: AlertVideoDirs,
  signal?: AbortSignal,
): Promise<AlertVideoResult> {
  const alert = await findAlert(db, alertId);
  if (!alert) return { alert_id: alertId, status: 'failed', error: `Alert ${alertId} not found` };
  try {
    if (alert.videoDownloaded && alert.localVideoPath) {
      const existing = await videoIdByFilename(db, path.basename(alert.localVideoPath));
      if (existing !== null) {
        return {
          alert_id: alertId,
          status: 'success',
          path: alert.localVideoPath,
          video_id: existing,
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
    const video = {
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
    };
    const videoId = await recordAlertDownload(db, alertId, video, target);
    return { alert_id: alertId, status: 'success', path: target, video_id: videoId, already: false };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { alert_id: alertId, status: 'failed', error: (error as Error).message };
  }
}

/** Route 66: downloads up to `limit` pending videos one by one, recorded as an `ecoeye_videos` sync run. */
export async function downloadPendingVideos(
  db: Database,
  client: EcoeyeClient,
  limit: number,
  dirs: AlertVideoDirs,
  signal?: AbortSignal,
): Promise<DownloadVideosAnswer> {
  const historyId = await startHistory(db, 'ecoeye_videos');
  const pending = await pendingVideoAlerts(db, limit);
  const results: AlertVideoResult[] = [];
  for (const alertId of pending) results.push(await downloadAlertVideo(db, client, alertId, dirs, signal));
  const downloaded = results.filter((result) => result.status === 'success').length;
  const failed = results.length - downloaded;
  const firstError = results.find((result) => result.status === 'failed');
  const response: DownloadVideosAnswer = {
    success: true,
    total_pending: pending.length,
    downloaded,
    failed,
    results: results.map((result) =>
      result.status === 'success'
        ? { alert_id: result.alert_id, status: result.status, path: result.path, video_id: result.video_id }
        : result,
    ),
  };
  await finishHistory(db, historyId, {
    status: 'completed',
    processed: results.length,
    succeeded: downloaded,
    failed,
    error: firstError && firstError.status === 'failed' ? firstError.error : undefined,
    details: response,
  });
  return response;
}
