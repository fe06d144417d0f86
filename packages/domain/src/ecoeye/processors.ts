import type { z } from 'zod';
import type { PrismaClient } from '@groundtruth/db';
import { PermanentJobError, type JobContext, type JobProducer } from '@groundtruth/jobs';
import type { JobCatalog } from '../catalog';
import { ingestDirs } from '../ingest/files';
import type { DomainDeps } from '../shared/deps';
import type { EcoeyeClientOptions } from './client';
import type { ecoeyeJobs } from './jobs';
import { ECOEYE_SYNC_SCHEDULER_ID } from './jobs';
import {
  createEcoeyeClient,
  downloadAlertVideo,
  getSyncIntervalMinutes,
  requireEcoeyeCredentials,
  syncEcoeyeAlerts,
  EcoeyeNotConfiguredError,
} from './sync';

type SyncData = z.output<(typeof ecoeyeJobs)['ecoeye.syncAlerts']['data']>;
type DownloadData = z.output<(typeof ecoeyeJobs)['ecoeye.downloadVideo']['data']>;

export interface EcoeyeJobOptions {
  /** Client tuning (timeouts, back-off), mostly for tests and the benchmark. */
  client?: Partial<EcoeyeClientOptions>;
  pageSize?: number;
}

async function clientFor(deps: DomainDeps, options: EcoeyeJobOptions) {
  const prisma = deps.db.prisma as PrismaClient;
  try {
    const credentials = await requireEcoeyeCredentials(prisma, deps.config.GROUNDTRUTH_ENCRYPTION_SECRET);
    return createEcoeyeClient(deps.config.ECOEYE_BASE_URL, credentials, options.client);
  } catch (error) {
    if (error instanceof EcoeyeNotConfiguredError) throw new PermanentJobError(error.message);
    throw error;
  }
}

export async function runAlertSyncJob(
  deps: DomainDeps,
  data: SyncData,
  context: JobContext,
  options: EcoeyeJobOptions = {},
) {
  const prisma = deps.db.prisma as PrismaClient;
  const client = await clientFor(deps, options);
  const result = await syncEcoeyeAlerts(prisma, client, {
    start: data.start_time ? new Date(data.start_time) : undefined,
    end: data.end_time ? new Date(data.end_time) : undefined,
    pageSize: options.pageSize,
    signal: context.signal,
    onProgress: (progress) => context.progress(progress),
  });
  // A relay that stays unreachable fails the run (recorded in sync_history) and BullMQ retries it.
  if (!result.success) throw new Error(result.error ?? 'EcoEye alert sync failed');
  let downloadsQueued = 0;
  if (data.download_videos) {
    const pending = await prisma.ecoeyeAlert.findMany({
      where: { videoAvailable: true, videoDownloaded: false },
      select: { alertId: true },
    });
    for (const alert of pending) {
      const queued = await deps.jobs.enqueue('ecoeye.downloadVideo', { alert_id: alert.alertId });
      if (queued.created) downloadsQueued += 1;
    }
  }
  return {
    success: result.success,
    history_id: result.history_id,
    total_synced: result.total_synced,
    new_alerts: result.new_alerts,
    updated_alerts: result.updated_alerts,
    failed: result.failed,
    downloads_queued: downloadsQueued,
  };
}

export async function runVideoDownloadJob(
  deps: DomainDeps,
  data: DownloadData,
  context: JobContext,
  options: EcoeyeJobOptions = {},
) {
  const prisma = deps.db.prisma as PrismaClient;
  const client = await clientFor(deps, options);
  const result = await downloadAlertVideo(
    prisma,
    client,
    data.alert_id,
    ingestDirs(deps.config),
    context.signal,
  );
  if (result.status === 'failed') {
    if (result.error.startsWith(`Alert ${data.alert_id} not found`))
      throw new PermanentJobError(result.error);
    throw new Error(result.error);
  }
  return { alert_id: result.alert_id, video_id: result.video_id, path: result.path, already: result.already };
}

export function ecoeyeProcessors(deps: DomainDeps, options: EcoeyeJobOptions = {}) {
  return {
    'ecoeye.syncAlerts': (data: SyncData, context: JobContext) =>
      runAlertSyncJob(deps, data, context, options),
    'ecoeye.downloadVideo': (data: DownloadData, context: JobContext) =>
      runVideoDownloadJob(deps, data, context, options),
  };
}

/**
 * Creates, updates or removes the job scheduler of the alert sync from the interval stored in settings
 * (`ecoeye.sync_interval_minutes`; 0 = no schedule). The worker calls it at start-up, the API after saving settings.
 */
export async function applyEcoeyeSchedule(
  prisma: PrismaClient,
  producer: JobProducer<JobCatalog>,
): Promise<number> {
  const minutes = await getSyncIntervalMinutes(prisma);
  if (minutes <= 0) {
    await producer.unschedule('ecoeye.syncAlerts', ECOEYE_SYNC_SCHEDULER_ID);
    return 0;
  }
  await producer.schedule('ecoeye.syncAlerts', ECOEYE_SYNC_SCHEDULER_ID, minutes * 60_000, {
    download_videos: true,
  });
  return minutes;
}
