import { missingProcessors, type JobProcessors } from '@groundtruth/jobs';
import { EXTERNALLY_PROCESSED_JOBS, jobCatalog, type JobCatalog } from './catalog';
import { DomainError } from './shared/errors';
import type { Services } from './services';

/**
 * A processor for every job of the catalog that this platform runs: each service that owns jobs exposes its
 * `processors`. Throws when a job of the catalog would have none (the worker would leave it waiting forever).
 */
export function jobProcessors(services: Services): JobProcessors<JobCatalog> {
  const processors: JobProcessors<JobCatalog> = {};
  for (const service of Object.values(services) as object[]) {
    if ('processors' in service) Object.assign(processors, service.processors);
  }
  const missing = missingProcessors(jobCatalog, processors).filter(
    (key) => !(EXTERNALLY_PROCESSED_JOBS as readonly string[]).includes(key),
  );
  if (missing.length) throw new Error(`No processor for job(s): ${missing.join(', ')}`);
  return processors;
}

/**
 * A processor's failure that a retry cannot fix: the client's mistake or a missing row or setting (a DomainError of
 * those kinds). The runner fails such a job at once (its `isPermanent` option) instead of retrying it.
 */
export function isPermanentJobFailure(error: unknown): boolean {
  return (
    error instanceof DomainError &&
    (error.kind === 'invalid-input' || error.kind === 'not-found' || error.kind === 'not-configured')
  );
}
