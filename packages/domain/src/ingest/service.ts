import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import {
  PermanentJobError,
  type JobContext,
  type JobLifecycleState,
  type JobProcessors,
} from '@groundtruth/jobs';
import type { DomainDeps } from '../shared/deps';
import { InvalidInputError, ToolMissingError } from '../shared/errors';
import { describeStoredVideo, ingestDirs, moveToUniqueName, secureFilename, videoExtension } from './files';
import type { ingestJobs } from './jobs';
import { findVideoByUrl, registerVideo } from './queries';
import type {
  DownloadStatus,
  QueueDownloadAnswer,
  UploadAnswer,
  UploadedFile,
  UploadFields,
  VideoInfoAnswer,
} from './schemas';
import { systemToolStatus } from './tools';
import { normalizeVideoUrl, urlDownloadJobId } from './urls';
import { downloadWithYtDlp, fetchUrlVideoInfo, ytDlpAvailable } from './yt-dlp';

const DOWNLOAD_JOB = 'ingest.downloadUrl';
type DownloadUrlData = z.output<(typeof ingestJobs)[typeof DOWNLOAD_JOB]['data']>;

/** Job states in which a URL download is still to run. */
const QUEUED_STATES: readonly JobLifecycleState[] = ['waiting', 'delayed', 'prioritized', 'waiting-children'];

function requireUrl(url: string | null | undefined): string {
  if (!url || !url.trim()) throw new InvalidInputError('URL required');
  return url.trim();
}

/** Video ingest (api.md §3.1 routes 4–7, route 36): URL downloads as jobs, URL info, uploads, the tools it needs. */
export class IngestService {
  readonly processors: JobProcessors<typeof ingestJobs> = {
    [DOWNLOAD_JOB]: (data: DownloadUrlData, context: JobContext) => this.downloadUrl(data, context),
  };

  /**
   * Normalised URLs this process found already in the library (route 4's duplicates), as the legacy in-memory
   * URL → video cache also held them (route 5 counts them in `completed_count`; like that cache, per process).
   */
  private readonly duplicatesFound = new Map<string, number>();

  constructor(private readonly deps: Pick<DomainDeps, 'config' | 'db' | 'jobs' | 'media'>) {}

  /**
   * Route 4: queues a yt-dlp download unless the URL (normalised) is in the library already or its job is still
   * to run. A job that finished or failed earlier without a video is forgotten and queued again.
   */
  async queueDownload(input: string | null | undefined): Promise<QueueDownloadAnswer> {
    const { db, jobs } = this.deps;
    const url = requireUrl(input);
    const normalized = normalizeVideoUrl(url);
    const existingVideo = await findVideoByUrl(db, url);
    if (existingVideo !== null) {
      this.duplicatesFound.set(normalized, existingVideo);
      return {
        success: false,
        duplicate: true,
        video_id: existingVideo,
        message: 'Video already downloaded',
      };
    }
    const jobId = urlDownloadJobId(normalized);
    const state = await jobs.state(DOWNLOAD_JOB, jobId);
    if (state === 'active') {
      return { success: false, in_progress: true, status: 'downloading', message: 'Already downloading' };
    }
    if (QUEUED_STATES.includes(state)) {
      return { success: false, in_progress: true, status: 'queued', message: 'Already queued' };
    }
    if (state !== 'unknown') await jobs.remove(DOWNLOAD_JOB, jobId);
    await this.requireYtDlp();
    await jobs.enqueue(DOWNLOAD_JOB, { url, normalized_url: normalized, queued_at: Date.now() / 1000 });
    const position = (await jobs.counts(DOWNLOAD_JOB)).waiting;
    return {
      success: true,
      queued: true,
      queue_position: position,
      message: `Added to download queue (position ${position})`,
    };
  }

