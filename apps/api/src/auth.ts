import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { unauthorized } from './errors';

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
