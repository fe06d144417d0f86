import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '@groundtruth/db';
import { describeStoredVideo, secureFilename, streamToFile, type IngestDirs } from '../ingest/files';
import { registerVideo } from '../ingest/queries';
import { NotFoundError, UpstreamError } from '../shared/errors';
import { createEcoeyeClient, relayVideoPath } from './client';
import { jsonValueText } from '../shared/legacy-format';
import { findImportedVideo, importedVideos } from './queries';
import type { ImportEventAnswer } from './schemas';

/**
 * The EcoEye relay proxy behind /api/ecoeye/* (api.md §4.4): PHP endpoints of the relay called with the
 * `X-API-KEY` header from ECOEYE_API_KEY, bodies passed through.
 */
export interface RelayOptions {
  baseUrl: string;
  apiKey: string | undefined;
}

/** The relay failed or answered something unreadable (the legacy proxy's 500 with the reason). */
export class RelayError extends UpstreamError {}

export interface RelayAnswer {
  status: number;
  body: unknown;
}

export interface RelayRequestInit {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, string | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs?: number;
}

/** One call of a relay endpoint: its status and JSON body (null when empty); a RelayError when it fails. */
export async function relayRequest(
  relay: RelayOptions,
  endpoint: string,
  init: RelayRequestInit = {},
): Promise<RelayAnswer> {
  const url = new URL(`${relay.baseUrl.replace(/\/+$/, '')}/${endpoint}`);
  for (const [key, value] of Object.entries(init.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        ...(relay.apiKey ? { 'X-API-KEY': relay.apiKey } : {}),
        ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message;
    throw new RelayError(`EcoEye relay request failed: ${reason}`);
  }
  const text = await response.text();
  if (text === '') return { status: response.status, body: null };
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new RelayError(`EcoEye relay sent a non-JSON answer (HTTP ${response.status})`);
  }
}

interface RelayEvent {
  event_id?: unknown;
  camera_name?: unknown;
  event_type?: unknown;
  alarm_name?: unknown;
  site_name?: unknown;
  timestamp?: unknown;
  status?: unknown;
  thumbnail?: unknown;
  video_path?: unknown;
  [key: string]: unknown;
}

const text = (value: unknown): string | undefined =>
  value === null || value === undefined || value === '' ? undefined : jsonValueText(value);

/**
 * Route 52 enrichment: marks events already in the studio (a videos row whose original_url is
 * `ecoeye://<event_id>`), with links to the local file and thumbnail.
 */
export async function enrichRelayEvents(db: Database, body: unknown): Promise<unknown> {
  const payload = body as { success?: unknown; events?: unknown } | null;
  if (!payload || !payload.success || !Array.isArray(payload.events) || payload.events.length === 0)
    return body;
  const events = payload.events as RelayEvent[];
  const videos = await importedVideos(
    db,
    events.map((event) => `ecoeye://${String(event.event_id)}`),
  );
  // Prefer a real file over a metadata-only placeholder of the same event.
  const byUrl = new Map<string, (typeof videos)[number]>();
  for (const video of videos) {
    const known = byUrl.get(video.originalUrl!);
    if (!known || known.filename.endsWith('.placeholder')) byUrl.set(video.originalUrl!, video);
  }
  return {
    ...payload,
    events: events.map((event) => {
      const video = byUrl.get(`ecoeye://${String(event.event_id)}`);
      if (!video)
        return { ...event, imported_to_studio: false, local_video_id: null, has_local_video: false };
      const hasFile = !video.filename.endsWith('.placeholder');
      return {
        ...event,
        imported_to_studio: true,
        local_video_id: video.id,
        has_local_video: hasFile,
        ...(hasFile ? { local_video_path: `/downloads/${video.filename}` } : {}),
        ...(video.thumbnailPath
          ? { local_thumbnail: `/thumbnails/${path.basename(video.thumbnailPath)}` }
          : {}),
      };
    }),
  };
}