  /**
   * Route 5: queued and running URL downloads; `completed_count` is the legacy cache's size: the distinct URLs
   * downloaded (completed jobs still kept) or found already in the library.
   */
  async downloadStatus(): Promise<DownloadStatus> {
    const { jobs } = this.deps;
    const [waiting, active, completed] = await Promise.all([
      jobs.list(DOWNLOAD_JOB, ['waiting', 'delayed', 'prioritized'], 1000),
      jobs.list(DOWNLOAD_JOB, ['active'], 1000),
      jobs.list(DOWNLOAD_JOB, ['completed'], 1000),
    ]);
    const known = new Set([
      ...completed.map((job) => job.data.normalized_url),
      ...this.duplicatesFound.keys(),
    ]);
    const activeDownloads: DownloadStatus['active_downloads'] = {};
    for (const job of waiting) activeDownloads[job.data.normalized_url] = 'queued';
    for (const job of active) activeDownloads[job.data.normalized_url] = 'downloading';
    return {
      queue_size: waiting.length,
      queued_items: waiting.map(({ data }) => ({
        url: data.url,
        normalized_url: data.normalized_url,
        queued_at: data.queued_at,
      })),
      active_downloads: activeDownloads,
      completed_count: known.size,
    };
  }

  /** Route 6: what yt-dlp tells about a URL, or its error text. */
  async videoInfo(input: string | null | undefined): Promise<VideoInfoAnswer> {
    const url = requireUrl(input);
    await this.requireYtDlp();
    const result = await fetchUrlVideoInfo(url, this.deps.config.YT_DLP_PATH);
    return result.ok ? { success: true, info: result.info } : { success: false, error: result.error };
  }

  /**
   * Route 7: checks the name of a file the transport stored under a temp name in the downloads folder, moves it to
   * a safe unique name, probes and thumbnails it and registers its row. The temp file never stays behind, and
   * neither do the stored file and its thumbnail when the row could not be written.
   */
  async registerUpload(file: UploadedFile | undefined, fields: UploadFields): Promise<UploadAnswer> {
    if (!file) throw new InvalidInputError('No file provided');
    const leftovers: string[] = [file.path]; // the temp upload, when it was not moved into place
    try {
      if (!file.originalName) throw new InvalidInputError('No file selected');
      const extension = videoExtension(file.originalName);
      if (!extension) throw new InvalidInputError('Invalid file type');
      const safe = secureFilename(file.originalName);
      const wanted = videoExtension(safe) ? safe : `video.${extension}`;
      const downloadsDir = path.resolve(this.deps.config.DOWNLOADS_DIR);
      const filename = await moveToUniqueName(file.path, downloadsDir, wanted);
      const stored = path.join(downloadsDir, filename);
      leftovers.push(stored);
      const { metadata, thumbnailPath } = await describeStoredVideo(stored, ingestDirs(this.deps));
      if (thumbnailPath) leftovers.push(thumbnailPath);
      const videoId = await registerVideo(this.deps.db, {
        filename,
        title: fields.title ?? filename,
        notes: fields.notes,
        metadata,
        thumbnailPath,
      });
      leftovers.splice(1);
      return { success: true, video_id: videoId, filename };
    } finally {
      await Promise.all(leftovers.map((leftover) => rm(leftover, { force: true })));
    }
  }

  /** Route 36: whether yt-dlp and ffmpeg + ffprobe run here, and which executable each resolved to. */
  toolStatus() {
    return systemToolStatus(this.deps.config.YT_DLP_PATH, this.deps.media);
  }

  private async requireYtDlp(): Promise<void> {
    if (!(await ytDlpAvailable(this.deps.config.YT_DLP_PATH))) {
      throw new ToolMissingError(
        'yt-dlp',
        'yt-dlp is not installed on the server: URL downloads and URL info are unavailable',
      );
    }
  }

  /**
   * The `ingest.downloadUrl` job: downloads with yt-dlp, probes, thumbnails and registers the row (a retry
   * re-registers the same row). Without yt-dlp it fails at once, without retries.
   */
  private async downloadUrl(data: DownloadUrlData, context: JobContext) {
    const { config, db } = this.deps;
    if (!(await ytDlpAvailable(config.YT_DLP_PATH))) {
      throw new PermanentJobError('yt-dlp is not installed on the server');
    }
    const dirs = ingestDirs(this.deps);
    const { file, title } = await downloadWithYtDlp(data.url, {
      ytDlp: config.YT_DLP_PATH,
      downloadsDir: dirs.downloadsDir,
      signal: context.signal,
    });
    const { metadata, thumbnailPath } = await describeStoredVideo(file, dirs, context.signal);
    const filename = path.basename(file);
    const videoId = await registerVideo(db, {
      filename,
      originalUrl: data.url,
      title,
      metadata,
      thumbnailPath,
    });
    return { video_id: videoId, filename };
  }
}
