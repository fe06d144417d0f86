import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the EcoEye alert relay (test helper; listens on 127.0.0.1, port 0). Speaks the sync
 * endpoints (GET /health, /events, /events/<id>, /videos/<path>) and the relay PHP endpoints the /api/ecoeye proxy
 * uses (api-thumbnails.php, api-filters.php, api-tags.php, api/events/<id>/retry). Failures are injectable.
 */
export interface FakeEvent {
  event_id: string;
  camera_id?: string;
  camera_name?: string;
  event_type?: string;
  timestamp?: string;
  status?: string;
  video_path?: string;
  thumbnail?: string;
  [key: string]: unknown;
}

export interface FakeEcoeyeOptions {
  events?: FakeEvent[];
  /** File served for every /videos/<path> request. */
  videoFile?: string;
  /** Every Nth /events request answers 429 (Retry-After: 0). */
  rateLimitEvery?: number;
  /** Every Nth /events request answers 500. */
  failEvery?: number;
  /** /events answers only after this many milliseconds (timeouts). */
  eventsDelayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeEcoeye {
  url: string;
  events: FakeEvent[];
  options: FakeEcoeyeOptions;
  requests: RecordedRequest[];
  /** Statuses answered (once each, in order) before normal handling of any request. */
  nextStatuses: number[];
  /** When set, a video response sends this many bytes and then breaks the connection. */
  abortVideoAfterBytes: number | null;
  /** When set, a video response sends this many bytes and then hangs until the client gives up. */
  stallVideoAfterBytes: number | null;
  tags: { id: number; name: string; color: string; description: string | null; usage_count: number }[];
  counts: { events: number; rateLimited: number; failed: number; videos: number };
  close(): Promise<void>;
}

/** `count` completed events within the last hour; every `1/failureRate`-th one is malformed (bad timestamp). */
export function generateFakeEvents(count: number, options: { failureRate?: number; zone?: boolean } = {}) {
  const failEvery = options.failureRate ? Math.round(1 / options.failureRate) : 0;
  const now = Date.now();
  return Array.from({ length: count }, (_, index): FakeEvent => {
    const at = new Date(now - (index % 3600) * 1000).toISOString();
    const timestamp = options.zone === false ? at.slice(0, 19) : at;
    return {
      event_id: `evt-${String(index).padStart(6, '0')}`,
      camera_id: `cam-${index % 7}`,
      camera_name: `Camera ${index % 7}`,
      event_type: index % 2 ? 'motion' : 'person',
      timestamp: failEvery && index % failEvery === failEvery - 1 ? 'not-a-time' : timestamp,
      status: 'completed',
      video_path: `/var/relay/videos/2026/evt-${index}.mp4`,
    };
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return Buffer.concat(chunks).toString('utf8');
  }
}

export async function startFakeEcoeye(options: FakeEcoeyeOptions = {}): Promise<FakeEcoeye> {
  const fake: Omit<FakeEcoeye, 'url' | 'close'> = {
    events: options.events ?? [],
    options,
    requests: [],
    nextStatuses: [],
    abortVideoAfterBytes: null,
    stallVideoAfterBytes: null,
    tags: [{ id: 1, name: 'reviewed', color: '#00ff00', description: null, usage_count: 0 }],
    counts: { events: 0, rateLimited: 0, failed: 0, videos: 0 },
  };
  let eventRequests = 0;

  const streamVideo = async (res: ServerResponse) => {
    fake.counts.videos += 1;
    if (!options.videoFile) return send(res, 404, { error: 'no video' });
    const size = (await stat(options.videoFile)).size;
    const limit = fake.abortVideoAfterBytes ?? fake.stallVideoAfterBytes;
    res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': String(size) });
    if (limit === null) {
      createReadStream(options.videoFile).pipe(res);
      return;
    }
    const stream = createReadStream(options.videoFile, { start: 0, end: Math.max(0, limit - 1) });
    stream.on('data', (chunk) => res.write(chunk));
    stream.on('end', () => {
      if (fake.abortVideoAfterBytes !== null) res.destroy();
      // stalled: keep the socket open; the client's timeout or abort ends it
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    fake.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers: req.headers,
      body,
    });
    const status = fake.nextStatuses.shift();
    if (status !== undefined) return send(res, status, { error: `injected ${status}` });
    const route = url.pathname.replace(/^\/+/, '');

    if (req.method === 'GET' && route === 'health') {
      return send(res, 200, { status: 'ok', timestamp: new Date().toISOString(), version: '2.1.0' });
    }
    if (req.method === 'GET' && route === 'events') {
      eventRequests += 1;
      fake.counts.events += 1;
      if (options.rateLimitEvery && eventRequests % options.rateLimitEvery === 0) {
        fake.counts.rateLimited += 1;
        return send(res, 429, { error: 'rate limited' }, { 'Retry-After': '0' });
      }
      if (options.failEvery && eventRequests % options.failEvery === 0) {
        fake.counts.failed += 1;
        return send(res, 500, { error: 'injected failure' });
      }
      if (options.eventsDelayMs) await new Promise((resolve) => setTimeout(resolve, options.eventsDelayMs));
      const limit = Number(query.limit ?? 100);
      const offset = Number(query.offset ?? 0);
      const matching = query.status
        ? fake.events.filter((event) => event.status === query.status)
        : fake.events;
      return send(res, 200, { events: matching.slice(offset, offset + limit), total: matching.length });
    }
    const eventMatch = /^events\/([^/]+)$/.exec(route);
    if (req.method === 'GET' && eventMatch) {
      const event = fake.events.find((item) => item.event_id === decodeURIComponent(eventMatch[1]!));
      return event ? send(res, 200, event) : send(res, 404, { error: 'Event not found' });
    }
    if (req.method === 'GET' && route.startsWith('videos/')) return streamVideo(res);

    if (req.method === 'GET' && route === 'api-thumbnails.php') {
      let events = fake.events;
      if (query.event_id) events = events.filter((event) => event.event_id === query.event_id);
      const offset = Number(query.offset ?? 0);
      const page = events.slice(offset, offset + Number(query.limit ?? 50));
      return send(res, 200, { success: true, total: events.length, events: page });
    }
    if (req.method === 'GET' && route === 'api-filters.php') {
      if (query.type === 'cameras') {
        return send(res, 200, { success: true, cameras: [{ id: 'cam-0', name: 'Camera 0' }] });
      }
      if (query.type === 'sites') return send(res, 200, { success: true, sites: [{ id: 1, name: 'Dock' }] });
      return send(res, 200, { success: false, error: 'unknown type' });
    }
    if (route === 'api-tags.php') {
      if (req.method === 'GET') return send(res, 200, { success: true, tags: fake.tags, query });
      if (req.method === 'DELETE') {
        const before = fake.tags.length;
        fake.tags = fake.tags.filter((tag) => tag.id !== Number(query.tag_id));
        return send(res, before === fake.tags.length ? 404 : 200, { success: before !== fake.tags.length });
      }
      if (req.method === 'POST' && query.action)
        return send(res, 200, { success: true, action: query.action, body });
      if (req.method === 'POST') {
        const input = body as { name?: string; color?: string };
        const tag = {
          id: fake.tags.reduce((max, item) => Math.max(max, item.id), 0) + 1,
          name: input.name ?? '',
          color: input.color ?? '#888888',
          description: null,
          usage_count: 0,
        };
        fake.tags.push(tag);
        return send(res, 200, { success: true, tag });
      }
    }
    const retryMatch = /^api\/events\/([^/]+)\/retry$/.exec(route);
    if (req.method === 'POST' && retryMatch) {
      const known = fake.events.some((event) => event.event_id === decodeURIComponent(retryMatch[1]!));
      return known ? send(res, 200, { success: true }) : send(res, 404, { success: false });
    }
    return send(res, 404, { error: 'Not found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, { error: error.message });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
