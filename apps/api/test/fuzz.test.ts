import { fuzz, fuzzSeed, startFuzzTarget, summarize, type FuzzTarget } from './fuzz/runner';

/**
 * The property suite over every declared route: generated valid and hostile params, queries and bodies (NUL bytes,
 * lone surrogates, coerced and out-of-range integers, 1 MB texts, deep JSON, malformed multipart, wrong
 * Content-Type). No answer may be a 5xx; every error is the contract's `{ success: false, error }` JSON; the server
 * answers /api/health afterwards. Seeded (FUZZ_SEED replays a run); FUZZ_PER_ROUTE sets the requests per route.
 * `pnpm bench:fuzz` runs the long mode.
 */
describe('hostile input on every route', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await startFuzzTarget();
  }, 60_000);
  afterAll(() => target.close());

  it('answers no 5xx and only enveloped JSON errors, and stays healthy', async () => {
    const seed = fuzzSeed();
    const report = await fuzz(target, { seed, perRoute: Number(process.env.FUZZ_PER_ROUTE ?? 60) });
    const summary = summarize(report);
    console.log(summary);
    expect(report.routes).toBeGreaterThan(80);
    expect(report.healthyAfter).toBe(true);
    if (report.findings.length) throw new Error(`replay with FUZZ_SEED=${seed}\n${summary}`);
  }, 120_000);
});
