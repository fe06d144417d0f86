import type { z } from 'zod';
import type { PrismaClient } from '@groundtruth/db';
import { PermanentJobError, type JobContext } from '@groundtruth/jobs';
import type { DomainDeps } from '../shared/deps';
import { ToolMissingError } from '../shared/errors';
import { downloadUrlVideo, ingestDirs } from './files';
import type { ingestJobs } from './jobs';

type DownloadUrlData = z.output<(typeof ingestJobs)['ingest.downloadUrl']['data']>;

export async function runUrlDownloadJob(deps: DomainDeps, data: DownloadUrlData, context: JobContext) {
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

export function ingestProcessors(deps: DomainDeps) {
  return {
    'ingest.downloadUrl': (data: DownloadUrlData, context: JobContext) =>
      runUrlDownloadJob(deps, data, context),
  };
}