async function findRelayEvent(relay: RelayOptions, eventId: string): Promise<RelayEvent | null> {
  const direct = await relayRequest(relay, 'api-thumbnails.php', { query: { event_id: eventId } });
  const directEvents = (direct.body as { events?: RelayEvent[] } | null)?.events ?? [];
  // Exact id match only (§9 #33: the legacy app trusted the first event returned).
  const found = directEvents.find((event) => String(event.event_id) === eventId);
  if (found) return found;
  const all = await relayRequest(relay, 'api-thumbnails.php', {
    query: { limit: '2000' },
    timeoutMs: 60_000,
  });
  const allEvents = (all.body as { events?: RelayEvent[] } | null)?.events ?? [];
  return allEvents.find((event) => String(event.event_id) === eventId) ?? null;
}

/**
 * Route 53: imports one relay event into the studio, as its video (downloaded, probed, thumbnailed — §9 #4) or as
 * a metadata-only placeholder row. Already-imported events (exact `ecoeye://<id>` match) are reported, not doubled;
 * an event the relay does not know is a NotFoundError.
 */
export async function importRelayEvent(
  db: Database,
  relay: RelayOptions,
  dirs: IngestDirs,
  eventId: string,
  includeVideo: boolean,
): Promise<ImportEventAnswer> {
  const originalUrl = `ecoeye://${eventId}`;
  const existing = await findImportedVideo(db, originalUrl);
  if (existing !== null) {
    return { success: true, record_id: existing, message: 'Event already imported', already_imported: true };
  }
  const event = await findRelayEvent(relay, eventId);
  if (!event) throw new NotFoundError(`Event not found: ${eventId}`);
  const notes = [
    `EcoEye event: ${eventId}`,
    `Camera: ${text(event.camera_name) ?? 'Unknown'}`,
    `Type: ${text(event.event_type) ?? 'unknown'}`,
    `Time: ${text(event.timestamp) ?? 'unknown'}`,
    ...(text(event.alarm_name) ? [`Alarm: ${text(event.alarm_name)}`] : []),
    ...(text(event.site_name) ? [`Site: ${text(event.site_name)}`] : []),
    `Status: ${text(event.status) ?? 'unknown'}`,
  ].join('\n');
  const safeId = secureFilename(eventId) || 'event';
  const videoPath = text(event.video_path);
  if (includeVideo && videoPath) {
    const client = createEcoeyeClient(relay.baseUrl, { apiKey: relay.apiKey }, { maxAttempts: 3 });
    const relative = relayVideoPath(videoPath);
    const filename = `ecoeye_${safeId}_${secureFilename(path.basename(relative)) || 'video.mp4'}`;
    const target = path.resolve(dirs.downloadsDir, filename);
    const response = await client.video(relative);
    if (!response.body) throw new RelayError('EcoEye relay sent an empty video body');
    await streamToFile(response.body, target);
    const videoId = await registerVideo(db, {
      filename,
      originalUrl,
      title: `${text(event.camera_name) ?? 'Unknown'} - ${text(event.event_type) ?? 'event'}`,
      notes,
      ...(await describeStoredVideo(target, dirs)),
    });
    return { success: true, video_id: videoId, message: 'Video imported successfully' };
  }
  let thumbnailPath: string | null = null;
  const thumbnail = text(event.thumbnail);
  if (thumbnail) {
    const data = thumbnail.startsWith('data:image') ? thumbnail.slice(thumbnail.indexOf(',') + 1) : thumbnail;
    const dir = path.resolve(dirs.thumbnailsDir);
    await mkdir(dir, { recursive: true });
    thumbnailPath = path.join(dir, `ecoeye_${safeId}_${randomBytes(4).toString('hex')}.jpg`);
    await writeFile(thumbnailPath, Buffer.from(data, 'base64'));
  }
  const recordId = await registerVideo(db, {
    filename: `ecoeye_metadata_${safeId}.placeholder`,
    originalUrl,
    title: `[No Video] ${text(event.camera_name) ?? 'Unknown'} - ${text(event.event_type) ?? 'event'}`,
    notes: `${notes}\n\n[Metadata only - no video file]`,
    metadata: { duration: null, width: null, height: null, fps: null, fileSize: null },
    thumbnailPath,
  });
  return { success: true, record_id: recordId, message: 'Metadata imported successfully (no video)' };
}
