/**
 * `pnpm bench:fuzz`: the long mode of test/fuzz.test.ts — every declared route with FUZZ_PER_ROUTE (default 500)
 * generated requests plus the hostile sweep, on a scratch database. Prints the requests by class, the findings (5xx
 * and errors outside the `{ success: false, error }` envelope) by class, and the throughput. FUZZ_SEED replays a run.
 * Env: TEST_DATABASE_URL (a server whose user may create databases), REDIS_URL.
 */
import globalSetup from '@groundtruth/db/testing/global-setup';
import globalTeardown from '@groundtruth/db/testing/global-teardown';
import { fuzz, fuzzSeed, startFuzzTarget, summarize } from '../test/fuzz/runner';

async function main(): Promise<void> {
  const perRoute = Number(process.env.FUZZ_PER_ROUTE ?? 500);
  const seed = fuzzSeed();
  await globalSetup(); // the migrated template database the test harness clones
  const target = await startFuzzTarget();
  try {
    const started = performance.now();
    const report = await fuzz(target, {
      seed,
      perRoute,
      concurrency: Number(process.env.FUZZ_CONCURRENCY ?? 4),
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(summarize(report, 200));
    console.log(
      `${report.requests} requests in ${seconds.toFixed(1)} s (${Math.round(report.requests / seconds)}/s), ` +
        `${report.findings.length} findings`,
    );
    process.exitCode = report.findings.length || !report.healthyAfter ? 1 : 0;
  } finally {
    await target.close();
    await globalTeardown();
  }
}

void main();
