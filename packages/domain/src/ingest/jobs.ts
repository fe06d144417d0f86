import { z } from 'zod';
import { defineJob } from '@groundtruth/jobs';
import { urlDownloadJobId } from './urls';

export const INGEST_QUEUE = 'ingest';

/** A queued URL download, as the download status lists it. */
export const urlDownloadData = z.object({
  url: z.string().min(1),
  normalized_url: z.string().min(1),
  queued_at: z.number(),
});

export const ingestJobs = {
  /** A URL download through yt-dlp (route 4); one job per normalised URL. */
  'ingest.downloadUrl': defineJob({
    queue: INGEST_QUEUE,
    name: 'download-url',
    data: urlDownloadData,
    result: z.object({ video_id: z.number().int(), filename: z.string() }),
    jobId: (data) => urlDownloadJobId(data.normalized_url),
    options: { attempts: 2, backoff: { type: 'exponential', delay: 10_000 } },
  }),
};
