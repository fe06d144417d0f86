/**
 * `pnpm bench:api`: the API's hot reads under load, against a bare node `http` + `pg` server running the same
 * queries, on a scratch database seeded with ~1M keyframe annotations (dropped at the end).
 *
 * Env: TEST_DATABASE_URL or DATABASE_URL (a server whose user may create databases), BENCH_DURATION (s per
 * measurement, default 5), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 100), BENCH_VIDEOS (default 10000;
 * 100 keyframes and 200 annotation tags per video), BENCH_KEEP_DB (a database name: seeded once, reused and kept, for looking at query plans),
 * LOG_LEVEL of the API's log (default info).
 * Each server runs in its own process with NODE_ENV=production (source run through tsx, not the tsup bundle): the API
 * as main.ts builds it (its logger writes to the child's stdout, which is /dev/null here), the bare server with the
 * same domain functions, hence the same SQL. autocannon drives both from this process: per read, a warm-up of each,
 * then BENCH_ROUNDS alternating measurements of each; the median round is reported, with the server process's own CPU
 * time per request (user + system), which machine load disturbs far less than req/s.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import autocannon from 'autocannon';
import { loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig, type Database } from '@groundtruth/db';
import { applyMigrations } from '@groundtruth/db/migrations';
import { benchAdminUrl, databaseUrl, dropDatabase, ensureDatabase } from '@groundtruth/db/testing';
import { createQueueBackend } from '@groundtruth/queue';
import { getAnnotationTags, getVideo, listKeyframes, listVideos } from '@groundtruth/domain';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const VIDEOS = Number(process.env.BENCH_VIDEOS ?? 10_000);
const KEYFRAMES_PER_VIDEO = 100;

type ServerKind = 'framework' | 'bare';

interface Scenario {
  name: string;
  path: () => string;
}

const randomId = (max: number) => 1 + Math.floor(Math.random() * max);
const SCENARIOS: Scenario[] = [
  {
    name: 'annotation tags of one annotation',
    path: () => `/api/annotations/${randomId(VIDEOS * KEYFRAMES_PER_VIDEO)}/tags?annotation_type=keyframe`,
  },
  { name: 'keyframes of one video', path: () => `/api/videos/${randomId(VIDEOS)}/keyframe-annotations` },
  { name: 'videos list (first page)', path: () => '/api/videos' },
  { name: 'one video', path: () => `/api/videos/${randomId(VIDEOS)}` },
];

async function seed(url: string): Promise<void> {
  const db = new (await import('pg')).default.Client({ connectionString: url });
  await db.connect();
  const keyframes = VIDEOS * KEYFRAMES_PER_VIDEO;
  const steps: [string, string][] = [
    [
      `${VIDEOS} videos`,
      `INSERT INTO videos (filename, original_url, title, duration, width, height, file_size, upload_date, notes)
       SELECT CASE WHEN g % 4 = 0 THEN 'ecoeye_' || g || '.placeholder' ELSE 'bench_' || g || '.mp4' END,
              CASE WHEN g % 4 = 0 THEN 'ecoeye://evt_' || g ELSE 'https://example.invalid/v/' || g END,
              CASE WHEN g % 4 = 0 THEN '[No Video] CAM' || (g % 7) || ' - motion' ELSE 'Bench video ' || g END,
              60 + g % 600, 1920, 1080, 1000000 + g, timestamp '2026-01-01' + g * interval '1 minute', NULL
       FROM generate_series(1, ${VIDEOS}) g`,
    ],
    [
      'legacy tags',
      `INSERT INTO tags (name) SELECT 'tag_' || g FROM generate_series(1, 20) g;
       INSERT INTO video_tags (video_id, tag_id)
       SELECT v, t FROM generate_series(1, ${VIDEOS}) v, LATERAL (VALUES (1 + v % 20), (1 + (v + 7) % 20)) x(t)`,
    ],
    [
      'tag groups',
      `INSERT INTO tag_groups (group_name, display_name, group_type, applies_to, sort_order) VALUES
         ('ground_truth', 'Ground Truth', 'dropdown', 'both', 1),
         ('lighting_conditions', 'Lighting', 'checkbox', 'both', 10),
         ('_scenario_data', 'Scenario Data', 'text', 'both', 999)`,
    ],
    [
      `${keyframes} keyframe annotations`,
      `INSERT INTO keyframe_annotations (video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height, activity_tag,
         is_negative, comment, reviewed)
       SELECT 1 + (g - 1) / ${KEYFRAMES_PER_VIDEO}, ((g - 1) % ${KEYFRAMES_PER_VIDEO}) * 1.5, g % 1500, g % 900,
              50 + g % 300, 40 + g % 200, (ARRAY['boat_operating_water','loading_boat_trailer','vehicle_identification'])[1 + g % 3],
              g % 10 = 0, NULL, true
       FROM generate_series(1, ${keyframes}) g`,
    ],
    [
      `${keyframes * 2} annotation tags`,
      `INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value)
       SELECT g, 'keyframe', (SELECT id FROM tag_groups WHERE group_name = '_scenario_data'),
              '{"scenario": "boat_operating_water", "bboxes": {"entire_boat": {"x": ' || g % 1500 ||
              ', "y": 354, "width": 289, "height": 142}}, "notVisible": ["boat_registration"]}'
       FROM generate_series(1, ${keyframes}) g
       UNION ALL
       SELECT g, 'keyframe', (SELECT id FROM tag_groups WHERE group_name = 'lighting_conditions'),
              'low_light_dusk,night_conditions'
       FROM generate_series(1, ${keyframes}) g`,
    ],
    ['VACUUM ANALYZE', 'VACUUM ANALYZE'],
  ];
  try {
    for (const [label, sql] of steps) {
      const started = performance.now();
      await db.query(sql);
      console.log(`  seeded ${label} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    await db.end();
  }
}

/** The bare comparison: node http + the same pg queries, no framework, no validation, no logging. */
function bareServer(db: Database): http.Server {
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handle = async (): Promise<unknown> => {
      let match: RegExpExecArray | null;
      if ((match = /^\/api\/annotations\/(\d+)\/tags$/.exec(url.pathname))) {
        const type = url.searchParams.get('annotation_type') ?? 'keyframe';
        return { success: true, tags: await getAnnotationTags(db, Number(match[1]), type) };
      }
      if ((match = /^\/api\/videos\/(\d+)\/keyframe-annotations$/.exec(url.pathname))) {
        return { success: true, annotations: await listKeyframes(db, Number(match[1])) };
      }
      if (url.pathname === '/api/videos') return { success: true, videos: await listVideos(db, {}) };
      if ((match = /^\/api\/videos\/(\d+)$/.exec(url.pathname))) {
        const found = await getVideo(db, Number(match[1]));
        return found ? { success: true, ...found } : undefined;
      }
      return undefined;
    };
    handle().then(
      (body) => (body ? send(res, 200, body) : send(res, 404, { success: false, error: 'Not found' })),
      (error: Error) => send(res, 500, { success: false, error: error.message }),
    );
  });
}

