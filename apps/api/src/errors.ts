import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { DomainError } from '@groundtruth/domain';

/** An error whose message is safe to show the client, with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, extra?: Record<string, unknown>) =>
  new HttpError(400, message, extra);
export const unauthorized = (message = 'Unauthorized') => new HttpError(401, message);
export const notFound = (message = 'Not found') => new HttpError(404, message);
export const conflict = (message: string) => new HttpError(409, message);

/** `field.path: message; …` — prefixed with where the value came from (`body`, `query`, …) when given. */
export function describeZodError(error: ZodError, where?: string): string {
  return error.issues
    .map((issue) => {
      const path = where === undefined ? issue.path : [where, ...issue.path];
      return path.length ? `${path.join('.')}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Prisma request errors a client's value causes (too long, wrong type, out of range, a missing required value). */
const PRISMA_INVALID_VALUE = new Set([
  'P2000',
  'P2005',
  'P2006',
  'P2007',
  'P2011',
  'P2012',
  'P2019',
  'P2020',
  'P2033',
]);

/** Prisma's known request errors carry a code; map the ones a client can cause. */
function prismaStatus(error: unknown): HttpError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^P\d{4}$/.test(code)) return undefined;
  if (code === 'P2025') return notFound('Not found');
  if (code === 'P2002') return conflict('Already exists');
  if (code === 'P2003') return badRequest('Referenced record does not exist');
  if (PRISMA_INVALID_VALUE.has(code)) return badRequest('Invalid value');
  return undefined;
}

/** Prisma refuses a number its column type cannot hold before any SQL runs (1e308 for an INTEGER column). */
function prismaOutOfRange(error: unknown): HttpError | undefined {
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name !== 'PrismaClientValidationError' || typeof message !== 'string') return undefined;
  const field = /Unable to fit value \S+ into a .* for field `(\w+)`/.exec(message)?.[1];
  return field ? badRequest(`Invalid value: out of range for ${field}`) : undefined;
}

type ErrorLike = {
  code?: unknown;
  severity?: unknown;
  originalCode?: unknown;
  cause?: unknown;
  meta?: unknown;
  driverAdapterError?: unknown;
};

/**
 * The PostgreSQL SQLSTATE behind an error: node-postgres's own error (`code` with a `severity`), or one carried by
 * Prisma's driver adapter (`originalCode`, under `cause` / `meta.driverAdapterError`).
 */
export function sqlState(error: unknown): string | undefined {
  let current = error as ErrorLike | undefined;
  for (let hops = 0; current && typeof current === 'object' && hops < 6; hops++) {
    if (typeof current.originalCode === 'string') return current.originalCode;
    if (typeof current.code === 'string' && typeof current.severity === 'string') return current.code;
    const meta = current.meta as ErrorLike | undefined;
    current = (current.driverAdapterError ?? meta?.driverAdapterError ?? current.cause) as
      ErrorLike | undefined;
  }
  return undefined;
}

/**
 * SQLSTATEs a client's input causes: class 22 (data exception: NUL or bytes the encoding cannot take 22021/22P05,
 * out of range 22003, bad text representation 22P02, too long 22001, …), 54000 (an index row too large), and the
 * integrity violations (23502 not null, 23503 foreign key, 23514 check; 23505 unique is a conflict).
 */
function postgresStatus(error: unknown): HttpError | undefined {
  const state = sqlState(error);
  if (!state) return undefined;
  if (state.startsWith('22')) return badRequest(`Invalid value (SQLSTATE ${state})`);
  if (state === '54000') return badRequest('Value too long (SQLSTATE 54000)');
  if (state === '23503') return badRequest('Referenced record does not exist');
  if (state === '23505') return conflict('Already exists');
  if (state === '23502' || state === '23514') return badRequest(`Invalid value (SQLSTATE ${state})`);
  return undefined;
}

/** The one mapping of the domain's error taxonomy to HTTP. */
const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  'invalid-input': 400,
  // The legacy app answered "credentials not configured" with 400.
  'not-configured': 400,
  'not-found': 404,
  conflict: 409,
  'tool-missing': 503,
  unavailable: 503,
  // The legacy relay proxy answered 500 with the reason when the relay failed.
  upstream: 500,
};

/** The legacy envelope for every error: `{ success: false, error }`, JSON, never HTML. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError)
    return new HttpError(DOMAIN_STATUS[error.kind], error.message, error.details);
  if (error instanceof ZodError) return badRequest(describeZodError(error));
  const status = (error as { status?: unknown; type?: unknown }).status;
  // body-parser errors: malformed JSON (400), too large (413), unsupported charset (415)
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, (error as Error).message || 'Bad request');
  }
  return (
    postgresStatus(error) ??
    prismaStatus(error) ??
    prismaOutOfRange(error) ??
    new HttpError(500, 'Internal server error')
  );
}

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const httpError = toHttpError(error);
  if (httpError.status >= 500) req.log?.error({ err: error }, 'request failed');
  if (res.headersSent) return;
  res.status(httpError.status).json({ success: false, error: httpError.message, ...httpError.extra });
};

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ success: false, error: `Not found: ${req.method} ${req.path}` });
};
