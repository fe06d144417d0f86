import { setTimeout as sleep } from 'node:timers/promises';

/**
 * HTTP client of the EcoEye alert relay's sync endpoints (jobs.md "EcoEye alert sync"): GET /health,
 * GET /events?limit&offset&status, GET /events/<id>, GET /videos/<path>. Retries network errors, timeouts, 5xx and
 * 429 (honouring Retry-After) with exponential back-off; other 4xx fail at once.
 */
export interface EcoeyeClientOptions {
  baseUrl: string;
  /** Sent as `X-API-Key` when set. */
  apiKey?: string | null;
  /** Per request (headers for downloads; the body then streams without this limit). */
  timeoutMs?: number;
  maxAttempts?: number;
  /** First back-off; doubles per attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  signal?: AbortSignal;
}

export class EcoeyeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'EcoeyeHttpError';
  }
}

export interface EcoeyeEventsPage {
  events: unknown[];
}

export class EcoeyeClient {
  readonly baseUrl: string;
  private readonly options: Required<Omit<EcoeyeClientOptions, 'apiKey' | 'signal'>> &
    Pick<EcoeyeClientOptions, 'apiKey' | 'signal'>;
  /** 429 answers seen (for reports and tests). */
  rateLimited = 0;
  retries = 0;

  constructor(options: EcoeyeClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.options = {
      timeoutMs: 30_000,
      maxAttempts: 5,
      backoffMs: 1_000,
      maxBackoffMs: 30_000,
      ...options,
    };
  }

  url(pathAndQuery: string): string {
    return `${this.baseUrl}/${pathAndQuery.replace(/^\/+/, '')}`;
  }

  /** One GET with retries; resolves with an OK response whose body is not consumed yet. */
  async get(pathAndQuery: string, signal?: AbortSignal): Promise<Response> {
    const { maxAttempts, timeoutMs, backoffMs, maxBackoffMs, apiKey } = this.options;
    const outer = signal ?? this.options.signal;
    let lastError: Error = new Error('no attempt made');
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      outer?.throwIfAborted();
      const timeout = AbortSignal.timeout(timeoutMs);
      let waitMs = Math.min(backoffMs * 2 ** (attempt - 1), maxBackoffMs);
      try {
        const response = await fetch(this.url(pathAndQuery), {
          headers: {
            'User-Agent': 'GroundtruthStudio/1.0',
            Accept: 'application/json',
            ...(apiKey ? { 'X-API-Key': apiKey } : {}),
          },
          signal: outer ? AbortSignal.any([outer, timeout]) : timeout,
        });
        if (response.ok) return response;
        await response.body?.cancel();
        lastError = new EcoeyeHttpError(response.status, `EcoEye relay returned HTTP ${response.status}`);
        if (response.status === 429) {
          this.rateLimited += 1;
          const retryAfter = Number(response.headers.get('retry-after'));
          if (Number.isFinite(retryAfter) && retryAfter >= 0)
            waitMs = Math.min(retryAfter * 1000, maxBackoffMs);
        } else if (response.status < 500) {
          throw lastError;
        }
      } catch (error) {
        if (error instanceof EcoeyeHttpError && error.status < 500 && error.status !== 429) throw error;
        if (outer?.aborted) throw outer.reason ?? error;
        if (!(error instanceof EcoeyeHttpError)) {
          lastError = timeout.aborted
            ? new Error(`EcoEye relay did not answer within ${timeoutMs} ms`)
            : new Error(`EcoEye relay unreachable: ${(error as Error).message}`);
        }
      }
      if (attempt < maxAttempts) {
        this.retries += 1;
        await sleep(waitMs, undefined, outer ? { signal: outer } : undefined);
      }
    }
    throw lastError;
  }

  async getJson<T>(pathAndQuery: string, signal?: AbortSignal): Promise<T> {
    const response = await this.get(pathAndQuery, signal);
    try {
      return (await response.json()) as T;
    } catch {
      throw new Error(`EcoEye relay sent invalid JSON for ${pathAndQuery.split('?')[0]}`);
    }
  }

  health(): Promise<Record<string, unknown>> {
    return this.getJson('health');
  }

  async listEvents(
    query: { limit: number; offset: number; status?: string },
    signal?: AbortSignal,
  ): Promise<unknown[]> {
    const params = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
    if (query.status) params.set('status', query.status);
    const body = await this.getJson<EcoeyeEventsPage>(`events?${params.toString()}`, signal);
    if (!body || !Array.isArray(body.events)) throw new Error('EcoEye relay sent no "events" list');
    return body.events;
  }

  async getEvent(eventId: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const body = await this.getJson<Record<string, unknown>>(`events/${encodeURIComponent(eventId)}`, signal);
    const event = (body as { event?: unknown }).event;
    return event && typeof event === 'object' ? (event as Record<string, unknown>) : body;
  }

  /** GET /videos/<relative path>: the response whose body streams the file. */
  video(relativePath: string, signal?: AbortSignal): Promise<Response> {
    const encoded = relativePath
      .split('/')
      .filter(Boolean)
      .map((part) => encodeURIComponent(part))
      .join('/');
    return this.get(`videos/${encoded}`, signal);
  }
}

/**
 * The one way to build a client of the relay's sync endpoints: `apiKey` (the stored EcoEye key, or the relay
 * proxy's ECOEYE_API_KEY) is sent as `X-API-Key`; `options` tune timeouts and back-off.
 */
export function createEcoeyeClient(
  baseUrl: string,
  credentials: { apiKey: string | null | undefined } | null,
  options: Partial<EcoeyeClientOptions> = {},
): EcoeyeClient {
  return new EcoeyeClient({ baseUrl, apiKey: credentials?.apiKey ?? null, ...options });
}

/** The download path of a relay `video_path`: the part after `/videos/`, or the whole value. */
export function relayVideoPath(videoPath: string): string {
  const marker = videoPath.indexOf('/videos/');
  return (marker >= 0 ? videoPath.slice(marker + '/videos/'.length) : videoPath).replace(/^\/+/, '');
}
