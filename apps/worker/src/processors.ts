import {
  ecoeyeProcessors,
  ingestProcessors,
  trainingProcessors,
  vibrationProcessors,
  yoloProcessors,
  type JobDeps,
  type JobProcessors,
} from '@groundtruth/jobs';

/** Every registered job's processor; each area of packages/jobs exports a factory. Add new areas here. */
export function allProcessors(deps: JobDeps): JobProcessors {
  return {
    ...trainingProcessors(deps),
    ...yoloProcessors(deps),
    ...vibrationProcessors(deps),
    ...ecoeyeProcessors(deps),
    ...ingestProcessors(deps),
    ...ecoeyeProcessors(deps),
    ...ingestProcessors(deps),
  };
}
