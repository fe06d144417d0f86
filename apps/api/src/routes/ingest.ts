import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import multer from 'multer';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '@groundtruth/db';
import {
  describeStoredVideo,
  fetchUrlVideoInfo,
  findVideoByUrl,
  moveToUniqueName,
  normalizeVideoUrl,
  INGEST_QUEUE,
  ingestDirs,
  registerVideo,
  secureFilename,
  ToolMissingError,
  urlDownloadJobId,
  videoExtension,
  ytDlpAvailable,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { badRequest, HttpError } from '../errors';
import { ApiRouter } from '../route';

const MAX_UPLOAD_BYTES = 2 * 1024 ** 3; // the legacy MAX_CONTENT_LENGTH

const urlBody = z.object({ url: z.string().nullish() });

function requireUrl(url: string | null | undefined): string {
  if (!url || !url.trim()) throw badRequest('URL required');
  return url.trim();
}

const ytDlpMissing = () =>
  new HttpError(503, 'yt-dlp is not installed on the server: URL downloads and URL info are unavailable');

/** Runs multer's single-file parser for `file` inside a route, mapping its errors to 4xx. */
function receiveUpload(upload: multer.Multer, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    upload.single('file')(req, res, (error: unknown) => {
      if (!error) return resolve();
      if (error instanceof multer.MulterError) {
        if (error.code === 'LIMIT_FILE_SIZE') return reject(new HttpError(413, 'File too large (max 2 GiB)'));
        return reject(badRequest(`${error.field ?? 'file'}: ${error.message}`));
      }
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

/** URL downloads (as jobs), URL info, and uploads (api.md §3.1 routes 4–7). */
export function ingestRoutes({ config, db, jobs }: AppContext): ApiRouter {
  const api = new ApiRouter();
  const prisma = db.prisma as PrismaClient;
  const dirs = ingestDirs(config);
  const downloadsDir = path.resolve(config.DOWNLOADS_DIR);
  const upload = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, done) => {
        mkdirSync(downloadsDir, { recursive: true });
        done(null, downloadsDir);
      },
      filename: (_req, _file, done) => done(null, `.upload-${randomBytes(8).toString('hex')}`),
    }),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 },
    defParamCharset: 'utf8', // browsers send UTF-8 file names; busboy's default is latin1
  });

  api.route(
    {
      method: 'post',
      path: '/api/download',
      tag: 'ingest',
      summary: 'Queue a URL download (yt-dlp) as a job; duplicates and in-flight URLs are reported',
      body: urlBody,
    },
    async ({ body }) => {
      const url = requireUrl(body.url);
      const normalized = normalizeVideoUrl(url);
      const existingVideo = await findVideoByUrl(prisma, url);
      if (existingVideo !== null) {
        return {
          success: false,
          duplicate: true,
          video_id: existingVideo,
          message: 'Video already downloaded',
        };
      }
      const queue = jobs.queue(INGEST_QUEUE);
      const jobId = urlDownloadJobId(normalized);
      const existingJob = await queue.getJob(jobId);
      if (existingJob) {
        const state = await existingJob.getState();
        if (state === 'active') {
          return { success: false, in_progress: true, status: 'downloading', message: 'Already downloading' };
        }
        if (
          state === 'waiting' ||
          state === 'delayed' ||
          state === 'prioritized' ||
          state === 'waiting-children'
        ) {
          return { success: false, in_progress: true, status: 'queued', message: 'Already queued' };
        }
        await existingJob.remove(); // finished or failed earlier without a video: try again
      }
      if (!(await ytDlpAvailable(config.YT_DLP_PATH))) throw ytDlpMissing();
      await jobs.enqueue('ingest.downloadUrl', {
        url,
        normalized_url: normalized,
        queued_at: Date.now() / 1000,
      });
      const position = await queue.getWaitingCount();
      return {
        success: true,
        queued: true,
        queue_position: position,
        message: `Added to download queue (position ${position})`,
      };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/download/status',
      tag: 'ingest',
      summary: 'Queued and running URL downloads (no `success` key, as the legacy route)',
    },
    async () => {
      const queue = jobs.queue(INGEST_QUEUE);
      const [waiting, active, completedCount] = await Promise.all([
        queue.getJobs(['waiting', 'delayed', 'prioritized'], 0, 999, true),
        queue.getJobs(['active'], 0, 999, true),
        queue.getCompletedCount(),
      ]);
      const item = (data: unknown) => data as { url: string; normalized_url: string; queued_at: number };
      const activeDownloads: Record<string, 'queued' | 'downloading'> = {};
      for (const job of waiting) activeDownloads[item(job.data).normalized_url] = 'queued';
      for (const job of active) activeDownloads[item(job.data).normalized_url] = 'downloading';
      return {
        queue_size: waiting.length,
        queued_items: waiting.map((job) => {
          const data = item(job.data);
          return { url: data.url, normalized_url: data.normalized_url, queued_at: data.queued_at };
        }),
        active_downloads: activeDownloads,
        completed_count: completedCount,
      };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/video-info',
      tag: 'ingest',
      summary: 'Metadata of a video URL via yt-dlp --dump-json',
      body: urlBody,
    },
    async ({ body }) => {
      const url = requireUrl(body.url);
      try {
        const result = await fetchUrlVideoInfo(url, config.YT_DLP_PATH);
        return result.ok ? { success: true, info: result.info } : { success: false, error: result.error };
      } catch (error) {
        if (error instanceof ToolMissingError) throw ytDlpMissing();
        throw error;
      }
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/upload',
      tag: 'ingest',
      summary: 'Upload a video (multipart `file`, optional `title`, `notes`); probed and thumbnailed',
    },
    async ({ req, res }) => {
      await receiveUpload(upload, req, res);
      const file = req.file;
      if (!file) throw badRequest('No file provided');
      try {
        if (!file.originalname) throw badRequest('No file selected');
        const extension = videoExtension(file.originalname);
        if (!extension) throw badRequest('Invalid file type');
        const fields = (req.body ?? {}) as Record<string, unknown>;
        const safe = secureFilename(file.originalname);
        const wanted = videoExtension(safe) ? safe : `video.${extension}`;
        const filename = await moveToUniqueName(file.path, downloadsDir, wanted);
        const stored = path.join(downloadsDir, filename);
        const { metadata, thumbnailPath } = await describeStoredVideo(stored, dirs);
        const title = typeof fields.title === 'string' && fields.title !== '' ? fields.title : filename;
        const notes = typeof fields.notes === 'string' ? fields.notes : '';
        const videoId = await registerVideo(prisma, { filename, title, notes, metadata, thumbnailPath });
        return { success: true, video_id: videoId, filename };
      } finally {
        await rm(file.path, { force: true }); // the temp upload, when it was not moved into place
      }
    },
  );

  return api;
}