/** One connection, one query at a time: what each read costs the database, without any HTTP. */
async function queryBaseline(url: string): Promise<void> {
  const db = createDatabase({
    ...databaseOptionsFromConfig(loadConfig({ DATABASE_URL: url }), 'bench'),
    poolMax: 1,
  });
  const reads: [string, () => Promise<unknown>][] = [
    [SCENARIOS[0]!.name, () => getAnnotationTags(db, randomId(VIDEOS * KEYFRAMES_PER_VIDEO), 'keyframe')],
    [SCENARIOS[1]!.name, () => listKeyframes(db, randomId(VIDEOS))],
    [SCENARIOS[2]!.name, () => listVideos(db, {})],
    [SCENARIOS[3]!.name, () => getVideo(db, randomId(VIDEOS))],
  ];
  try {
    for (const [name, read] of reads) {
      for (let i = 0; i < 20; i++) await read();
      const started = performance.now();
      for (let i = 0; i < 200; i++) await read();
      console.log(`  query only  ${name.padEnd(34)} ${((performance.now() - started) / 200).toFixed(2)} ms`);
    }
  } finally {
    await db.close();
  }
}

/** Child process: serve one kind on 127.0.0.1, report the port, stop on 'stop'. */
async function serve(kind: ServerKind, url: string): Promise<void> {
  const config = loadConfig({ ...process.env, DATABASE_URL: url });
  const db = createDatabase(databaseOptionsFromConfig(config, `bench-${kind}`));
  let server: http.Server;
  let closeQueue = async () => {};
  if (kind === 'framework') {
    const queue = createQueueBackend({
      redisUrl: config.REDIS_URL,
      databaseUrl: config.DATABASE_URL,
      prefix: `bench-${randomBytes(4).toString('hex')}`,
    });
    const { createAppContext } = await import('../src/context');
    const context = createAppContext({ config, db, queue });
    closeQueue = async () => {
      await context.jobs.close();
      await queue.close();
    };
    const { createApp, createLogger } = await import('../src/app');
    server = http.createServer(createApp(context, createLogger(config)));
  } else {
    server = bareServer(db);
  }
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  process.on('message', (message) => {
    if (message === 'cpu') process.send!({ cpu: process.cpuUsage() });
    if (message !== 'stop') return;
    server.closeAllConnections();
    server.close(() => void Promise.all([db.close(), closeQueue()]).then(() => process.exit(0)));
  });
}

async function startServer(kind: ServerKind, url: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, ['serve', kind, url], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { child, port };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
}

const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

