import fc from 'fast-check';
import { z } from 'zod';
import type { RouteSpec } from '../../src/route';
import { JSON_HEADERS, MULTIPART_BODIES, RAW_BODIES, deepJson } from './bodies';

export { deepJson } from './bodies';

/**
 * Request generators driven by the route declarations: each route's params, query and body schemas (as JSON Schema)
 * give valid values, and every request may carry one hostile mutation. `kind` names the class of the request, so
 * the findings can be counted by class.
 */

/** A request to send: the path is already percent-encoded; `body` is raw bytes. */
export interface FuzzRequest {
  kind: string;
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Ids that exist in the seeded database, by path parameter name (valid path values hit the deep code paths). */
export type KnownIds = Record<string, (number | string)[]>;

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  additionalProperties?: JsonSchema | boolean;
};

const MB = 1024 * 1024;

/** Hostile text: the classes that made the API answer 500 (issue 13), plus their neighbours. */
export const hostileText: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.string({ maxLength: 8 }).map((s): [string, string] => ['nul', `${s}\u0000${s}`]),
  fc.constant<[string, string]>(['nul', '\u0000']),
  fc.constantFrom<[string, string]>(
    ['lone-surrogate', '\ud800'],
    ['lone-surrogate', 'a\udfffb'],
    ['lone-surrogate', '\udc00\ud800'],
  ),
  fc.constant<[string, string]>(['huge-text', 'x'.repeat(MB)]),
  fc.constant<[string, string]>(['long-text', 'é'.repeat(3000)]),
  fc.constantFrom<[string, string]>(
    ['coerced-int', '0x10'],
    ['coerced-int', '1e3'],
    ['coerced-int', '+1'],
    ['coerced-int', '\n1'],
    ['coerced-int', '-1'],
    ['coerced-int', 'abc'],
    ['coerced-int', '2147483648'],
    ['coerced-int', '99999999999999999999'],
    ['coerced-int', ''],
    ['path-traversal', '../../../../etc/passwd'],
    ['path-traversal', '/etc'],
    ['url', 'file:///etc/passwd'],
    ['url', 'http://[::1'],
  ),
);

/** Hostile JSON values of the wrong kind or out of range. */
export const hostileValue: fc.Arbitrary<[string, unknown]> = fc.oneof(
  hostileText,
  fc.constantFrom<[string, unknown]>(
    ['int-range', 2 ** 31],
    ['int-range', -(2 ** 31) - 1],
    ['int-range', 2 ** 53 + 2],
    ['int-range', 1e308],
    ['int-range', -1],
    ['int-range', 1.5],
    ['wrong-type', null],
    ['wrong-type', true],
    ['wrong-type', []],
    ['wrong-type', {}],
    ['wrong-type', [[[]]]],
    ['wrong-type', { a: { b: '\u0000' } }],
  ),
);

