import { z } from 'zod';
import { ApiRouter, openApiDocument, type RouteSpec } from '../route';

const DOCS_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>GroundTruth Studio API</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:70rem}code{background:#f3f3f3;padding:0 .3em}
h2{margin-top:2rem;border-bottom:1px solid #ddd}.m{display:inline-block;width:4.5rem;font-weight:600;text-transform:uppercase}
details{margin:.3rem 0}pre{background:#f7f7f7;padding:.6rem;overflow:auto}</style></head>
<body><h1>GroundTruth Studio API</h1><p>Generated from the routes' zod schemas: <a href="/api/openapi.json">/api/openapi.json</a></p>
<div id="docs">Loading…</div><script>
fetch('/api/openapi.json').then(r=>r.json()).then(doc=>{const byTag={};
for(const [path,ops] of Object.entries(doc.paths))for(const [method,op] of Object.entries(ops))(byTag[op.tags[0]]??=[]).push({path,method,op});
const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
document.getElementById('docs').innerHTML=Object.entries(byTag).map(([tag,ops])=>'<h2>'+esc(tag)+'</h2>'+ops.map(({path,method,op})=>
'<details><summary><span class="m">'+method+'</span><code>'+esc(path)+'</code> — '+esc(op.summary)+'</summary><pre>'+esc(JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2))+'</pre></details>').join('')).join('');});
</script></body></html>`;

const openApiResponse = z
  .object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  })
  .describe('OpenAPI 3.1');

/** The generated API document and its page; `specs` is read per request (it lists these two as well). */
export function openApiRoutes(specs: () => RouteSpec[]): ApiRouter {
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/api/openapi.json',
        tag: 'docs',
        summary: 'This OpenAPI document, generated from the route declarations',
        response: openApiResponse,
      },
      () => openApiDocument(specs(), { title: 'GroundTruth Studio API', version: '1.0.0' }),
    )
    .route(
      { method: 'get', path: '/api/docs', tag: 'pages', summary: 'The API documentation page (HTML)' },
      ({ res }) => {
        res.type('html').send(DOCS_PAGE);
      },
    );
}
