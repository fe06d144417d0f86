import type { JobProcessors } from '@groundtruth/jobs';
import type { DomainDeps } from '../shared/deps';
import { exportVibrationDataset } from './export';
import type { VibrationExportInput, VibrationExportResult, vibrationJobs } from './jobs';
import { listVibrationTags } from './queries';

/** Vibration / time-range export (api.md §4.9): the tags it can filter on, and the export job. */
export class VibrationService {
  /** The `vibration.export` job: writes the CSV dataset (export.ts). */
  readonly processors: JobProcessors<typeof vibrationJobs>;

  constructor(private readonly deps: Pick<DomainDeps, 'config' | 'db' | 'jobs'>) {
    this.processors = { 'vibration.export': (data) => exportVibrationDataset(deps, data) };
  }

  listTags() {
    return listVibrationTags(this.deps.db);
  }

  /** Runs the export as a worker job and waits for its result. */
  runExport(options: VibrationExportInput): Promise<VibrationExportResult> {
    return this.deps.jobs.run('vibration.export', options);
  }
}
