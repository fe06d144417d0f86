import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { generator, ORPHAN_CHECKS, type Answer } from './concurrency-helpers';
import { startTestApp, type TestApp } from './harness';

/**
 * Deletes racing writes for every parent/child pair, concurrent replaces and upserts, on a real PostgreSQL.
 * Seeded rounds (CONCURRENCY_SEED, CONCURRENCY_ROUNDS): each round builds fresh rows, fires the racing requests in a
 * seeded order and then checks: no 5xx, only the statuses the contract allows, no orphan row, a consistent final
 * state, and unrelated writes that succeeded while the race held its locks.
 */
const SEED = Number(process.env.CONCURRENCY_SEED ?? Date.now() % 1_000_000);
const ROUNDS = Number(process.env.CONCURRENCY_ROUNDS ?? 4);

describe(`concurrency (seed ${SEED}, ${ROUNDS} rounds; CONCURRENCY_SEED/CONCURRENCY_ROUNDS override)`, () => {
  let t: TestApp;
  let server: http.Server;
  let base: string;
  /** A second connection for the operator's deletes the API has no route for (tag groups, YOLO configs). */
  let operator: pg.Client;
  const random = generator(SEED);
  const groups: { id: number; name: string }[] = [];

  const sql = async <T extends pg.QueryResultRow = { n: number }>(text: string, params: unknown[] = []) =>
    (await t.context.db.pool.query<T>(text, params)).rows;
  const one = async (text: string, params: unknown[] = []) =>
    (await sql<{ id: number }>(text, params))[0]!.id;

  async function call(label: string, method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: Answer['body'];
    try {
      parsed = JSON.parse(text) as Answer['body'];
    } catch {
      parsed = { error: text };
    }
    return { label, status: response.status, body: parsed };
  }

  /** Fires the calls in a seeded order without awaiting in between; a few start after a seeded yield. */
  async function race(calls: (() => Promise<Answer>)[]): Promise<Answer[]> {
    const ordered = random.shuffle(calls);
    return Promise.all(
      ordered.map(async (start) => {
        for (let i = random.int(3); i > 0; i -= 1) await new Promise((resolve) => setImmediate(resolve));
        return start();
      }),
    );
  }

  function expectStatuses(answers: Answer[], allowed: Record<string, number[]>) {
    const unexpected = answers.filter((answer) => {
      const kind = answer.label.split(':')[0]!;
      return !(allowed[kind] ?? [200]).includes(answer.status);
    });
    expect(unexpected).toEqual([]);
  }

  async function expectNoOrphans() {
    const found: Record<string, number> = {};
    for (const [relation, query] of Object.entries(ORPHAN_CHECKS)) found[relation] = (await sql(query))[0]!.n;
    expect(found).toEqual(Object.fromEntries(Object.keys(ORPHAN_CHECKS).map((relation) => [relation, 0])));
  }

  async function newVideo(round: number, name: string) {
    return one(`INSERT INTO videos (filename, title) VALUES ($1, $1) RETURNING id`, [
      `r${round}-${name}.mp4`,
    ]);
  }

  /** A video with keyframes, time-range tags, annotation tags on both and a legacy video tag. */
  async function populatedVideo(round: number) {
    const videoId = await newVideo(round, 'parent');
    const keyframes: number[] = [];
    const ranges: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      keyframes.push(
        await one(
          `INSERT INTO keyframe_annotations (video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height)
           VALUES ($1, $2, 1, 2, 3, 4) RETURNING id`,
          [videoId, i],
        ),
      );
      ranges.push(
        await one(
          `INSERT INTO time_range_tags (video_id, tag_name, start_time) VALUES ($1, 'r', $2) RETURNING id`,
          [videoId, i],
        ),
      );
    }
    for (const [id, type] of [
      ...keyframes.map((k) => [k, 'keyframe'] as const),
      ...ranges.map((r) => [r, 'time_range'] as const),
    ]) {
      await sql(
        `INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value) VALUES ($1, $2, $3, 'x')`,
        [id, type, groups[0]!.id],
      );
    }
    const tagId = await one(`INSERT INTO tags (name) VALUES ($1) RETURNING id`, [`r${round}-existing`]);
    await sql(`INSERT INTO video_tags (video_id, tag_id) VALUES ($1, $2)`, [videoId, tagId]);
    return { videoId, keyframes, ranges };
  }

  const tagsBody = (type: string, value: string) => ({
    annotation_type: type,
    tags: Object.fromEntries(groups.map((group) => [group.name, `${value}-${group.name}`])),
  });

  beforeAll(async () => {
    // Enough connections that the race's waiting transactions and the unrelated writes share one pool.
    t = await startTestApp({ DATABASE_POOL_MAX: '8' });
    server = http.createServer(t.app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    operator = new pg.Client({ connectionString: t.testDb.url });
    await operator.connect();
    for (const name of ['alpha', 'beta', 'gamma']) {
      const id = await one(
        `INSERT INTO tag_groups (group_name, display_name, group_type, applies_to, sort_order)
         VALUES ($1, $1, 'text', 'both', 1) RETURNING id`,
        [name],
      );
      groups.push({ id, name });
    }

    console.log(`concurrency seed ${SEED} (CONCURRENCY_SEED=${SEED} reproduces), ${ROUNDS} rounds`);
  });
  afterAll(async () => {
    await operator.end();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('a video delete racing writes to its keyframes, time-range tags, annotation tags and video tags', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { videoId, keyframes, ranges } = await populatedVideo(round);
      const bystander = await newVideo(round, 'bystander');
      const calls: (() => Promise<Answer>)[] = [
        () => call('delete', 'DELETE', `/api/videos/${videoId}`),
        () => call('delete', 'DELETE', `/api/videos/${videoId}`),
      ];
      for (let i = 0; i < 4; i += 1) {
        for (const k of keyframes) {
          calls.push(() =>
            call('child', 'POST', `/api/annotations/${k}/tags`, tagsBody('keyframe', `k${i}`)),
          );
        }
        for (const r of ranges) {
          calls.push(() =>
            call('child', 'POST', `/api/annotations/${r}/tags`, tagsBody('time_range', `r${i}`)),
          );
        }
        calls.push(
          () =>
            call('child', 'POST', `/api/videos/${videoId}/keyframe-annotations`, {
              timestamp: i,
              bbox_x: 1,
              bbox_y: 1,
              bbox_width: 5,
              bbox_height: 5,
            }),
          () =>
            call('child', 'POST', `/api/videos/${videoId}/time-range-tags`, {
              tag_name: 'new',
              start_time: i,
            }),
          () => call('child', 'POST', `/api/videos/${videoId}/tags`, { tag: `r${round}-new-${i % 2}` }),
          () => call('child', 'POST', `/api/videos/${videoId}/behaviors`, { behavior_type: 'b' }),
          () => call('soft', 'PUT', `/api/keyframe-annotations/${keyframes[i % 3]!}`, { comment: `c${i}` }),
          () =>
            call('child', 'POST', '/api/person-detections/assign-name', {
              detection_ids: [keyframes[(i + 1) % 3]!, keyframes[i % 3]!],
              person_name: `person ${i}`,
            }),
          () => call('soft', 'DELETE', `/api/time-range-tags/${ranges[i % 3]!}`),
          () =>
            call('bystander', 'POST', `/api/videos/${bystander}/time-range-tags`, {
              tag_name: 'b',
              start_time: i,
            }),
          () =>
            call('bystander', 'POST', `/api/videos/${bystander}/tags`, { tag: `r${round}-bystander-${i}` }),
        );
      }
      const answers = await race(calls);
      // A write that lost the race finds no parent: 404, never 400 "Referenced record does not exist" or a 500.
      expectStatuses(answers, { delete: [200, 404], child: [200, 404], soft: [200], bystander: [200] });
      expect(answers.filter((a) => a.label === 'delete' && a.status === 200)).toHaveLength(1);
      await expectNoOrphans();
      expect(
        await sql(`SELECT count(*)::int AS n FROM keyframe_annotations WHERE video_id = $1`, [videoId]),
      ).toEqual([{ n: 0 }]);
      expect(
        await sql(`SELECT count(*)::int AS n FROM time_range_tags WHERE video_id = $1`, [bystander]),
      ).toEqual([{ n: 4 }]);
    }
  });

  it('a keyframe or time-range delete racing replaces of its annotation tags', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { keyframes, ranges } = await populatedVideo(100 + round);
      const calls: (() => Promise<Answer>)[] = [];
      for (const k of keyframes) calls.push(() => call('delete', 'DELETE', `/api/keyframe-annotations/${k}`));
      for (const r of ranges) calls.push(() => call('delete', 'DELETE', `/api/time-range-tags/${r}`));
      for (let i = 0; i < 3; i += 1) {
        for (const k of keyframes)
          calls.push(() => call('child', 'POST', `/api/annotations/${k}/tags`, tagsBody('keyframe', `${i}`)));
        for (const r of ranges)
          calls.push(() =>
            call('child', 'POST', `/api/annotations/${r}/tags`, tagsBody('time_range', `${i}`)),
          );
      }
      expectStatuses(await race(calls), { delete: [200], child: [200, 404] });
      await expectNoOrphans();
    }
  });

  it('a tag group delete racing replaces that write into the group', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const doomed = await one(
        `INSERT INTO tag_groups (group_name, display_name, group_type, applies_to) VALUES ($1, $1, 'text', 'both')
         RETURNING id`,
        [`doomed${round}`],
      );
      await sql(`INSERT INTO tag_options (group_id, option_value, display_text) VALUES ($1, 'o', 'o')`, [
        doomed,
      ]);
      const { keyframes } = await populatedVideo(200 + round);
      // Rows already in the doomed group: its delete's cascade must lock rows a replace is rewriting.
      for (const k of keyframes) {
        await sql(
          `INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value) VALUES ($1, 'keyframe', $2, 'old')`,
          [k, doomed],
        );
      }
      const body = (value: string) => ({
        annotation_type: 'keyframe',
        tags: { [`doomed${round}`]: value, [groups[1]!.name]: value },
      });
      const calls: (() => Promise<Answer>)[] = [
        async () => {
          // In the documented lock order (the group row first), holding it a moment as a slow delete would.
          await operator.query('BEGIN');
          await operator.query(`SELECT 1 FROM tag_groups WHERE id = $1 FOR UPDATE`, [doomed]);
          await operator.query('SELECT pg_sleep(0.05)');
          await operator.query(`DELETE FROM tag_groups WHERE id = $1`, [doomed]);
          await operator.query('COMMIT');
          return { label: 'operator', status: 200, body: {} };
        },
      ];
      for (let i = 0; i < 4; i += 1) {
        for (const k of keyframes)
          calls.push(() => call('child', 'POST', `/api/annotations/${k}/tags`, body(`${i}`)));
      }
      expectStatuses(await race(calls), { child: [200], operator: [200] });
      await expectNoOrphans();
      // Each annotation holds its replace's groups: beta always, the deleted group never.
      for (const k of keyframes) {
        const stored = await sql<{ group_id: number }>(
          `SELECT group_id FROM annotation_tags WHERE annotation_id = $1 AND annotation_type = 'keyframe'`,
          [k],
        );
        expect(stored.map((row) => row.group_id)).toEqual([groups[1]!.id]);
      }
    }
  });

  it('a YOLO config or video delete racing filter writes and previews', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const videoId = (await populatedVideo(300 + round)).videoId;
      const configId = await one(
        `INSERT INTO yolo_export_configs (config_name, class_mapping) VALUES ($1, '{"a":0}') RETURNING id`,
        [`config${round}`],
      );
      await sql(`INSERT INTO yolo_export_videos (export_config_id, video_id) VALUES ($1, $2)`, [
        configId,
        videoId,
      ]);
      const calls: (() => Promise<Answer>)[] = [
        async () => {
          await operator.query(`DELETE FROM yolo_export_configs WHERE id = $1`, [configId]);
          return { label: 'operator', status: 200, body: {} };
        },
        () => call('delete', 'DELETE', `/api/videos/${videoId}`),
      ];
      for (let i = 0; i < 6; i += 1) {
        calls.push(
          () =>
            call('child', 'POST', `/api/yolo/configs/${configId}/filters`, {
              filter_type: 'video_id',
              filter_value: String(videoId),
              is_exclusion: i % 2 === 0,
            }),
          () => call('child', 'GET', `/api/yolo/configs/${configId}/preview`),
        );
      }
      expectStatuses(await race(calls), { child: [200, 404], operator: [200], delete: [200] });
      await expectNoOrphans();
    }
  });

  it('concurrent replaces of one annotation leave exactly one of the bodies', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { keyframes } = await populatedVideo(400 + round);
      const k = keyframes[0]!;
      const values = Array.from({ length: 8 }, (_, i) => `v${i}`);
      const answers = await race(
        values.map((v) => () => call('child', 'POST', `/api/annotations/${k}/tags`, tagsBody('keyframe', v))),
      );
      expectStatuses(answers, { child: [200] });
      const stored = await sql<{ tag_value: string }>(
        `SELECT tag_value FROM annotation_tags WHERE annotation_id = $1 AND annotation_type = 'keyframe' ORDER BY group_id`,
        [k],
      );
      const winner = stored[0]?.tag_value.split('-')[0];
      expect(values).toContain(winner);
      expect(stored.map((row) => row.tag_value)).toEqual(groups.map((group) => `${winner}-${group.name}`));
    }
  });

  it('concurrent upserts of the same new video tag all succeed and create one tag', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const videos = [await newVideo(500 + round, 'a'), await newVideo(500 + round, 'b')];
      const name = `fresh-${round}`;
      const calls = videos.flatMap((videoId) =>
        Array.from(
          { length: 5 },
          () => () => call('child', 'POST', `/api/videos/${videoId}/tags`, { tag: name }),
        ),
      );
      const answers = await race(calls);
      expectStatuses(answers, { child: [200] });
      // One of the five per video linked it; the others found the link (the legacy soft answer).
      for (const videoId of videos) {
        expect(
          await sql(
            `SELECT count(*)::int AS n FROM video_tags vt JOIN tags t ON t.id = vt.tag_id WHERE vt.video_id = $1 AND t.name = $2`,
            [videoId, name],
          ),
        ).toEqual([{ n: 1 }]);
      }
      expect(await sql(`SELECT count(*)::int AS n FROM tags WHERE name = $1`, [name])).toEqual([{ n: 1 }]);
      expect(answers.filter((a) => a.body.success === true)).toHaveLength(videos.length);
    }
  });
});
