import http from 'node:http';
import https from 'node:https';
import type { UnifiSettings, UnifiTestResult } from './schemas';

/** The UniFi Protect connection test: UniFi OS login, then Protect's bootstrap, over node's http(s). */

/** `https://host:port`; a host given with a scheme (`http://nvr.local`) keeps it, and its own port if it has one. */
export function unifiBaseUrl(host: string, port: number): URL {
  const url = new URL(/^https?:\/\//i.test(host) ? host : `https://${host}`);
  if (!url.port) url.port = String(port);
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** A network or NVR failure: answered as `{ ok: false, error }`, never thrown out of this module. */
class UnifiError extends Error {}

interface JsonResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

function describeNetworkError(error: NodeJS.ErrnoException, url: URL): string {
  const where = `${url.hostname}:${url.port}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `Connection refused by ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Host not found: ${url.hostname}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Host unreachable: ${where}`;
    case 'ECONNRESET':
      return `Connection reset by ${where}`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED':
      return `TLS certificate of ${where} not trusted (${error.code}); turn off SSL verification for a self-signed NVR`;
    default:
      return `${error.code ?? 'Error'}: ${error.message}`;
  }
}

/** One JSON request with a hard deadline (connect + answer). */
function requestJson(
  url: URL,
  options: {
    method: 'GET' | 'POST';
    body?: unknown;
    headers?: Record<string, string>;
    verifySsl: boolean;
    deadline: number;
  },
): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) return reject(new UnifiError('timed out'));
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const transport = url.protocol === 'http:' ? http : https;
    const req = transport.request(
      url,
      {
        method: options.method,
        headers: {
          accept: 'application/json',
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...options.headers,
        },
        rejectUnauthorized: options.verifySsl,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: Error) => {
          clearTimeout(timer);
          reject(error instanceof UnifiError ? error : new UnifiError(`Connection lost: ${error.message}`));
        });
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          if (text) {
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new UnifiError('timed out')), remaining);
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error instanceof UnifiError ? error : new UnifiError(describeNetworkError(error, url)));
    });
    req.end(payload);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `name=value` pairs of the Set-Cookie headers, as a Cookie header. */
function cookieHeader(headers: http.IncomingHttpHeaders): string {
  return (headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]!.trim()).join('; ');
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Logs in to the NVR the way UniFi OS expects (`POST /api/auth/login`, session cookie + CSRF token), then reads
 * `GET /proxy/protect/api/bootstrap` to prove Protect answers. Never throws for network or NVR problems: they
 * come back as `{ ok: false, error }` with a message a user can act on.
 */
export async function testUnifiConnection(
  settings: UnifiSettings,
  { timeoutMs }: { timeoutMs: number },
): Promise<UnifiTestResult> {
  const deadline = Date.now() + timeoutMs;
  let base: URL;
  try {
    base = unifiBaseUrl(settings.host, settings.port);
  } catch {
    return { ok: false, error: `Invalid host: ${settings.host}` };
  }
  const where = `${base.hostname}:${base.port}`;
  try {
    const login = await requestJson(new URL('/api/auth/login', base), {
      method: 'POST',
      body: { username: settings.username, password: settings.password, rememberMe: false, token: '' },
      verifySsl: settings.verifySsl,
      deadline,
    });
    if (login.status === 401 || login.status === 403) {
      return { ok: false, error: 'Login rejected: invalid username or password' };
    }
    if (login.status === 429) return { ok: false, error: 'Too many login attempts; the NVR asks to wait' };
    if (login.status === 404)
      return { ok: false, error: `${where} has no UniFi OS login endpoint (HTTP 404)` };
    if (login.status !== 200)
      return { ok: false, error: `Login failed: the NVR answered HTTP ${login.status}` };
    const cookies = cookieHeader(login.headers);
    if (!cookies) return { ok: false, error: 'Login answered without a session cookie' };
    const csrf = singleHeader(login.headers['x-updated-csrf-token'] ?? login.headers['x-csrf-token']);

    const bootstrap = await requestJson(new URL('/proxy/protect/api/bootstrap', base), {
      method: 'GET',
      headers: { cookie: cookies, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      verifySsl: settings.verifySsl,
      deadline,
    });
    if (bootstrap.status === 401 || bootstrap.status === 403) {
      return { ok: false, error: 'Logged in, but the account may not access UniFi Protect' };
    }
    if (bootstrap.status !== 200 || !isRecord(bootstrap.body) || !isRecord(bootstrap.body.nvr)) {
      return {
        ok: false,
        error: `Logged in, but UniFi Protect did not answer (bootstrap HTTP ${bootstrap.status})`,
      };
    }
    const nvr = bootstrap.body.nvr;
    const cameras = bootstrap.body.cameras;
    return {
      ok: true,
      nvr: {
        name: typeof nvr.name === 'string' ? nvr.name : null,
        version: typeof nvr.version === 'string' ? nvr.version : null,
      },
      cameraCount: Array.isArray(cameras) ? cameras.length : 0,
    };
  } catch (error) {
    if (error instanceof UnifiError) {
      return {
        ok: false,
        error:
          error.message === 'timed out'
            ? `No answer from ${where} within ${Math.round(timeoutMs / 100) / 10} s`
            : error.message,
      };
    }
    throw error;
  }
}
