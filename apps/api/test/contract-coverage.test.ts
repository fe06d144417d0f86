import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedPath } from '@groundtruth/db/testing';
import { startTestApp, type TestApp } from './harness';

/**
 * Every route of the legacy contract (shared/spec/api-routes.md) must be handled by the Express app. The check walks
 * the router stack instead of sending requests, so no handler runs (some would call external services).
 */

interface ContractRoute {
  method: string;
  /** the Flask rule, e.g. `/api/videos/<int:video_id>` */
  rule: string;
  /** a concrete path that the rule matches, e.g. `/api/videos/1` */
  path: string;
}

/** Rows of the inventory table: `| METHOD | \`/path\` | handler |`. */
function parseContractRoutes(markdown: string): ContractRoute[] {
  const routes: ContractRoute[] = [];
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*(GET|POST|PUT|DELETE|PATCH)\s*\|\s*`([^`]+)`\s*\|/.exec(line);
    if (!match) continue;
    const [, method, rule] = match as unknown as [string, string, string];
    const path = rule.replace(/<(?:(\w+):)?(\w+)>/g, (_all, converter: string | undefined) =>
      converter === 'int' ? '1' : converter === 'path' ? 'some/file.mp4' : 'sample',
    );
    routes.push({ method, rule, path });
  }
  return routes;
}

/** The parts of Express 5's router (router@2) that the walk reads. */
interface Layer {
  slash?: boolean;
  route?: { _handlesMethod(method: string): boolean };
  handle: { stack?: Layer[] };
  match(path: string): false | { path: string };
}

function handles(stack: Layer[], method: string, path: string): boolean {
  return stack.some((layer) => {
    const match = layer.match(path);
    if (!match) return false;
    if (layer.route) return layer.route._handlesMethod(method);
    if (!layer.handle.stack) return false;
    const rest = layer.slash ? path : path.slice(match.path.length) || '/';
    return handles(layer.handle.stack, method, rest);
  });
}

describe('legacy contract coverage', () => {
  let t: TestApp;
  // the page routes exist only when the UI folder is configured
  const webDir = mkdtempSync(path.join(os.tmpdir(), 'gt-web-'));
  beforeAll(async () => {
    t = await startTestApp({ WEB_DIR: webDir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('parses the whole inventory of shared/spec/api-routes.md', () => {
    const routes = parseContractRoutes(readFileSync(sharedPath('spec/api-routes.md'), 'utf8'));
    // 84 /api routes + 2 file-serving routes + 8 pages (api.md §0)
    expect(routes.filter((route) => route.rule.startsWith('/api/'))).toHaveLength(84);
    expect(routes).toHaveLength(94);
  });

  it('every route of the contract is handled by the Express app', () => {
    const routes = parseContractRoutes(readFileSync(sharedPath('spec/api-routes.md'), 'utf8'));
    const stack = (t.app as unknown as { router: { stack: Layer[] } }).router.stack;
    expect(handles(stack, 'GET', '/api/camera-topology/graph')).toBe(true);
    expect(handles(stack, 'GET', '/api/not-a-contract-route')).toBe(false);
    const missing = routes
      .filter((route) => !handles(stack, route.method, route.path))
      .map((route) => `${route.method.padEnd(6)} ${route.rule}`);
    if (missing.length) {
      console.warn(`${missing.length} contract route(s) not handled yet:\n  ${missing.join('\n  ')}`);
    }
    expect(missing).toEqual([]);
  });
});
