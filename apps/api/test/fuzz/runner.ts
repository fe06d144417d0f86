import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {
  generateFakeEvents,
  startFakeEcoeye,
  type FakeEcoeye,
} from '@groundtruth/domain/testing/fake-ecoeye';
import { jobCatalog, jobProcessors } from '@groundtruth/domain';
import { startJobRunner, type JobRunner } from '@groundtruth/jobs';
import { applyServerTimeouts } from '../../src/limits';
import { ROUTE_SPECS, type RouteSpec } from '../../src/route';
import { loadLegacyFixture } from '../fixture';
import { startTestApp, type TestApp } from '../harness';
import { requestsFor, sweepFor, type FuzzRequest, type KnownIds } from './arbitraries';

/** What one answer broke: a 5xx, or an error that is not the contract's JSON envelope. */
export interface Finding {
  kind: string;
  route: string;
  request: string;
  status: number;
  error: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  routes: number;
  byKind: Record<string, number>;
  findings: Finding[];
  /** Findings counted by `kind` (the class of the hostile input). */
  findingsByKind: Record<string, number>;
  healthyAfter: boolean;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const REQUEST_TIMEOUT_MS = 20_000;

function send(port: number, request: FuzzRequest): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(request.body ? { 'content-length': request.body.length } : {}) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', () => resolve({ status: 599, contentType: '', body: 'response broken' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // A server that answers before reading the whole body (a refused write) may reset the socket: not a finding.
    req.on('error', (error) => resolve({ status: 598, contentType: '', body: String(error) }));
    req.end(request.body);
  });
}

/**
 * Not a client's mistake, and said in the envelope: 501 (the relay has no retry endpoint, the contract's one 501)
 * and 503 (a tool or service the server lacks, e.g. yt-dlp). Every other 5xx is a finding.
 */
const SERVER_SIDE = new Set([501, 503]);

/** The answer's problem, or undefined when it is a success or an error in the `{ success: false, error }` envelope. */
export function problemOf(answer: Answer): string | undefined {
  if (answer.status === 598) return answer.body.includes('ECONNRESET') ? undefined : answer.body;
  if (answer.status >= 500 && !SERVER_SIDE.has(answer.status)) return answer.body.slice(0, 300);
  if (answer.status < 400) return undefined;
  if (!answer.contentType.includes('application/json')) return `not JSON: ${answer.contentType}`;
  try {
    const body = JSON.parse(answer.body) as { success?: unknown; error?: unknown };
    if (body.success !== false || typeof body.error !== 'string')
      return `not the error envelope: ${answer.body}`;
  } catch {
    return 'unparsable JSON';
  }
  return undefined;
}