/** Path segment values: valid ids, coerced and out-of-range forms, NUL and invalid percent-encodings. */
export const hostileSegment: fc.Arbitrary<[string, string]> = fc.constantFrom<[string, string]>(
  ['coerced-int', '0x10'],
  ['coerced-int', '1e3'],
  ['coerced-int', '%2B1'],
  ['coerced-int', '%0A'],
  ['coerced-int', '-1'],
  ['coerced-int', 'abc'],
  ['int-range', '2147483648'],
  ['int-range', '99999999999999999999'],
  ['int-range', '0'],
  ['nul', '%00'],
  ['nul', 'a%00b'],
  ['bad-encoding', '%ED%A0%80'],
  ['bad-encoding', '%E0%A4%A'],
  ['bad-encoding', '%'],
  ['path-traversal', '..'],
  ['path-traversal', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
  ['long-text', 'a'.repeat(4000)],
  ['unicode', '%F0%9F%98%80'],
);

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

const smallText = fc.string({ maxLength: 12 });

/** Values that fit a JSON Schema (roughly: patterns are not honoured, which is fine for fuzzing). */
export function valueOf(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) return fc.oneof(...variants.map((variant) => valueOf(variant, depth)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return fc.string({
        minLength: schema.minLength ?? 0,
        maxLength: Math.max(schema.minLength ?? 0, Math.min(schema.maxLength ?? 12, 12)),
      });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 20, 20) });
    case 'number':
      return fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(valueOf(schema.items ?? {}, depth + 1), { maxLength: 3 });
    case 'object': {
      if (depth > 3) return fc.constant({});
      const properties = schema.properties ?? {};
      const keys = Object.keys(properties);
      if (!keys.length) return fc.dictionary(smallText, smallText, { maxKeys: 2 });
      const record = Object.fromEntries(keys.map((key) => [key, valueOf(properties[key]!, depth + 1)]));
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((key) => key in record) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Replaces one leaf (or adds one key) somewhere in `value` with `replacement`; `pick` chooses where. */
function plant(value: unknown, replacement: unknown, pick: number): unknown {
  if (Array.isArray(value) && value.length) {
    const copy = [...value];
    const index = pick % copy.length;
    copy[index] = plant(copy[index], replacement, Math.floor(pick / copy.length));
    return copy;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length || pick % 5 === 4) return { ...value, [`x${pick % 3}`]: replacement };
    const [key, inner] = entries[pick % entries.length]!;
    return { ...value, [key]: plant(inner, replacement, Math.floor(pick / entries.length)) };
  }
  return replacement;
}

const rawBodies = fc.constantFrom(...RAW_BODIES);
const multipartBodies = fc.constantFrom(...MULTIPART_BODIES);

/** Percent-encodes a query value; a lone surrogate goes out as the UTF-8 bytes of one (invalid UTF-8). */
const encodeQuery = (value: string) =>
  value
    .replace(/[\ud800-\udfff]/g, '\u0001')
    .split('\u0001')
    .map(encodeURIComponent)
    .join('%ED%A0%80');

