import { loadConfig } from '@groundtruth/config';
import { createTestDatabase, type TestDatabase } from '../src/testing';
import { checkDatabase, createDatabase, databaseOptionsFromConfig, type Database } from '../src/client';

describe('createDatabase', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('client');
    db = createDatabase(
      databaseOptionsFromConfig(
        loadConfig({ DATABASE_URL: testDb.url, DATABASE_POOL_MAX: '3' }),
        'client-test',
      ),
    );
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it('stores sizes over 2 GiB and legacy-style UTC timestamps', async () => {
    const video = await db.prisma.video.create({ data: { filename: 'big.mp4', fileSize: 5_000_000_000n } });
    expect(video.fileSize).toBe(5_000_000_000n);
    const { rows } = await db.pool.query<{ lag: number }>(
      `SELECT abs(extract(epoch FROM (now() AT TIME ZONE 'utc') - upload_date)) AS lag FROM videos WHERE id = $1`,
      [video.id],
    );
    expect(Number(rows[0]?.lag)).toBeLessThan(60);
  });

  it('enforces the legacy cascades', async () => {
    const video = await db.prisma.video.create({ data: { filename: 'cascade.mp4' } });
    await db.prisma.keyframeAnnotation.create({
      data: { videoId: video.id, timestamp: 1.5, bboxX: 1, bboxY: 2, bboxWidth: 3, bboxHeight: 4 },
    });
    await db.prisma.video.delete({ where: { id: video.id } });
    expect(await db.prisma.keyframeAnnotation.count({ where: { videoId: video.id } })).toBe(0);
  });

  it('uses the configured pool size and session settings', async () => {
    expect(db.pool.options.max).toBe(3);
    const { rows } = await db.pool.query<{ tz: string; app: string }>(
      `SELECT current_setting('TimeZone') AS tz, current_setting('application_name') AS app`,
    );
    expect(rows[0]).toEqual({ tz: 'UTC', app: 'client-test' });
  });

  it('reports health, and failure for an unreachable server', async () => {
    expect(await checkDatabase(db.pool)).toMatchObject({ ok: true });
    const down = createDatabase({
      ...databaseOptionsFromConfig(
        loadConfig({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' }),
        'x',
      ),
      connectTimeoutMs: 500,
    });
    expect(await checkDatabase(down.pool)).toMatchObject({ ok: false });
    await down.close();
  });
});
