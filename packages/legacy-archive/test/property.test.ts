import { migrate, type MigrationReport } from '../src';
import { generateLegacyFile, sprinkleHostileValues } from '../src/testing';
import { query, scratch, targetState } from './helpers';

const { file: scratchFile, database } = scratch('gt-property-');

/** MIGRATE_PROPERTY_SEED=<n> replays a failure; MIGRATE_PROPERTY_RUNS bounds the count (3 files by default). */
const SEED = Number(process.env.MIGRATE_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.MIGRATE_PROPERTY_RUNS ?? 3);
const EDITS_PER_FILE = 200;

function expectConsistent(report: MigrationReport): void {
  expect(report.problems).toEqual([]);
  for (const table of report.tables) {
    expect({ table: table.table, check: table.check }).toEqual({
      table: table.table,
      check: table.status === 'missing-in-source' ? 'skipped' : 'ok',
    });
    expect(table.read).toBe(table.written + table.quarantined);
  }
  expect(report.ok).toBe(true);
}

describe('random legacy files with hostile values in every column', () => {
  beforeAll(() => {
    process.stdout.write(`property test seed: ${SEED} (MIGRATE_PROPERTY_SEED=${SEED} replays it)\n`);
  });

  it.each(Array.from({ length: RUNS }, (_, i) => SEED + i))(
    'seed %i: no run crashes, source = migrated + quarantined per table, both writers agree, a second run only verifies',
    async (seed) => {
      const file = scratchFile(`random-${seed}.db`);
      const rand = (seed * 2654435761) >>> 0;
      generateLegacyFile(file, {
        scale: 0.001 + (rand % 3) * 0.001,
        seed,
        quirks: rand % 2 === 0,
        reviewed: rand % 5 !== 0,
        ecoeye: (['full', 'old', 'none'] as const)[rand % 3],
      });
      const edits = sprinkleHostileValues(file, seed, EDITS_PER_FILE);
      const [copy, createMany] = [await database(`p-copy-${seed}`), await database(`p-many-${seed}`)];
      const context = `seed ${seed}, edits: ${JSON.stringify(edits.slice(0, 200))}`;
      const run = (url: string, writer: 'copy' | 'createMany') =>
        migrate({ source: file, databaseUrl: url, writer, batchSize: 97 }).catch((error: unknown) => {
          throw new Error(`${writer} crashed (${context}): ${(error as Error).message}`);
        });
      const a = await run(copy.url, 'copy');
      const b = await run(createMany.url, 'createMany');
      expectConsistent(a);
      expectConsistent(b);
      expect(await targetState(createMany.url)).toEqual(await targetState(copy.url));
      const [quarantined] = await query<{ n: number }>(
        copy.url,
        'SELECT count(*)::int AS n FROM _migrator_quarantine',
      );
      expect(quarantined!.n).toBe(a.quarantined);

      const again = await run(copy.url, 'copy');
      expectConsistent(again);
      expect(
        again.tables.every((t) => t.status === 'already-migrated' || t.status === 'missing-in-source'),
      ).toBe(true);
      expect([again.written, again.quarantined]).toEqual([a.written, a.quarantined]);
    },
    120_000,
  );
});
