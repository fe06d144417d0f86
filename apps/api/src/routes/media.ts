import path from 'node:path';
import type { RequestHandler, Response } from 'express';
import { realPathInside } from '@groundtruth/domain';
import { z } from 'zod';
import type { AppContext } from '../context';
import { HttpError, notFound } from '../errors';
import { ApiRouter } from '../route';

/**
 * Sends `relativePath` from inside `root` (express/send: Range → 206, ETag/Last-Modified → 304, type from the
 * extension). Escaping the folder (by `..` or by a symlink that points outside), dotfiles, unreadable and missing
 * files all answer 404, as the legacy app did.
 */
export async function sendFileFrom(
  res: Response,
  root: string,
  relativePath: string,
  headers: Record<string, string>,
): Promise<void> {
  if (!(await realPathInside(root, relativePath.replace(/^\/+/, '')))) throw notFound('File not found');
  return new Promise((resolve, reject) => {
    res.sendFile(
      relativePath,
      {
        root: path.resolve(root),
        dotfiles: 'ignore',
        headers,
        cacheControl: false,
      },
      (error?: Error & { code?: string; status?: number }) => {
        if (!error) return resolve();
        if (error.code === 'ECONNABORTED' || res.headersSent) return resolve();
        if (error.status === 416) return reject(new HttpError(416, 'Range Not Satisfiable'));
        reject(notFound('File not found'));
      },
    );
  });
}

/** In front of express.static: a path whose real location (symlinks resolved) is outside `root` answers 404. */
export function refuseEscapingSymlinks(root: string): RequestHandler {
  return (req, _res, next) => {
    let relative: string;
    try {
      relative = decodeURIComponent(req.path).replace(/^\/+/, '');
    } catch {
      return next(notFound('File not found'));
    }
    realPathInside(root, relative).then((real) => next(real ? undefined : notFound('File not found')), next);
  };
}

const mediaPath = z.object({ path: z.array(z.string()).min(1) });

export function mediaRoutes({ config }: AppContext): ApiRouter {
  const api = new ApiRouter();
  for (const [prefix, root, what] of [
    ['/downloads', config.DOWNLOADS_DIR, 'video file'],
    ['/thumbnails', config.THUMBNAILS_DIR, 'thumbnail'],
  ] as const) {
    api.route(
      {
        method: 'get',
        path: `${prefix}/*path`,
        tag: 'media',
        summary: `A ${what} (HTTP Range for seeking, conditional requests)`,
        params: mediaPath,
      },
      async ({ params, res }) => {
        // Legacy rows may hold an absolute server path as filename (`/downloads//var/www/…/downloads/x.mp4`):
        // those files now live in the folder itself, so only the basename is looked up.
        const segments = params.path[0] === '' ? params.path.slice(-1) : params.path;
        await sendFileFrom(res, root, segments.join('/'), {
          'Cache-Control': 'no-cache',
          'Content-Disposition': 'inline',
        });
      },
    );
  }
  return api;
}
