import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError, unauthorized } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** With API_WRITE_TOKEN set, every mutating request needs `Authorization: Bearer <token>`. */
export function requireWriteToken(token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return (req, _res, next) => {
    if (!expected || SAFE_METHODS.has(req.method)) return next();
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    next(unauthorized('Missing or wrong bearer token (API_WRITE_TOKEN)'));
  };
}

/** Sec-Fetch-Site values of a request the page of this very origin made, or the user typed (`none`). */
const SAME_SITE_FETCH = new Set(['same-origin', 'none']);

/**
 * Refuses writes a page of another origin makes through the browser (a form POST, a "simple" multipart or
 * text/plain fetch needs no preflight), with or without API_WRITE_TOKEN: `Sec-Fetch-Site` when the browser sends it,
 * else `Origin` against this server's host. Requests without either header (curl, the remote training worker,
 * server-to-server calls) are not a browser's and pass.
 */
export function refuseCrossSiteWrites(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const fetchSite = req.get('sec-fetch-site');
    if (fetchSite !== undefined) {
      return next(SAME_SITE_FETCH.has(fetchSite) ? undefined : crossSite(`Sec-Fetch-Site: ${fetchSite}`));
    }
    const origin = req.get('origin');
    if (origin === undefined) return next();
    let originHost: string | undefined;
    try {
      originHost = origin === 'null' ? undefined : new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    // req.host honours X-Forwarded-Host from the one trusted proxy hop, like the legacy ProxyFix
    next(originHost !== undefined && originHost === req.host ? undefined : crossSite(`Origin: ${origin}`));
  };
}

const crossSite = (why: string) => new HttpError(403, `Cross-site write refused (${why})`);