/** The app under test: the legacy fixture plus one row of each table a path id points at, a job runner, a relay. */
export interface FuzzTarget {
  t: TestApp;
  port: number;
  specs: RouteSpec[];
  ids: KnownIds;
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gt-fuzz-'));
  for (const sub of ['downloads', 'thumbnails', 'exports']) mkdirSync(path.join(dir, sub));
  const relay: FakeEcoeye = await startFakeEcoeye({ events: generateFakeEvents(3) });
  const t = await startTestApp({
    DOWNLOADS_DIR: path.join(dir, 'downloads'),
    THUMBNAILS_DIR: path.join(dir, 'thumbnails'),
    EXPORTS_DIR: path.join(dir, 'exports'),
    ECOEYE_BASE_URL: relay.url,
    ECOEYE_API_KEY: 'fuzz-key',
    UNIFI_TIMEOUT_MS: '500',
    YT_DLP_PATH: path.join(dir, 'no-yt-dlp'),
    DATABASE_POOL_MAX: '6',
  });
  await loadLegacyFixture(t.context.db.pool);
  const { rows } = await t.context.db.pool.query<{ config: number; job: string; suggestion: number }>(`
    WITH config AS (INSERT INTO yolo_export_configs (config_name, class_mapping) VALUES ('fuzz', '{"walking":0}')
                    RETURNING id),
         job AS (INSERT INTO training_jobs (job_id, job_type, status) VALUES ('fuzz-job', 'yolo-training', 'queued')
                 RETURNING job_id),
         suggestion AS (INSERT INTO tag_suggestions (category, tag_text) VALUES ('fuzz', 'fuzz') RETURNING id)
    SELECT (SELECT id FROM config) AS config, (SELECT job_id FROM job) AS job,
           (SELECT id FROM suggestion) AS suggestion`);
  const first = async (table: string) =>
    (await t.context.db.pool.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id LIMIT 2`)).rows.map(
      (row) => row.id,
    );
  const videos = await first('videos');
  const ids: KnownIds = {
    videoId: videos,
    annotationId: await first('keyframe_annotations'),
    tagId: await first('time_range_tags'),
    config_id: [rows[0]!.config],
    groupName: (
      await t.context.db.pool.query<{ name: string }>('SELECT group_name AS name FROM tag_groups LIMIT 2')
    ).rows.map((row) => row.name),
    job_id: [rows[0]!.job],
    suggestionId: [rows[0]!.suggestion],
  };
  const runner: JobRunner = startJobRunner({
    backend: t.context.queue,
    catalog: jobCatalog,
    processors: jobProcessors(t.context.services),
    concurrency: 2,
  });
  const server = t.app.listen(0, '127.0.0.1');
  applyServerTimeouts(server, t.context.config);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    t,
    port,
    specs: t.app.locals[ROUTE_SPECS] as RouteSpec[],
    ids,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await runner.close();
      await t.close();
      await relay.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fuzz seed: FUZZ_SEED when given, else a fresh one (printed by the callers, so a failure can be replayed). */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED;
  return given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}

/**
 * Sends the sweep (every hostile path value and raw body on every route, once) and `perRoute` generated requests to every declared route (`concurrency` at a time), then asks /api/health.
 * The same seed generates the same requests.
 */
export async function fuzz(
  target: FuzzTarget,
  options: { seed: number; perRoute: number; concurrency?: number },
): Promise<FuzzReport> {
  const requests = [
    ...target.specs.flatMap((spec) => sweepFor(spec, target.ids)),
    ...target.specs.flatMap((spec, index) =>
      fc.sample(requestsFor(spec, target.ids), { seed: options.seed + index, numRuns: options.perRoute }),
    ),
  ];
  const byKind: Record<string, number> = {};
  const findings: Finding[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++]!;
      byKind[request.kind] = (byKind[request.kind] ?? 0) + 1;
      const answer = await send(target.port, request);
      const problem = problemOf(answer);
      if (problem !== undefined) {
        findings.push({
          kind: request.kind,
          route: request.route,
          request: `${request.method} ${request.path.slice(0, 200)} ${request.body?.subarray(0, 200).toString() ?? ''}`,
          status: answer.status,
          error: problem,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  const health = await send(target.port, {
    kind: 'health',
    route: '',
    method: 'GET',
    path: '/api/health',
    headers: {},
  });
  const findingsByKind: Record<string, number> = {};
  for (const finding of findings) findingsByKind[finding.kind] = (findingsByKind[finding.kind] ?? 0) + 1;
  return {
    seed: options.seed,
    requests: requests.length,
    routes: target.specs.length,
    byKind,
    findings,
    findingsByKind,
    healthyAfter: health.status === 200 && (JSON.parse(health.body) as { status?: string }).status === 'ok',
  };
}

/** A short human summary: counts by class, then the first findings of each route and class. */
export function summarize(report: FuzzReport, examples = 40): string {
  const seen = new Set<string>();
  const lines = report.findings
    .filter((finding) => {
      const key = `${finding.route} ${finding.kind}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, examples)
    .map((f) => `  [${f.kind}] ${f.status} ${f.route}\n      ${f.request}\n      → ${f.error}`);
  return [
    `fuzz seed=${report.seed} requests=${report.requests} routes=${report.routes} findings=${report.findings.length} healthyAfter=${report.healthyAfter}`,
    `requests by class: ${JSON.stringify(report.byKind)}`,
    `findings by class: ${JSON.stringify(report.findingsByKind)}`,
    ...lines,
  ].join('\n');
}
