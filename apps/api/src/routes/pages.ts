import path from 'node:path';
import express from 'express';
import type { AppContext } from '../context';
import { ApiRouter } from '../route';
import { sendFileFrom } from './media';

/** Page routes of the legacy app → their file in WEB_DIR/templates (plus the tag manager, §9 #34). */
export const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/annotate': 'annotate.html',
  '/ecoeye-preview': 'ecoeye_preview.html',
  '/yolo-export': 'yolo_export.html',
  '/person-manager': 'person_manager.html',
  '/camera-topology': 'camera_topology.html',
  '/sync-settings': 'sync_settings.html',
  '/training-queue': 'training_queue.html',
  '/tag-manager': 'tag_manager.html',
};

/** The existing browser UI from WEB_DIR: pages revalidate on every load, static assets are cached for an hour. */
export function pageRoutes({ config }: AppContext): ApiRouter {
  const api = new ApiRouter();
  const webDir = config.WEB_DIR;
  if (!webDir) return api;
  for (const [route, file] of Object.entries(PAGES)) {
    api.route(
      { method: 'get', path: route, tag: 'pages', summary: `UI page templates/${file}` },
      async ({ res }) => {
        await sendFileFrom(res, path.join(webDir, 'templates'), file, { 'Cache-Control': 'no-cache' });
      },
    );
  }
  api.router.use(
    '/static',
    express.static(path.resolve(webDir, 'static'), { maxAge: '1h', dotfiles: 'ignore', index: false }),
  );
  return api;
}
