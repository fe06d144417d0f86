import type { Request } from 'express';
import { z, ZodError } from 'zod';
import { badRequest } from './errors';

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(
    result.error.issues.map((issue) => `${[where, ...issue.path].join('.')}: ${issue.message}`).join('; '),
  );
}

/** Validated request parts; each throws a 400 naming the offending field. */
export const body = <T extends z.ZodType>(req: Request, schema: T) => {
  if (req.body === undefined && !req.is('application/json'))
    throw badRequest('body: expected application/json');
  return parse(schema, req.body, 'body');
};
export const query = <T extends z.ZodType>(req: Request, schema: T) => parse(schema, req.query, 'query');
export const params = <T extends z.ZodType>(req: Request, schema: T) => parse(schema, req.params, 'params');

/** Path ids are non-negative integers (the legacy `<int:…>` converter). */
export const idParam = z.coerce.number().int().min(0).max(2_147_483_647);

export { ZodError };
