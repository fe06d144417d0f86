import { missingProcessors, type JobProcessors } from '@groundtruth/jobs';
import { EXTERNALLY_PROCESSED_JOBS, jobCatalog, type JobCatalog } from './catalog';
import type { Services } from './services';
import type { DomainDeps } from './shared/deps';
import { vibrationProcessors } from './vibration/export';
import { yoloProcessors } from './yolo/export';

/** Processors of the features whose jobs are not yet handled by their service (each entry moves into its service). */
function standaloneProcessors(deps: DomainDeps): JobProcessors<JobCatalog> {
  return {
    ...yoloProcessors(deps),
    ...vibrationProcessors(deps),
  };
}

/**
 * A processor for every job of the catalog that this platform runs: each service that owns jobs exposes its
 * `processors`. Throws when a job of the catalog would have none (the worker would leave it waiting forever).
 */
export function jobProcessors(services: Services, deps: DomainDeps): JobProcessors<JobCatalog> {
  const processors: JobProcessors<JobCatalog> = { ...standaloneProcessors(deps) };
  for (const service of Object.values(services) as object[]) {
    if ('processors' in service) Object.assign(processors, service.processors);
  }
  const missing = missingProcessors(jobCatalog, processors).filter(
    (key) => !(EXTERNALLY_PROCESSED_JOBS as readonly string[]).includes(key),
  );
  if (missing.length) throw new Error(`No processor for job(s): ${missing.join(', ')}`);
  return processors;
}
