import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { decryptSecret } from '@groundtruth/domain';
import { startTestApp, type TestApp } from './harness';

const SECRET = 'unifi-test-secret';

/**
 * A local stand-in for a UniFi OS console running Protect: `POST /api/auth/login` answers with a TOKEN cookie and
 * an X-CSRF-Token header; `GET /proxy/protect/api/bootstrap` needs both and returns the NVR and its cameras.
 */
function startFakeNvr({ tls = false } = {}): Promise<{
  server: http.Server;
  port: number;
  logins: unknown[];
}> {
  const logins: unknown[] = [];
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/api/auth/login') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          username: string;
          password: string;
        };
        logins.push(body);
        if (body.username === 'slow') return; // never answers
        if (body.username !== 'admin' || body.password !== 'p@ss') {
          return send(401, {
            code: 'AUTHENTICATION_FAILED_INVALID_CREDENTIALS',
            message: 'Invalid credentials',
          });
        }
        return send(
          200,
          { unique_id: 'u1', username: 'admin' },
          {
            'set-cookie': ['TOKEN=jwt-abc; path=/; samesite=none; secure; httponly'],
            'x-csrf-token': 'csrf-1',
          },
        );
      }
      if (req.method === 'GET' && req.url === '/proxy/protect/api/bootstrap') {
        if (req.headers.cookie !== 'TOKEN=jwt-abc' || req.headers['x-csrf-token'] !== 'csrf-1') {
          return send(401, { error: 'Unauthorized' });
        }
        return send(200, {
          nvr: { id: 'n1', name: 'Boat Ramp NVR', version: '4.0.21' },
          cameras: [{ id: 'c1' }, { id: 'c2' }, { id: 'c3' }],
        });
      }
      send(404, { error: 'not found' });
    });
  };
  // A self-signed certificate for 127.0.0.1, like the one a UniFi console ships with.
  const server = tls
    ? https.createServer(
        {
          key: readFileSync(path.join(__dirname, 'fixtures/unifi-selfsigned.key')),
          cert: readFileSync(path.join(__dirname, 'fixtures/unifi-selfsigned.crt')),
        },
        handler,
      )
    : http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, logins }),
    );
  });
}

