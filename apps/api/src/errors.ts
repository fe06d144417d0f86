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

/** Prisma's known request errors carry a code; map the ones a client can cause. */
function prismaStatus(error: unknown): HttpError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^P\d{4}$/.test(code)) return undefined;
  if (code === 'P2025') return notFound('Not found');
  if (code === 'P2002') return conflict('Already exists');
  if (code === 'P2003') return badRequest('Referenced record does not exist');
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
  return prismaStatus(error) ?? new HttpError(500, 'Internal server error');
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
