import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { findUnsafeInput } from '@groundtruth/domain';
import { badRequest, describeZodError, HttpError, notFound } from './errors';

type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** Express path, e.g. `/api/videos/:videoId` */
  path: string;
  summary: string;
  /** OpenAPI tag (the area of the API) */
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Shape of the 200 answer, for the OpenAPI document. */
  response?: z.ZodType;
  /**
   * The contract's error text for a query or body that does not fit (api.md: "Tag required", "Missing required
   * fields", …): the 400's message starts with it, the field details follow. Per field (`{ annotation_type:
   * 'Invalid annotation_type' }`) when the contract names the text of one field only.
   */
  invalid?: string | Record<string, string>;
  /**
   * A body the handler reads itself (optional, or not JSON): documented in OpenAPI, not validated up front.
   * `schema` describes the fields (a multipart file as `z.string().meta({ format: 'binary' })`).
   */
  documentedBody?: { contentType: 'application/json' | 'multipart/form-data'; schema: z.ZodType };
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

/**
 * Parses one part of a request; a 400 naming the field (`body.limit: …`) when it does not fit. Text PostgreSQL
 * cannot store (NUL, lone surrogates) and nesting deeper than MAX_JSON_DEPTH are refused first, on every field.
 */
export function validate<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const unsafe = findUnsafeInput(value, where);
  if (unsafe) throw badRequest(unsafe);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(describeZodError(result.error, where));
}

/** A path parameter like Flask's `<int:…>`: it takes digits and refuses letters. */
const isIntParam = (field: z.ZodType) => field.safeParse('1').success && !field.safeParse('a').success;

/**
 * Path parameters as Flask's converters matched them: an int parameter that does not fit (`/api/videos/abc`, `-1`,
 * out of int32) means no such route, so 404 (api.md §1.2), still naming the parameter; other misfits answer 400.
 */
function validateParams<T extends z.ZodType>(schema: T, value: Record<string, unknown>): z.output<T> {
  try {
    return validate(schema, value, 'params');
  } catch (error) {
    const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
    const intMisfit = Object.entries(shape).some(
      ([key, field]) => isIntParam(field) && !field.safeParse(value[key]).success,
    );
    if (error instanceof HttpError && intMisfit) throw notFound(`Not found: ${error.message}`);
    throw error;
  }
}

/** The contract text for this 400 message: the route's, or that of the first field named (`body.<field>: …`). */
function contractText(invalid: RouteSpec['invalid'], message: string): string | undefined {
  if (typeof invalid !== 'object') return invalid;
  const field = /^(?:body|query)\.([^.:]+)/.exec(message)?.[1];
  return field === undefined ? undefined : invalid[field];
}

/** Runs `parse`; a 400 it throws leads with the route's contract text (`Tag required: body.tag: …`). */
function withContractText<T>(invalid: RouteSpec['invalid'], parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 400) throw error;
    const text = contractText(invalid, error.message);
    if (!text || error.message.startsWith(text)) throw error;
    // `body.tag: Tag required` → `Tag required: body.tag`
    throw new HttpError(400, `${text}: ${error.message.replaceAll(`: ${text}`, '')}`, error.extra);
  }
}

/** Flask's JSON accessor refused any other Content-Type with 415 (api.md §1.3). */
function unsupportedMediaType(req: Request): HttpError {
  const given = req.get('content-type');
  return new HttpError(
    415,
    `Unsupported Media Type: expected Content-Type: application/json${given ? `, got ${given}` : ''}`,
  );
}

/**
 * App setting: when on (everywhere but production), every answer is parsed through its route's declared response
 * schema, so the OpenAPI document cannot drift from the answers unnoticed.
 */
export const CHECK_RESPONSES = 'check responses';

/** `app.locals` key of every declared route (the OpenAPI document, tests that walk the declarations). */
export const ROUTE_SPECS = 'routeSpecs';

function checkResponse(spec: RouteSpec, result: unknown): void {
  const checked = spec.response!.safeParse(result);
  if (!checked.success) {
    throw new Error(
      `${spec.method.toUpperCase()} ${spec.path} answered outside its response schema: ${describeZodError(checked.error)}`,
    );
  }
}

/**
 * Routes are declared once: the zod schemas validate the request (400 naming the field) and feed the OpenAPI
 * document. A handler returns the JSON body (sent with 200) or takes over `res` itself and returns undefined.
 */
