import path from 'node:path';
import express from 'express';
import type { AppContext } from '../context';
import { ApiRouter } from '../route';
import { refuseEscapingSymlinks, sendFileFrom } from './media';

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

/** `GET /` without WEB_DIR: what this server is and the next steps, instead of a bare 404. */
const WELCOME_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GroundTruth Studio API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:46rem;padding:0 1rem}
code,pre{background:#f3f3f3;border-radius:3px}code{padding:0 .3em}pre{padding:.6rem .8rem;overflow:auto}</style></head>
<body><h1>GroundTruth Studio API</h1>
<p>This server speaks the HTTP API of GroundTruth Studio, the video annotation studio, on PostgreSQL.
The browser UI and the remote training worker call it.</p>
<ul>
<li><a href="/api/docs">/api/docs</a> — every route, generated from its schemas (<a href="/api/openapi.json">OpenAPI</a>)</li>
<li><a href="/api/health">/api/health</a> — database, queue and worker status</li>
<li><a href="/admin/queues">/admin/queues</a> — background jobs (Bull Board)</li>
</ul>
<h2>Serve the existing UI</h2>
<p>Point <code>WEB_DIR</code> at the legacy app's folder, the one that holds <code>templates/</code> and <code>static/</code>,
and restart:</p>
<pre>WEB_DIR=/path/to/groundtruth-studio pnpm dev</pre>
<h2>Import a legacy archive</h2>
<p>Move a legacy <code>video_archive.db</code> into this database (nothing is lost: rows that cannot go in as they are
are kept in <code>_migrator_quarantine</code>):</p>
<pre>pnpm migrate /path/to/video_archive.db</pre>
</body></html>`;

/** The existing browser UI from WEB_DIR: pages revalidate on every load, static assets are cached for an hour. */
export function pageRoutes({ config }: AppContext): ApiRouter {
  const api = new ApiRouter();
  const webDir = config.WEB_DIR;
  if (!webDir) {
    return api.route(
      {
        method: 'get',
        path: '/',
        tag: 'pages',
        summary: 'Welcome page (WEB_DIR unset): links and first steps',
      },
      ({ res }) => {
        res.type('html').set('Cache-Control', 'no-cache').send(WELCOME_PAGE);
      },
    );
  }
  for (const [route, file] of Object.entries(PAGES)) {
    api.route(
      { method: 'get', path: route, tag: 'pages', summary: `UI page templates/${file}` },
      async ({ res }) => {
        await sendFileFrom(res, path.join(webDir, 'templates'), file, { 'Cache-Control': 'no-cache' });
      },
    );
  }
  const staticDir = path.resolve(webDir, 'static');
  api.document({
    method: 'get',
    path: '/static/*path',
    tag: 'pages',
    summary: "The UI's static assets from WEB_DIR/static (cached for an hour)",
  });
  api.router.use(
    '/static',
    refuseEscapingSymlinks(staticDir),
    express.static(staticDir, { maxAge: '1h', dotfiles: 'ignore', index: false }),
  );
  return api;
}
