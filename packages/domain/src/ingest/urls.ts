import { createHash } from 'node:crypto';

/** URL identity of downloads: the legacy duplicate key and the job id derived from it. */

const TRACKING_PARAMS = new Set([
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'fbclid',
  'gclid',
  'msclkid',
  '_ga',
  'mc_cid',
  'mc_eid',
  'ref',
  'referrer',
  'source',
  'campaign',
]);

/**
 * The legacy duplicate key of a URL: tracking parameters and fragment dropped, youtube.com reduced to `v`,
 * youtu.be/<id> → youtube.com/watch?v=<id>, lower-cased. Unlike the legacy app, both YouTube forms are
 * lower-cased alike, so they match each other (api.md §9 #31).
 */
export function normalizeVideoUrl(input: string): string {
  const raw = /^[a-z][a-z0-9+.-]*:\/\//i.test(input.trim()) ? input.trim() : `https://${input.trim()}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return input.trim().toLowerCase();
  }
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  if (host === 'youtu.be') {
    const id = url.pathname.slice(1).split('/')[0] ?? '';
    return `https://www.youtube.com/watch?v=${id}`.toLowerCase();
  }
  url.hash = '';
  if (host.endsWith('youtube.com')) {
    const v = url.searchParams.get('v');
    url.search = v ? `?v=${encodeURIComponent(v)}` : '';
  } else {
    for (const key of [...url.searchParams.keys()]) {
      if (TRACKING_PARAMS.has(key.toLowerCase())) url.searchParams.delete(key);
    }
  }
  return url.toString().toLowerCase();
}

/** BullMQ-safe deterministic id of a URL download: the same normalised URL is one job. */
export function urlDownloadJobId(normalizedUrl: string): string {
  return `url-${createHash('sha256').update(normalizedUrl).digest('hex').slice(0, 32)}`;
}
