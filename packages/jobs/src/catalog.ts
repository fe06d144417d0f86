import type { z } from 'zod';
import type { JobContext, JobDefinition } from './define';

/**
 * A catalog: every job of an application by key (`area.name`). The runtime (producer, runner) is generic over the
 * catalog an application supplies and knows no concrete job.
 */
export type JobCatalog = Record<string, JobDefinition>;

export type JobKey<C extends JobCatalog> = keyof C & string;
/** What a caller passes (defaults not applied yet). */
export type JobData<C extends JobCatalog, K extends JobKey<C>> = z.input<C[K]['data']>;
/** What the processor receives (validated, defaults applied). */
export type JobInput<C extends JobCatalog, K extends JobKey<C>> = z.output<C[K]['data']>;
export type JobResult<C extends JobCatalog, K extends JobKey<C>> = z.output<C[K]['result']>;

export type JobProcessor<C extends JobCatalog, K extends JobKey<C>> = (
  data: JobInput<C, K>,
  context: JobContext,
) => Promise<z.input<C[K]['result']>>;

/** Processors by catalog key; a feature supplies those of its own jobs. */
export type JobProcessors<C extends JobCatalog> = { [K in JobKey<C>]?: JobProcessor<C, K> };

/** The queues a catalog's jobs run on, sorted. */
export function catalogQueueNames(catalog: JobCatalog): string[] {
  return [...new Set(Object.values(catalog).map((definition) => definition.queue))].sort();
}

/** The catalog's keys that have no processor among `processors` (a worker that would leave jobs waiting forever). */
export function missingProcessors(catalog: JobCatalog, processors: Record<string, unknown>): string[] {
  return Object.keys(catalog).filter((key) => typeof processors[key] !== 'function');
}
