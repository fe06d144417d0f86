import { missingProcessors, type JobProcessors } from '@groundtruth/jobs';
import { EXTERNALLY_PROCESSED_JOBS, jobCatalog, type JobCatalog } from './catalog';
import { ecoeyeProcessors } from './ecoeye/processors';
import { ingestProcessors } from './ingest/processors';
import type { DomainDeps } from './shared/deps';
import { trainingProcessors } from './training/dispatch';
import { vibrationProcessors } from './vibration/export';
import { yoloProcessors } from './yolo/export';

/** A processor for every job of the catalog that this platform runs (the worker registers exactly these). */
export function jobProcessors(deps: DomainDeps): JobProcessors<JobCatalog> {
  const processors: JobProcessors<JobCatalog> = {
    ...trainingProcessors(deps),
    ...yoloProcessors(deps),
    ...vibrationProcessors(deps),
    ...ecoeyeProcessors(deps),
    ...ingestProcessors(deps),
  };
  const missing = missingProcessors(jobCatalog, processors).filter(
    (key) => !(EXTERNALLY_PROCESSED_JOBS as readonly string[]).includes(key),
  );
  if (missing.length) throw new Error(`No processor for job(s): ${missing.join(', ')}`);
  return processors;
}