describe('UniFi Protect settings and connection test', () => {
  let t: TestApp;
  let nvr: Awaited<ReturnType<typeof startFakeNvr>>;
  let tlsNvr: Awaited<ReturnType<typeof startFakeNvr>>;
  beforeAll(async () => {
    [t, nvr, tlsNvr] = await Promise.all([
      startTestApp({ GROUNDTRUTH_ENCRYPTION_SECRET: SECRET, UNIFI_TIMEOUT_MS: '400' }),
      startFakeNvr(),
      startFakeNvr({ tls: true }),
    ]);
  });
  afterAll(async () => {
    for (const { server } of [nvr, tlsNvr]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await t.close();
  });

  const configure = (body: Record<string, unknown>) =>
    request(t.app).post('/api/sync/unifi/config').send(body);

  it('reports not configured before any settings exist, and the test needs credentials', async () => {
    const res = await request(t.app).get('/api/sync/unifi/config').expect(200);
    expect(res.body).toEqual({ success: true, configured: false, host: null, port: null, verify_ssl: true });
    const test = await request(t.app).post('/api/sync/unifi/test').expect(400);
    expect(test.body).toEqual({ success: false, error: 'UniFi Protect credentials not configured' });
  });

  it('rejects incomplete or mistyped settings without writing anything', async () => {
    const missing = await configure({ host: '10.0.0.5', username: 'admin' }).expect(400);
    expect(missing.body).toEqual({ success: false, error: 'Host, username, and password required' });
    const badPort = await configure({ host: 'h', username: 'u', password: 'p', port: 70000 }).expect(400);
    expect(badPort.body.error).toContain('port');
    const badFlag = await configure({ host: 'h', username: 'u', password: 'p', verify_ssl: 'no' }).expect(
      400,
    );
    expect(badFlag.body.error).toContain('verify_ssl');
    expect(await t.context.db.prisma.syncConfig.count()).toBe(0);
  });

  it('stores host/port/verify_ssl in plain text and the credentials encrypted', async () => {
    const res = await configure({
      host: `http://127.0.0.1:${nvr.port}`,
      username: 'admin',
      password: 'p@ss',
      verify_ssl: false,
    }).expect(200);
    expect(res.body).toEqual({ success: true, message: 'UniFi Protect credentials saved' });
    const rows = await t.context.db.prisma.syncConfig.findMany({ orderBy: { configKey: 'asc' } });
    const byKey = Object.fromEntries(rows.map((row) => [row.configKey, row]));
    expect(byKey['unifi.port']).toMatchObject({ configValue: '443', isEncrypted: false });
    expect(byKey['unifi.verify_ssl']).toMatchObject({ configValue: 'False', isEncrypted: false });
    expect(byKey['unifi.host']).toMatchObject({
      configValue: `http://127.0.0.1:${nvr.port}`,
      isEncrypted: false,
    });
    for (const key of ['unifi.username', 'unifi.password']) {
      expect(byKey[key]!.isEncrypted).toBe(true);
      expect(byKey[key]!.configValue).not.toMatch(/admin|p@ss/);
    }
    expect(decryptSecret(byKey['unifi.password']!.configValue!, SECRET)).toBe('p@ss');

    const config = await request(t.app).get('/api/sync/unifi/config').expect(200);
    expect(config.body).toEqual({
      success: true,
      configured: true,
      host: `http://127.0.0.1:${nvr.port}`,
      port: 443,
      verify_ssl: false,
    });
    expect(JSON.stringify(config.body)).not.toMatch(/admin|p@ss/);
  });

  it('logs in to the NVR and reads its Protect bootstrap', async () => {
    const res = await request(t.app).post('/api/sync/unifi/test').expect(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Connected to UniFi Protect Boat Ramp NVR (version 4.0.21)',
      nvr: { name: 'Boat Ramp NVR', version: '4.0.21' },
      camera_count: 3,
    });
    expect(nvr.logins.at(-1)).toMatchObject({ username: 'admin', password: 'p@ss' });
  });

  it('speaks HTTPS to a bare host; verify_ssl decides whether a self-signed certificate is accepted', async () => {
    const settings = { host: '127.0.0.1', port: tlsNvr.port, username: 'admin', password: 'p@ss' };
    await configure({ ...settings, verify_ssl: true }).expect(200);
    const strict = await request(t.app).post('/api/sync/unifi/test').expect(200);
    expect(strict.body).toMatchObject({
      success: false,
      error: expect.stringMatching(/TLS certificate of 127\.0\.0\.1:\d+ not trusted/),
    });
    await configure({ ...settings, verify_ssl: false }).expect(200);
    const lenient = await request(t.app).post('/api/sync/unifi/test').expect(200);
    expect(lenient.body).toMatchObject({ success: true, camera_count: 3 });
  });

  it('reports rejected credentials clearly', async () => {
    await configure({ host: `http://127.0.0.1:${nvr.port}`, username: 'admin', password: 'wrong' }).expect(
      200,
    );
    const res = await request(t.app).post('/api/sync/unifi/test').expect(200);
    expect(res.body).toEqual({
      success: false,
      message: 'Failed to connect: Login rejected: invalid username or password',
      error: 'Login rejected: invalid username or password',
    });
  });

  it('gives up after the timeout when the NVR does not answer', async () => {
    await configure({ host: `http://127.0.0.1:${nvr.port}`, username: 'slow', password: 'x' }).expect(200);
    const started = Date.now();
    const res = await request(t.app).post('/api/sync/unifi/test').expect(200);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.body).toMatchObject({
      success: false,
      error: `No answer from 127.0.0.1:${nvr.port} within 0.4 s`,
    });
  });

  it('reports a refused connection (host and port stored separately)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await configure({ host: '127.0.0.1', port, username: 'admin', password: 'p@ss' }).expect(200);
    const res = await request(t.app).post('/api/sync/unifi/test').expect(200);
    // no scheme given → https, as a UniFi console serves; the port is refused either way
    expect(res.body).toMatchObject({ success: false, error: `Connection refused by 127.0.0.1:${port}` });
  });

  it('treats credentials it cannot decrypt as not configured', async () => {
    await t.context.db.prisma.syncConfig.update({
      where: { configKey: 'unifi.password' },
      data: { configValue: 'Z2FyYmFnZQ==' },
    });
    const config = await request(t.app).get('/api/sync/unifi/config').expect(200);
    expect(config.body.configured).toBe(false);
    await request(t.app).post('/api/sync/unifi/test').expect(400);
  });
});