/** One route's request generator. */
export function requestsFor(spec: RouteSpec, ids: KnownIds): fc.Arbitrary<FuzzRequest> {
  const route = `${spec.method.toUpperCase()} ${spec.path}`;
  const paramNames = [...spec.path.matchAll(/[:*](\w+)/g)].map((match) => match[1]!);
  const segment = (name: string): fc.Arbitrary<[string, string]> => {
    const known = ids[name] ?? [];
    const valid = known.length
      ? fc.constantFrom(...known).map((id): [string, string] => ['valid', encodeURIComponent(String(id))])
      : fc.oneof(
          fc.nat(50).map((n): [string, string] => ['valid', String(n)]),
          smallText.filter(Boolean).map((s): [string, string] => ['valid', encodeURIComponent(s)]),
        );
    return fc.oneof({ weight: 2, arbitrary: valid }, { weight: 1, arbitrary: hostileSegment });
  };
  const pathArb = fc.tuple(...paramNames.map(segment)).map((values) => {
    let index = 0;
    const path = spec.path.replace(/[:*]\w+/g, () => values[index++]![1]);
    const kinds = values.map(([kind]) => kind).filter((kind) => kind !== 'valid');
    return { path, kind: kinds[0] ?? 'valid' };
  });
  const paramsArb = paramNames.length ? pathArb : fc.constant({ path: spec.path, kind: 'valid' });

  const queryShape = spec.query ? jsonSchemaOf(spec.query) : { type: 'object', properties: {} };
  const queryArb = fc.oneof(
    { weight: 2, arbitrary: valueOf(queryShape).map((q) => ({ q, kind: 'valid' })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...Object.keys(queryShape.properties ?? {}), 'limit', 'x'), hostileText)
        // Capped below Node's 16 KiB header limit (beyond it Node answers 431 before the app sees the request).
        .map(([key, [kind, value]]) => ({ q: { [key]: value.slice(0, 1500) }, kind })),
    },
  );

  const bodySchema = spec.body ? jsonSchemaOf(spec.body) : { type: 'object', properties: {} };
  const bodyArb: fc.Arbitrary<{ kind: string; headers: Record<string, string>; body?: Buffer }> =
    spec.path === '/api/upload'
      ? multipartBodies
      : fc.oneof(
          {
            weight: 3,
            arbitrary: valueOf(bodySchema).map((value) => ({
              kind: 'valid',
              headers: JSON_HEADERS,
              body: Buffer.from(JSON.stringify(value)),
            })),
          },
          {
            weight: 3,
            arbitrary: fc
              .tuple(valueOf(bodySchema), hostileValue, fc.nat())
              .map(([value, [kind, replacement], pick]) => ({
                kind,
                headers: JSON_HEADERS,
                body: Buffer.from(JSON.stringify(plant(value, replacement, pick))),
              })),
          },
          { weight: 1, arbitrary: rawBodies },
        );

  return fc.tuple(paramsArb, queryArb, bodyArb).map(([params, query, body]) => {
    const search = Object.entries(query.q as Record<string, unknown>)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeQuery(String(value))}`)
      .join('&');
    const sendsBody = spec.method === 'post' || spec.method === 'put';
    const kind =
      [params.kind, query.kind, sendsBody ? body.kind : 'valid'].find((k) => k !== 'valid') ?? 'valid';
    return {
      kind,
      route,
      method: spec.method.toUpperCase(),
      path: search ? `${params.path}?${search}` : params.path,
      headers: sendsBody ? body.headers : {},
      body: sendsBody ? body.body : undefined,
    };
  });
}

const HOSTILE_SEGMENTS = fc
  .sample(hostileSegment, { numRuns: 200, seed: 0 })
  .filter(([, value], index, all) => all.findIndex(([, other]) => other === value) === index);

/**
 * The deterministic part: each hostile path value in each path parameter (others valid), and each raw body
 * (multipart ones on the upload route) on each route that takes a body.
 */
export function sweepFor(spec: RouteSpec, ids: KnownIds): FuzzRequest[] {
  const route = `${spec.method.toUpperCase()} ${spec.path}`;
  const method = spec.method.toUpperCase();
  const validPath = spec.path.replace(/[:*](\w+)/g, (_match, name: string) =>
    encodeURIComponent(String(ids[name]?.[0] ?? 1)),
  );
  const requests: FuzzRequest[] = [
    // beyond Node's 16 KiB header limit: refused by the HTTP parser, still in the envelope
    { kind: 'huge-header', route, method, path: `${validPath}?q=${'x'.repeat(20_000)}`, headers: {} },
  ];
  for (const [, name] of spec.path.matchAll(/[:*](\w+)/g)) {
    for (const [kind, value] of HOSTILE_SEGMENTS) {
      const path = spec.path.replace(/[:*](\w+)/g, (match, other: string) =>
        other === name ? value : encodeURIComponent(String(ids[other]?.[0] ?? 1)),
      );
      requests.push({ kind, route, method, path, headers: {} });
    }
  }
  if (spec.method === 'post' || spec.method === 'put') {
    for (const raw of spec.path === '/api/upload' ? MULTIPART_BODIES : RAW_BODIES) {
      requests.push({ ...raw, route, method, path: validPath });
    }
    // JSON nested 5,000 deep under each declared body field (recursive code behind a field must not overflow)
    const fields = spec.body ? Object.keys(jsonSchemaOf(spec.body).properties ?? {}) : [];
    const key = JSON.stringify(String(ids.groupName?.[0] ?? 'k')); // a known tag group: its value is stored
    for (const field of fields) {
      const body = Buffer.from(`{${JSON.stringify(field)}:{${key}:${deepJson(5000)}}}`);
      requests.push({ kind: 'deep-json', route, method, path: validPath, headers: JSON_HEADERS, body });
    }
  }
  return requests;
}
