import { ingestDirs } from '../ingest/files';
import type { DomainDeps } from '../shared/deps';
import { InvalidInputError } from '../shared/errors';
import {
  enrichRelayEvents,
  importRelayEvent,
  RelayError,
  relayRequest,
  type RelayOptions,
  type RelayRequestInit,
} from './relay';
import {
  relayEventFilters,
  type ImportEventAnswer,
  type RelayEventsQuery,
  type RelayFilterKind,
  type RelayTagChange,
} from './schemas';

const EVENT_FILTERS = relayEventFilters.keyof().options;

function requireEventId(eventId: string | number | null | undefined): string {
  if (eventId === undefined || eventId === null || eventId === '')
    throw new InvalidInputError('event_id required');
  return String(eventId);
}

/**
 * The EcoEye relay proxy (api.md §4.4): the relay's PHP endpoints with the `X-API-KEY` of ECOEYE_API_KEY, bodies
 * passed through. A relay that fails or answers garbage is a RelayError (500 with the reason, as the legacy proxy).
 */
export class EcoeyeRelayService {
  private readonly relay: RelayOptions;

  constructor(private readonly deps: Pick<DomainDeps, 'config' | 'db' | 'media'>) {
    this.relay = { baseUrl: deps.config.ECOEYE_BASE_URL, apiKey: deps.config.ECOEYE_API_KEY };
  }

  /** Route 52: events with thumbnails (limit and offset always forwarded), marked when already imported. */
  async events(query: RelayEventsQuery): Promise<unknown> {
    const forwarded: Record<string, string | undefined> = { limit: query.limit, offset: query.offset };
    for (const key of EVENT_FILTERS) if (query[key]) forwarded[key] = query[key];
    const answer = await relayRequest(this.relay, 'api-thumbnails.php', { query: forwarded });
    return enrichRelayEvents(this.deps.db, answer.body);
  }

  /** Route 53: imports one event as its video or as a metadata-only placeholder. */
  importEvent(
    eventId: string | number | null | undefined,
    includeVideo: boolean,
  ): Promise<ImportEventAnswer> {
    const id = requireEventId(eventId);
    return importRelayEvent(this.deps.db, this.relay, ingestDirs(this.deps), id, includeVideo);
  }

  /** Route 54: asks the relay to fetch an event video again; false when the relay has no such endpoint (404). */
  async requestDownload(eventId: string | number | null | undefined): Promise<boolean> {
    const id = requireEventId(eventId);
    const answer = await relayRequest(this.relay, `api/events/${encodeURIComponent(id)}/retry`, {
      method: 'POST',
    });
    if (answer.status === 200) return true;
    if (answer.status === 404) return false;
    throw new RelayError(`Relay returned status ${answer.status}`);
  }

  /** Routes 55–56: the relay's cameras or sites (filter values). */
  async filterValues(kind: RelayFilterKind): Promise<unknown> {
    const answer = await relayRequest(this.relay, 'api-filters.php', {
      query: { type: kind },
      timeoutMs: 15_000,
    });
    const body = answer.body as Record<string, unknown> | null;
    if (!body?.success) throw new RelayError(`Failed to fetch ${kind}`);
    return body[kind] ?? [];
  }

  /** Route 57. */
  tags(query: { event_id?: string | undefined; event_ids?: string | undefined }): Promise<unknown> {
    return this.tagsEndpoint({ query: { ...query } });
  }

  /** Route 58. */
  createTag(tag: Record<string, unknown>): Promise<unknown> {
    return this.tagsEndpoint({ method: 'POST', body: tag });
  }

  /** Route 59. */
  deleteTag(tagId: number): Promise<unknown> {
    return this.tagsEndpoint({ method: 'DELETE', query: { tag_id: String(tagId) } });
  }

  /** Routes 60–61: assigns or removes relay-side tags on events. */
  changeTags(action: 'assign' | 'remove', change: RelayTagChange): Promise<unknown> {
    return this.tagsEndpoint({ method: 'POST', query: { action }, body: change });
  }

  /** The relay-side tags endpoint: its JSON answer passed through whatever its status. */
  private async tagsEndpoint(init: RelayRequestInit): Promise<unknown> {
    return (await relayRequest(this.relay, 'api-tags.php', init)).body;
  }
}
