import { z } from 'zod';
import type { PrismaClient } from '@groundtruth/db';
import { downloadUrlVideo, ingestDirs, ToolMissingError, urlDownloadJobId } from '@groundtruth/domain';
import { defineJob, PermanentJobError, type JobContext } from './define';
import type { JobDeps } from './deps';

export const INGEST_QUEUE = 'ingest';

export const ingestJobs = {
  /** A URL download through yt-dlp (route 4); one job per normalised URL. */
  'ingest.downloadUrl': defineJob({
    queue: INGEST_QUEUE,
    name: 'download-url',
    data: z.object({
      url: z.string().min(1),
      normalized_url: z.string().min(1),
      queued_at: z.number(),
    }),
    result: z.object({ video_id: z.number().int(), filename: z.string() }),
    jobId: (data) => urlDownloadJobId(data.normalized_url),
    options: { attempts: 2, backoff: { type: 'exponential', delay: 10_000 } },
  }),
};

type DownloadUrlData = z.output<(typeof ingestJobs)['ingest.downloadUrl']['data']>;

export async function runUrlDownloadJob(deps: JobDeps, data: DownloadUrlData, context: JobContext) {
  try {
    const result = await downloadUrlVideo(
      deps.db.prisma as PrismaClient,
      data.url,
      ingestDirs(deps.config),
      context.signal,
    );
    return { video_id: result.videoId, filename: result.filename };
  } catch (error) {
    if (error instanceof ToolMissingError) throw new PermanentJobError(error.message);
    throw error;
  }
}

export function ingestProcessors(deps: JobDeps) {
  return {
    'ingest.downloadUrl': (data: DownloadUrlData, context: JobContext) =>
      runUrlDownloadJob(deps, data, context),
  };
}