export class ApiRouter {
  readonly router = Router();
  readonly specs: RouteSpec[] = [];

  /** A path served outside the ApiRouters (static files, Bull Board, the docs): listed in OpenAPI only. */
  document(spec: RouteSpec): this {
    this.specs.push(spec);
    return this;
  }

  route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
    spec: RouteSpec<P, Q, B>,
    handler: (input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>>) => unknown,
  ): this {
    this.specs.push(spec);
    this.router[spec.method](spec.path, async (req, res) => {
      const params: unknown = spec.params ? validateParams(spec.params, req.params) : req.params;
      if (spec.body && (req.body === undefined || !req.is('application/json')))
        throw unsupportedMediaType(req);
      if (!spec.body && req.body !== undefined) {
        // routes that read a body of their own (worker callbacks) get the same refusal of unsafe text
        const unsafe = findUnsafeInput(req.body, 'body');
        if (unsafe) throw badRequest(unsafe);
      }
      const input = withContractText(spec.invalid, () => ({
        params,
        query: spec.query ? validate(spec.query, req.query, 'query') : req.query,
        body: spec.body ? validate(spec.body, req.body, 'body') : (req.body as unknown),
        req,
        res,
      })) as RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>>;
      const result = await handler(input);
      if (result === undefined || res.headersSent) return;
      if (spec.response && req.app.get(CHECK_RESPONSES)) checkResponse(spec, result);
      res.json(result);
    });
    return this;
  }
}

/**
 * After every route: a known path asked with another method answers 405 with `Allow` (api.md §1.2), unless its
 * path parameters do not fit (Flask matched no route then: 404).
 */
export function methodNotAllowed(specs: RouteSpec[]): Router {
  const byPath = new Map<string, RouteSpec[]>();
  for (const spec of specs) byPath.set(spec.path, [...(byPath.get(spec.path) ?? []), spec]);
  const router = Router();
  for (const [path, declared] of byPath) {
    const methods = [...new Set(declared.map((spec) => spec.method.toUpperCase()))];
    if (methods.includes('GET')) methods.push('HEAD');
    router.all(path, (req, res, next) => {
      if (req.method === 'OPTIONS' || methods.includes(req.method)) return next();
      for (const spec of declared) if (spec.params) validateParams(spec.params, req.params);
      res.set('Allow', methods.join(', '));
      throw new HttpError(
        405,
        `Method Not Allowed: ${req.method} ${req.path} (allowed: ${methods.join(', ')})`,
      );
    });
  }
  return router;
}

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

function requestBodyOf(spec: RouteSpec): Record<string, unknown> {
  if (spec.body) {
    return {
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } },
    };
  }
  if (spec.documentedBody) {
    const { contentType, schema } = spec.documentedBody;
    return { requestBody: { required: false, content: { [contentType]: { schema: jsonSchema(schema) } } } };
  }
  return {};
}

/** OpenAPI 3.1 document of every declared route. */
export function openApiDocument(specs: RouteSpec[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    // `:id` and Express 5's wildcard `*path` (the rest of the path) are both `{name}` in OpenAPI
    const path = spec.path.replace(/[:*](\w+)/g, '{$1}');
    const wildcards = new Set([...spec.path.matchAll(/\*(\w+)/g)].map((match) => match[1]));
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
      for (const [name, field] of Object.entries(shape)) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !field.safeParse(undefined).success,
          schema: where === 'path' && wildcards.has(name) ? { type: 'string' } : jsonSchema(field),
          ...(wildcards.has(name) ? { description: 'the rest of the path (may contain `/`)' } : {}),
        });
      }
    }
    for (const name of wildcards) {
      if (!parameters.some((parameter) => (parameter as { name: string }).name === name)) {
        parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
      }
    }
    (paths[path] ??= {})[spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      parameters,
      ...requestBodyOf(spec),
      responses: {
        200: {
          description: 'OK',
          ...(spec.response
            ? { content: { 'application/json': { schema: jsonSchema(spec.response) } } }
            : {}),
        },
        400: {
          description: `Invalid input: \`{ success: false, error }\`${spec.invalid ? `, the error starting "${Object.values(typeof spec.invalid === 'string' ? { all: spec.invalid } : spec.invalid).join('" or "')}",` : ''} naming the field`,
        },
      },
    };
  }
  return { openapi: '3.1.0', info, paths };
}
