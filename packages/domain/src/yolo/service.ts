import type { JobProcessors } from '@groundtruth/jobs';
import type { DomainDeps } from '../shared/deps';
import { ConflictError, NotFoundError } from '../shared/errors';
import { exportYoloDataset } from './export';
import type { YoloExportResult, yoloJobs } from './jobs';
import {
  addYoloFilter,
  createYoloConfig,
  getYoloConfig,
  listYoloConfigs,
  yoloActivityTags,
  yoloSelection,
} from './queries';
import {
  yoloExportBody,
  type NewYoloConfig,
  type NewYoloFilter,
  type YoloConfigRow,
  type YoloPreview,
} from './schemas';

/** YOLO export configs, their video filters, the preview and the dataset export job (api.md §4.1). */
export class YoloService {
  /** The `yolo.export` job: writes the dataset (export.ts). */
  readonly processors: JobProcessors<typeof yoloJobs>;

  constructor(private readonly deps: Pick<DomainDeps, 'config' | 'db' | 'jobs' | 'media'>) {
    this.processors = { 'yolo.export': (data, context) => exportYoloDataset(deps, data, context) };
  }

  listConfigs() {
    return listYoloConfigs(this.deps.db);
  }

  /** The new config's id; ConflictError when the name is taken. */
  async createConfig(config: NewYoloConfig): Promise<number> {
    const id = await createYoloConfig(this.deps.db, config);
    if (id === undefined) throw new ConflictError(`config_name: "${config.config_name}" already exists`);
    return id;
  }

  async addFilter(configId: number, filter: NewYoloFilter): Promise<void> {
    if (!(await addYoloFilter(this.deps.db, configId, filter))) {
      throw new NotFoundError(`Export configuration ${configId} not found`);
    }
  }

  /** What an export of the config would take: the same rules as the export. */
  async preview(configId: number): Promise<YoloPreview> {
    const config = await this.requireConfig(configId);
    const { videoIds, annotations } = await yoloSelection(this.deps.db, config);
    const classDistribution: Record<string, number> = {};
    for (const annotation of annotations) {
      classDistribution[annotation.activity_tag] = (classDistribution[annotation.activity_tag] ?? 0) + 1;
    }
    return {
      video_count: videoIds.length,
      total_annotations: annotations.length,
      class_distribution: classDistribution,
      config,
    };
  }

  /**
   * Runs the export as a worker job and waits for its result. `body` is the request's optional body, checked
   * (a ZodError) only once the config is known to exist: an unknown config answers 404 whatever the body.
   */
  async runExport(configId: number, body: unknown): Promise<YoloExportResult> {
    await this.requireConfig(configId);
    const options = yoloExportBody.parse(body ?? {});
    return this.deps.jobs.run('yolo.export', { config_id: configId, ...options });
  }

  activityTags() {
    return yoloActivityTags(this.deps.db);
  }

  private async requireConfig(configId: number): Promise<YoloConfigRow> {
    const config = await getYoloConfig(this.deps.db, configId);
    if (!config) throw new NotFoundError(`Export configuration ${configId} not found`);
    return config;
  }
}
