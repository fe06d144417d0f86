/**
 * `pnpm bench:topology`: the camera-topology calls (graph, a person's transitions and path, link suggestions) on a
 * scratch database seeded with generate_series SQL (dropped at the end), timed call by call.
 *
 * Env: TEST_DATABASE_URL or DATABASE_URL (a server whose user may create databases), BENCH_ANNOTATIONS (default
 * 1000000 keyframe annotations, one annotation tag each), BENCH_PERSON_SHARE (every Nth annotation carries a person
 * name; default 50 → 2%), BENCH_PEOPLE (distinct names; default 200), BENCH_RUNS (timed calls each; default 50),
 * BENCH_KEEP_DB (a database name: `<name>_topology` is seeded once, reused and kept, for looking at query plans;
 * the suffix keeps it apart from hot-reads.ts's database when `pnpm bench:api` runs both).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '@groundtruth/config';
import { createDatabase, databaseOptionsFromConfig } from '@groundtruth/db';
import { applyMigrations } from '@groundtruth/db/migrations';
import { benchAdminUrl, databaseUrl, dropDatabase, ensureDatabase } from '@groundtruth/db/testing';
import { TopologyService } from '@groundtruth/domain';

const ANNOTATIONS = Number(process.env.BENCH_ANNOTATIONS ?? 1_000_000);
const PERSON_SHARE = Number(process.env.BENCH_PERSON_SHARE ?? 50);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const VIDEOS = 2000;
const CAMERAS = 40;

async function seed(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const steps: [string, string][] = [
    [
      `${VIDEOS} videos on ${CAMERAS} cameras`,
      `INSERT INTO videos (filename, title, notes)
       SELECT 'bench_' || g || '.mp4', 'Camera ' || (g % ${CAMERAS}) || ' clip ' || g,
              CASE WHEN g % 2 = 0 THEN 'Camera: cam' || (g % ${CAMERAS}) || ' yard' END
         FROM generate_series(1, ${VIDEOS}) g`,
    ],
    [
      'tag groups',
      `INSERT INTO tag_groups (group_name, display_name, group_type, applies_to, sort_order) VALUES
         ('person_name', 'Person Name', 'text', NULL, 0),
         ('make', 'Make', 'text', 'both', 5),
         ('_scenario_data', 'Scenario Data', 'text', 'both', 999)`,
    ],
    [
      `${ANNOTATIONS} keyframe annotations (one every 20 s of annotation time)`,
      `INSERT INTO keyframe_annotations (video_id, timestamp, bbox_x, bbox_y, bbox_width, bbox_height, created_date)
       SELECT 1 + abs(hashint4(g)::bigint) % ${VIDEOS}, (g % 600) * 0.5, g % 1500, g % 900, 50, 80,
              timestamp '2026-01-01' + g * interval '20 seconds'
         FROM generate_series(1, ${ANNOTATIONS}) g`,
    ],
    [
      `${ANNOTATIONS} annotation tags (1 in ${PERSON_SHARE} a person name of ${PEOPLE} people)`,
      `INSERT INTO annotation_tags (annotation_id, annotation_type, group_id, tag_value, created_date)
       SELECT g, 'keyframe',
              CASE WHEN g % ${PERSON_SHARE} = 0 THEN 1 WHEN g % ${PERSON_SHARE} = 1 THEN 3 ELSE 2 END,
              CASE WHEN g % ${PERSON_SHARE} = 0
                     THEN '{"person_name": "Person ' || ((g / ${PERSON_SHARE}) % ${PEOPLE}) || '"}'
                   WHEN g % ${PERSON_SHARE} = 1
                     THEN '{"scenario": "person_identification", "bboxes": {"face": {"x": ' || g % 500 || '}}}'
                   ELSE (ARRAY['Ford', 'Toyota', 'Honda', 'Yamaha'])[1 + g % 4] END,
              timestamp '2026-01-01' + g * interval '20 seconds'
         FROM generate_series(1, ${ANNOTATIONS}) g`,
    ],
    ['analyze', 'ANALYZE'],
  ];
  try {
    for (const [label, sql] of steps) {
      const started = performance.now();
      await client.query(sql);
      console.log(`  seeded ${label} in ${Math.round(performance.now() - started)} ms`);
    }
  } finally {
    await client.end();
  }
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return (
    `p50 ${at(0.5).toFixed(1)} ms · p95 ${at(0.95).toFixed(1)} ms · p99 ${at(0.99).toFixed(1)} ms · ` +
    `max ${sorted.at(-1)!.toFixed(1)} ms`
  );
}

async function main(): Promise<void> {
  const adminUrl = benchAdminUrl();
  const keep = process.env.BENCH_KEEP_DB ? `${process.env.BENCH_KEEP_DB}_topology` : undefined;
  const name = keep ?? `gt_bench_topology_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(adminUrl, name);
  const exists = await ensureDatabase(adminUrl, name);
  const db = createDatabase(
    databaseOptionsFromConfig(loadConfig({ ...process.env, DATABASE_URL: url }), 'bench-topology'),
  );
  try {
    console.log(`${exists ? 'Reusing' : 'Seeding'} database ${name}`);
    await applyMigrations(url);
    if (!exists) await seed(url);
    const person = 'Person 7';
    // what each route runs: the service call, with its person check (404 for nobody)
    const topology = new TopologyService({ db });
    const links = { person_name: person, time_window_seconds: 300, limit: 1000 };
    const calls: [string, () => Promise<unknown>][] = [
      ['GET  /api/camera-topology/graph', () => topology.graph()],
      [`GET  /api/camera-topology/person/${person}/transitions`, () => topology.transitions(person)],
      [`GET  /api/camera-topology/person/${person}/path`, () => topology.path(person)],
      [`POST /api/camera-topology/suggest-links (${person}, 300 s)`, () => topology.suggestLinks(links)],
    ];
    const sizes = await Promise.all([
      topology.graph(),
      topology.transitions(person),
      topology.suggestLinks(links),
    ]);
    console.log(
      `Data: ${sizes[0].total_transitions} transitions, ${sizes[0].edges.length} edges, ${sizes[0].unique_people} ` +
        `people; ${person}: ${sizes[1].length} transitions, ${sizes[2].length} suggestions`,
    );
    console.log(`\n${RUNS} calls each (after 2 warm-up calls), one at a time:`);
    for (const [label, call] of calls) {
      await call();
      await call();
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await call();
        samples.push(performance.now() - started);
      }
      console.log(`  ${label.padEnd(62)} ${summary(samples)}`);
    }
  } finally {
    await db.close();
    if (!keep) await dropDatabase(adminUrl, name);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
