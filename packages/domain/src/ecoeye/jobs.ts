import { z } from 'zod';
import { defineJob } from '@groundtruth/jobs';

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
