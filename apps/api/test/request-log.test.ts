import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import type { Database } from '@groundtruth/db';
import { createApp } from '../src/app';
import type { AppContext } from '../src/context';
import { createServices } from '@groundtruth/domain';
import { startTestApp, type TestApp } from './harness';

describe('request log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** The app with an info-level logger whose JSON lines are collected. */
  function loggedApp(nodeEnv: 'production' | 'development', db?: Database) {
    // a different database reaches the routes through services built on it
    const context: Partial<AppContext> = db ? { db, services: createServices({ ...t.context, db }) } : {};
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const app = createApp(
      { ...t.context, config: { ...t.context.config, NODE_ENV: nodeEnv }, ...context },
      pino({ level: 'info' }, stream),
    );
    // a response's line is written on its 'close', right after the last byte is handed to the socket
    const logged = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return lines;
    };
    return { app, logged };
  }

  it('in production writes failed requests only, without headers', async () => {
    const { app, logged } = loggedApp('production');
    await request(app).get('/api/videos?limit=1').set('Authorization', 'Bearer s3cret').expect(200);
    await request(app).get('/api/videos/999999').expect(404);
    await request(app).get('/api/videos/abc').expect(404);
    await request(app).get('/api/health');
    const lines = await logged();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        reqId: expect.any(Number),
        req: { method: 'GET', url: '/api/videos/999999' },
        res: { statusCode: 404 },
        responseTime: expect.any(Number),
      }),
      expect.objectContaining({ req: { method: 'GET', url: '/api/videos/abc' }, res: { statusCode: 404 } }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });

  it('in development writes every request', async () => {
    const { app, logged } = loggedApp('development');
    await request(app).get('/api/videos?limit=1').expect(200);
    expect(await logged()).toEqual([
      expect.objectContaining({
        level: 30,
        req: { method: 'GET', url: '/api/videos?limit=1' },
        res: { statusCode: 200 },
      }),
    ]);
  });

  it('logs a failing handler through req.log with the request id of its request line', async () => {
    const failing = {
      ...t.context.db,
      pool: { query: () => Promise.reject(new Error('connection lost')) },
    } as unknown as Database;
    const { app, logged } = loggedApp('production', failing);
    const res = await request(app).get('/api/videos').expect(500);
    expect(res.body).toEqual({ success: false, error: 'Internal server error' });
    const [failure, line] = await logged();
    expect(failure).toMatchObject({
      level: 50,
      msg: 'request failed',
      err: { message: 'connection lost' },
      req: { method: 'GET', url: '/api/videos' },
    });
    expect(line).toMatchObject({ level: 50, reqId: failure!.reqId, res: { statusCode: 500 } });
  });
});