/** The server process's CPU time so far (user + system), in microseconds. */
function cpuTime(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { cpu?: NodeJS.CpuUsage }) => {
      if (!message.cpu) return;
      child.off('message', onMessage);
      resolve(message.cpu.user + message.cpu.system);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

interface Figures {
  reqPerSec: number;
  p50: number;
  p99: number;
  /** server CPU time per request, µs */
  cpuPerRequest: number;
  errors: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function load(
  server: { child: ChildProcess; port: number },
  scenario: Scenario,
  duration = DURATION,
): Promise<Figures> {
  const port = server.port;
  const cpuBefore = await cpuTime(server.child);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: scenario.path() }) }],
  });
  const cpu = (await cpuTime(server.child)) - cpuBefore;
  return {
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function main(): Promise<void> {
  const adminUrl = benchAdminUrl();
  const keep = process.env.BENCH_KEEP_DB;
  const name = keep ?? `gt_bench_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(adminUrl, name);
  const exists = await ensureDatabase(adminUrl, name);
  console.log(`${exists ? 'reusing' : 'scratch'} database ${name}`);
  try {
    await applyMigrations(url);
    if (!exists) await seed(url);
    await queryBaseline(url);
    const results = new Map<string, Partial<Record<ServerKind, Figures>>>();
    // Both servers stay up; each read is driven against one, then the other, so a change in machine load
    // during the run skews both sides alike.
    const servers = { framework: await startServer('framework', url), bare: await startServer('bare', url) };
    const loadBefore = loadAverage();
    try {
      for (const scenario of SCENARIOS) {
        const rounds: Record<ServerKind, Figures[]> = { framework: [], bare: [] };
        for (const kind of ['framework', 'bare'] as const) await load(servers[kind], scenario, 3); // warm-up: JIT, pool, prepared statements
        for (let round = 1; round <= ROUNDS; round++) {
          for (const kind of ['framework', 'bare'] as const) {
            const f = await load(servers[kind], scenario);
            rounds[kind].push(f);
            console.log(
              `  ${kind.padEnd(9)} ${scenario.name.padEnd(34)} ${f.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  ${f.cpuPerRequest.toFixed(0)} µs CPU/req  load ${loadAverage()}${f.errors ? `  errors ${f.errors}` : ''}`,
            );
          }
        }
        const summary = (list: Figures[]): Figures => ({
          reqPerSec: median(list.map((f) => f.reqPerSec)),
          p50: median(list.map((f) => f.p50)),
          p99: median(list.map((f) => f.p99)),
          cpuPerRequest: median(list.map((f) => f.cpuPerRequest)),
          errors: list.reduce((sum, f) => sum + f.errors, 0),
        });
        results.set(scenario.name, { framework: summary(rounds.framework), bare: summary(rounds.bare) });
      }
    } finally {
      await Promise.all([stopServer(servers.framework.child), stopServer(servers.bare.child)]);
    }
    const loadAfter = loadAverage();
    console.log(
      `\n${CONNECTIONS} connections, medians of ${ROUNDS} rounds of ${DURATION} s after a 3 s warm-up, ` +
        `${VIDEOS * KEYFRAMES_PER_VIDEO} keyframe ` +
        `annotations; ${os.cpus().length} CPUs (shared by autocannon, both servers and PostgreSQL); load average ` +
        `${loadBefore} before, ${loadAfter} after`,
    );
    console.log(
      'API/bare req/s = bare req/s ÷ API req/s (whole machine at saturation); API/bare CPU = server CPU per request ' +
        `of the API ÷ that of the bare server. By Little's law ${CONNECTIONS} connections at p50 < 15 ms need over ` +
        `${Math.round(CONNECTIONS / 0.015)} req/s.\n`,
    );
    console.log(
      '| read | API req/s | API p50 | API p99 | API CPU/req | bare req/s | bare p50 | bare p99 | bare CPU/req | ' +
        'API/bare req/s | API/bare CPU | p99 < 15 ms | req/s ratio <= 2x | CPU ratio <= 2x |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    let failed = 0;
    for (const [scenario, { framework, bare }] of results) {
      if (!framework || !bare) continue;
      const cost = bare.reqPerSec / framework.reqPerSec;
      const cpuCost = framework.cpuPerRequest / bare.cpuPerRequest;
      const verdict = (ok: boolean) => {
        if (!ok) failed++;
        return ok ? 'PASS' : 'FAIL';
      };
      console.log(
        `| ${scenario} | ${framework.reqPerSec.toFixed(0)} | ${framework.p50} ms | ${framework.p99} ms | ` +
          `${framework.cpuPerRequest.toFixed(0)} µs | ${bare.reqPerSec.toFixed(0)} | ${bare.p50} ms | ${bare.p99} ms | ` +
          `${bare.cpuPerRequest.toFixed(0)} µs | ${cost.toFixed(2)}x | ${cpuCost.toFixed(2)}x | ` +
          `${verdict(framework.p99 < 15 && framework.errors === 0)} (bare ${bare.p99 < 15 ? 'PASS' : 'FAIL'}) | ` +
          `${verdict(cost <= 2)} | ${verdict(cpuCost <= 2)} |`,
      );
    }
    console.log(`\n${failed === 0 ? 'PASS' : `FAIL (${failed} goal checks)`}`);
  } finally {
    if (!keep) {
      await dropDatabase(adminUrl, name);
      console.log(`dropped ${name}`);
    }
  }
}

if (process.argv[2] === 'serve') {
  void serve(process.argv[3] as ServerKind, process.argv[4]!);
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
