import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import multer from 'multer';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  downloadStatusResponse,
  queueDownloadResponse,
  uploadFields,
  unsafeTextReason,
  type UploadFields,
  uploadResponse,
  urlBody,
  videoInfoResponse,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { badRequest, HttpError } from '../errors';
import { ApiRouter, validate } from '../route';

const MAX_UPLOAD_BYTES = 2 * 1024 ** 3; // the legacy MAX_CONTENT_LENGTH

/** Runs multer's single-file parser for `file` inside a route, mapping its errors to 4xx. */
function receiveUpload(upload: multer.Multer, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    upload.single('file')(req, res, (error: unknown) => {
      if (!error) return resolve();
      if (error instanceof multer.MulterError) {
        if (error.code === 'LIMIT_FILE_SIZE') return reject(new HttpError(413, 'File too large (max 2 GiB)'));
        return reject(badRequest(`${error.field ?? 'file'}: ${error.message}`));
      }
      // busboy's own errors (no boundary, truncated body, a malformed part header) are the client's body
      const reason = error instanceof Error ? error.message : 'unreadable body';
      reject(badRequest(`No file provided: malformed multipart/form-data body (${reason})`));
    });
  });
}

/** URL downloads (as jobs), URL info, and uploads (api.md §3.1 routes 4–7). */
export function ingestRoutes({ config, services }: RouteContext): ApiRouter {
  const { ingest } = services;
  const downloadsDir = path.resolve(config.DOWNLOADS_DIR);
  // The transport of uploads: the file lands under a temp name in the downloads folder, the service takes it on.
  const upload = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, done) => {
        mkdirSync(downloadsDir, { recursive: true });
        done(null, downloadsDir);
      },
      filename: (_req, _file, done) => done(null, `.upload-${randomBytes(8).toString('hex')}`),
    }),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20, fieldSize: 1024 * 1024, parts: 30 },
    defParamCharset: 'utf8', // browsers send UTF-8 file names; busboy's default is latin1
  });

  return new ApiRouter()
    .route(
      {
        method: 'post',
        path: '/api/download',
        invalid: 'URL required',
        tag: 'ingest',
        summary: 'Queue a URL download (yt-dlp) as a job; duplicates and in-flight URLs are reported',
        body: urlBody,
        response: queueDownloadResponse,
      },
      ({ body }) => ingest.queueDownload(body.url),
    )
    .route(
      {
        method: 'get',
        path: '/api/download/status',
        tag: 'ingest',
        summary: 'Queued and running URL downloads (no `success` key, as the legacy route)',
        response: downloadStatusResponse,
      },
      () => ingest.downloadStatus(),
    )
    .route(
      {
        method: 'post',
        path: '/api/video-info',
        invalid: 'URL required',
        tag: 'ingest',
        summary: 'Metadata of a video URL via yt-dlp --dump-json',
        body: urlBody,
        response: videoInfoResponse,
      },
      ({ body }) => ingest.videoInfo(body.url),
    )
    .route(
      {
        method: 'post',
        path: '/api/upload',
        tag: 'ingest',
        summary: 'Upload a video (multipart `file`, optional `title`, `notes`); probed and thumbnailed',
        documentedBody: {
          contentType: 'multipart/form-data',
          schema: uploadFields.extend({ file: z.string().meta({ format: 'binary' }) }),
        },
        response: uploadResponse,
      },
      async ({ req, res }) => {
        await receiveUpload(upload, req, res);
        const file = req.file && { path: req.file.path, originalName: req.file.originalname };
        let fields: UploadFields;
        try {
          const unsafeName = file && unsafeTextReason(file.originalName);
          if (unsafeName) throw badRequest(`file.filename: ${unsafeName}`);
          fields = validate(uploadFields, req.body ?? {}, 'body');
        } catch (error) {
          if (file) await rm(file.path, { force: true }); // refused before the service took the temp file on
          throw error;
        }
        return ingest.registerUpload(file, fields);
      },
    );
}
