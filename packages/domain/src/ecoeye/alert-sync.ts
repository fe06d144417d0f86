import type { z } from 'zod';
import type { Database } from '@groundtruth/db';
import type { EcoeyeClient } from './client';
import { finishHistory, startHistory, upsertAlerts, type AlertRow } from './queries';
import { parseRelayTimestamp, relayEventSchema } from './schemas';

/** The EcoEye alert sync (api.md §4.5 route 65, jobs.md "EcoEye alert sync"). */

export interface AlertSyncOptions {
  start?: Date | undefined;
  end?: Date | undefined;
  pageSize?: number | undefined;
  /** Safety stop for a relay that never returns a short page. */
  maxPages?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { pages: number; processed: number }) => Promise<void> | void;
}

/** One sync run, as `sync_history.details` records it. */
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

/**
 * Pages through GET /events (offset pagination until a short page), keeps events whose timestamp falls in the
 * window (default: the last 24 h), and upserts them by alert_id. A malformed event is counted as failed and never
 * stops the others; a batch the database rejects is retried row by row. Records the run in sync_history.
 */
export async function syncEcoeyeAlerts(
  db: Database,
  client: EcoeyeClient,
  options: AlertSyncOptions = {},
): Promise<AlertSyncResult> {
  const end = options.end;
  const start = options.start ?? new Date((end ?? new Date()).getTime() - 24 * 3600 * 1000);
  const pageSize = options.pageSize ?? 500;
  const maxPages = options.maxPages ?? 10_000;
  const historyId = await startHistory(db, 'ecoeye_alerts');
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
            `event ${id === undefined ? `#${offset + index}` : JSON.stringify(id)}: ${parsed.error.issues
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
        counts.inserted += await upsertAlerts(db, rows);
        counts.succeeded += rows.length;
      } catch {
        for (const row of rows) {
          try {
            counts.inserted += await upsertAlerts(db, [row]);
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
    start_time: pythonNaiveIsoformat(start),
    end_time: end ? pythonNaiveIsoformat(end) : 'now',
    errors,
    ...(fatal !== undefined ? { error: fatal } : {}),
  };
  await finishHistory(db, historyId, {
    status: fatal === undefined ? 'completed' : 'failed',
    processed: counts.processed,
    succeeded: counts.succeeded,
    failed: counts.failed,
    error: fatal ?? (errors.length ? `${counts.failed} alert(s) failed: ${errors[0]}` : undefined),
    details: result,
  });
  return result;
}

/**
 * The window bounds as the legacy route answered them (api.md §1.6, route 65): Python's naive `isoformat()`, UTC
 * wall-clock (the server's local time was UTC), microseconds when there are any, no zone: `2026-01-20T01:50:58.123000`.
 */
export function pythonNaiveIsoformat(date: Date): string {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const milliseconds = iso.slice(20, 23);
  return milliseconds === '000' ? iso.slice(0, 19) : `${iso.slice(0, 19)}.${milliseconds}000`;
}
