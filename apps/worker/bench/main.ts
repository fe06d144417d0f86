/**
 * `pnpm bench:worker`: the worker's benchmarks on real PostgreSQL (TEST_DATABASE_URL or embedded) and Redis.
 * Each section prints wall time, jobs/s and peak RSS. Sections live in their own files and are listed here.
 */
import { yoloLabelExportBench } from './yolo-labels';
import { ecoeyeSyncBench } from './ecoeye-sync';

export interface BenchFigures {
  name: string;
  wallMs: number;
  jobs: number;
  goalMs?: number;
}

export type BenchSection = () => Promise<BenchFigures>;

const sections: BenchSection[] = [yoloLabelExportBench, ecoeyeSyncBench];

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

async function main(): Promise<void> {
  let failed = false;
  for (const section of sections) {
    peakRss = process.memoryUsage().rss;
    const figures = await section();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const seconds = figures.wallMs / 1000;
    const verdict =
      figures.goalMs === undefined ? '' : figures.wallMs <= figures.goalMs ? ' (goal met)' : ' (GOAL MISSED)';
    if (figures.goalMs !== undefined && figures.wallMs > figures.goalMs) failed = true;
    console.log(
      `${figures.name}: ${seconds.toFixed(2)} s wall${verdict}, ${(figures.jobs / seconds).toFixed(0)} jobs/s, ` +
        `peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MiB`,
    );
  }
  clearInterval(sampler);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
