import { z } from 'zod';
import { urlDownloadData } from './jobs';

/** Video ingest's requests and answers (api.md §3.1 routes 4–7, route 36). */

/** What yt-dlp --dump-json tells about a URL (route 6). */
export const urlVideoInfoSchema = z.object({
  title: z.string().nullable(),
  duration: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  file_size: z.number().nullable(),
  uploader: z.string().nullable(),
  thumbnail: z.string().nullable(),
  description: z.string().nullable(),
});
export type UrlVideoInfo = z.infer<typeof urlVideoInfoSchema>;

export const toolStatusSchema = z.object({
  name: z.string(),
  path: z.string(),
  source: z.enum(['env', 'npm', 'path']),
  available: z.boolean(),
  version: z.string().nullable(),
});

export const systemToolStatusSchema = z.object({
  yt_dlp_installed: z.boolean(),
  ffmpeg_installed: z.boolean(),
  tools: z.record(z.enum(['yt_dlp', 'ffmpeg', 'ffprobe']), toolStatusSchema),
});
export type SystemToolStatus = z.infer<typeof systemToolStatusSchema>;

// ---- requests

/** Routes 4 and 6; a missing or blank url is answered "URL required". */
export const urlBody = z.object({ url: z.string().nullish() });

/** The multipart fields beside the upload's file: any value that is not text is ignored, as the legacy route did. */
export const uploadFields = z.object({
  title: z
    .unknown()
    .optional()
    .transform((value) => (typeof value === 'string' && value !== '' ? value : null)),
  notes: z
    .unknown()
    .optional()
    .transform((value) => (typeof value === 'string' ? value : '')),
});
export type UploadFields = z.output<typeof uploadFields>;

/** The file of an upload, stored under a temp name by the transport (multer). */
export interface UploadedFile {
  /** Where the transport stored it (inside the downloads folder). */
  path: string;
  /** The client's file name. */
  originalName: string;
}

// ---- responses

export const queueDownloadResponse = z.union([
  z.object({
    success: z.literal(false),
    duplicate: z.literal(true),
    video_id: z.number(),
    message: z.literal('Video already downloaded'),
  }),
  z.object({
    success: z.literal(false),
    in_progress: z.literal(true),
    status: z.enum(['downloading', 'queued']),
    message: z.enum(['Already downloading', 'Already queued']),
  }),
  z.object({
    success: z.literal(true),
    queued: z.literal(true),
    queue_position: z.number(),
    message: z.string(),
  }),
]);
export type QueueDownloadAnswer = z.infer<typeof queueDownloadResponse>;

/** Without a `success` key, as the legacy route. */
export const downloadStatusResponse = z.object({
  queue_size: z.number(),
  queued_items: z.array(urlDownloadData),
  active_downloads: z.record(z.string(), z.enum(['queued', 'downloading'])),
  completed_count: z.number(),
});
export type DownloadStatus = z.infer<typeof downloadStatusResponse>;

export const videoInfoResponse = z.union([
  z.object({ success: z.literal(true), info: urlVideoInfoSchema }),
  z.object({ success: z.literal(false), error: z.string() }),
]);
export type VideoInfoAnswer = z.infer<typeof videoInfoResponse>;

export const uploadResponse = z.object({
  success: z.literal(true),
  video_id: z.number(),
  filename: z.string(),
});
export type UploadAnswer = z.infer<typeof uploadResponse>;

export const systemStatusResponse = systemToolStatusSchema.extend({ success: z.literal(true) });
