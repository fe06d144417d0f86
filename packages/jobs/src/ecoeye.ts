import { z } from 'zod';
import {
  createEcoeyeClient,
  downloadAlertVideo,
  getSyncIntervalMinutes,
  ingestDirs,
  requireEcoeyeCredentials,
  syncEcoeyeAlerts,
  EcoeyeNotConfiguredError,
  type EcoeyeClientOptions,
} from '@groundtruth/domain';
import type { PrismaClient } from '@groundtruth/db';
import { defineJob, PermanentJobError, type JobContext } from './define';
import type { JobDeps } from './deps';
import type { JobProducer } from './producer';

export const ECOEYE_QUEUE = 'ecoeye';
export const ECOEYE_SYNC_SCHEDULER_ID = 'ecoeye-alert-sync';

const isoDate = z.iso.datetime({ offset: true }).optional();

export const ecoeyeJobs = {
  /** One alert sync run (scheduled by the job scheduler, or on demand). */
  'ecoeye.syncAlerts': defineJob({
    queue: ECOEYE_QUEUE,
    name: 'sync-alerts',
    data: z.object({
      start_time: isoDate,
      end_time: isoDate,
      /** Queue a download job for every alert with a video that is not downloaded yet. */
      download_videos: z.boolean().default(false),
    }),
    result: z.object({
      success: z.boolean(),
      history_id: z.number().int(),
      total_synced: z.number().int(),
      new_alerts: z.number().int(),
      updated_alerts: z.number().int(),
      failed: z.number().int(),
      downloads_queued: z.number().int(),
    }),
    options: { attempts: 3 },
  }),
  /** Download one alert's video; the job id makes re-queuing the same alert a no-op. */
  'ecoeye.downloadVideo': defineJob({
    queue: ECOEYE_QUEUE,
    name: 'download-video',
    data: z.object({ alert_id: z.string().min(1) }),
    result: z.object({
      alert_id: z.string(),
      video_id: z.number().int(),
      path: z.string(),
      already: z.boolean(),
    }),
    jobId: (data) => `ecoeye-video-${Buffer.from(data.alert_id).toString('base64url')}`,
  }),
};

type SyncData = z.output<(typeof ecoeyeJobs)['ecoeye.syncAlerts']['data']>;
type DownloadData = z.output<(typeof ecoeyeJobs)['ecoeye.downloadVideo']['data']>;

export interface EcoeyeJobOptions {
  /** Client tuning (timeouts, back-off), mostly for tests and the benchmark. */
  client?: Partial<EcoeyeClientOptions>;
  pageSize?: number;
}

async function clientFor(deps: JobDeps, options: EcoeyeJobOptions) {
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
  deps: JobDeps,
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
      const queued = await deps.producer.enqueue('ecoeye.downloadVideo', { alert_id: alert.alertId });
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
  deps: JobDeps,
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

export function ecoeyeProcessors(deps: JobDeps, options: EcoeyeJobOptions = {}) {
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
export async function applyEcoeyeSchedule(prisma: PrismaClient, producer: JobProducer): Promise<number> {
  const minutes = await getSyncIntervalMinutes(prisma);
  const queue = producer.queue(ECOEYE_QUEUE);
  if (minutes <= 0) {
    await queue.removeJobScheduler(ECOEYE_SYNC_SCHEDULER_ID);
    return 0;
  }
  const definition = ecoeyeJobs['ecoeye.syncAlerts'];
  await queue.upsertJobScheduler(
    ECOEYE_SYNC_SCHEDULER_ID,
    { every: minutes * 60_000 },
    {
      name: definition.name,
      data: definition.data.parse({ download_videos: true }),
      opts: { ...definition.options },
    },
  );
  return minutes;
}
