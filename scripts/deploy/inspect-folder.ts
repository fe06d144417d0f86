import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import {
  type AppName,
  MEDIA_TOOL_PACKAGES,
  type MediaTool,
  fail,
  folderBytes,
  isInside,
  megabytes,
} from './common';

/** The bare module names the bundle leaves to node_modules (esbuild writes each external as `require("name")`). */
export function bundleExternals(bundle: string): string[] {
  const names = new Set<string>();
  for (const match of readFileSync(bundle, 'utf8').matchAll(/\brequire\("([^"./][^"]*)"\)/g)) {
    const name = match[1]!;
    if (!isBuiltin(name)) names.add(name);
  }
  return [...names].sort();
}

export interface DeployedFolder {
  app: AppName;
  dir: string;
  bundle: string;
}

export interface Resolution {
  /** module name → resolved file, or null when node cannot find it */
  modules: Record<string, string | null>;
  /** media tool package → `{ path }` it exports, or the error requiring it gave */
  tools: Record<string, { path?: string; wrapper?: string; error?: string }>;
}

// Runs in a plain node child: the pnpm/tsx shims that start this script set NODE_PATH to the workspace's
// node_modules, which would make every package resolvable here.
export const RESOLVE_FROM_BUNDLE = `
const { createRequire } = require('node:module');
const requireFromBundle = createRequire(process.argv[1]);
const modules = {}, tools = {};
for (const name of JSON.parse(process.argv[2])) {
  try { modules[name] = requireFromBundle.resolve(name); } catch { modules[name] = null; }
}
for (const name of JSON.parse(process.argv[3])) {
  try { tools[name] = { path: requireFromBundle(name).path, wrapper: requireFromBundle.resolve(name + '/package.json') }; }
  catch (error) { tools[name] = { error: String(error && error.message || error) }; }
}
process.stdout.write(JSON.stringify({ modules, tools }));
`;

export function resolveFromBundle(bundle: string, modules: string[], tools: string[]): Resolution {
  const child = spawnSync(
    process.execPath,
    ['-e', RESOLVE_FROM_BUNDLE, bundle, JSON.stringify(modules), JSON.stringify(tools)],
    { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: path.dirname(bundle) } },
  );
  if (child.status !== 0) fail(`resolving from ${bundle} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Resolution;
}

/** The media tools' binaries, keyed by tool. */
export type MediaToolPaths = Record<MediaTool, string>;

/**
 * What node finds from dist/main.js: every npm package the bundle requires, and ffmpeg/ffprobe as
 * @groundtruth/media finds them (required from the bundle's path), executable.
 */
export function inspectDeployedFolder({ app, dir, bundle }: DeployedFolder): MediaToolPaths {
  const externals = bundleExternals(bundle);
  const toolPackages = Object.values(MEDIA_TOOL_PACKAGES);
  const resolution = resolveFromBundle(bundle, externals, toolPackages);
  const unresolved = externals.filter((name) => resolution.modules[name] === null);
  if (unresolved.length > 0) {
    fail(
      `${app}: dist/main.js requires ${unresolved.join(', ')}, which the deployed folder does not provide ` +
        `(a production dependency missing from apps/${app} or from a workspace package it uses)`,
    );
  }
  for (const name of externals) {
    const resolved = resolution.modules[name]!;
    if (!isInside(path.join(dir, 'node_modules'), resolved)) {
      fail(`${app}: ${name} resolved outside the deployed folder (${resolved})`);
    }
  }
  console.log(`  ${app}: all ${externals.length} npm packages the bundle requires resolve in the folder`);

  const paths = {} as MediaToolPaths;
  for (const [tool, packageName] of Object.entries(MEDIA_TOOL_PACKAGES) as [MediaTool, string][]) {
    const found = resolution.tools[packageName];
    if (!found?.path || !found.wrapper) {
      fail(`${app}: ${packageName} does not resolve from dist/main.js: ${found?.error ?? 'no path'}`);
    }
    const binary = found.path;
    if (!isInside(dir, binary)) fail(`${app}: ${tool} is outside the deployed folder (${binary})`);
    // The image copies the folder with --chown=node:node and runs as node: the owner's execute bit must be set
    // here already (the app would try chmod at run time, which a read-only folder would refuse).
    const mode = statSync(binary).mode;
    if ((mode & 0o100) === 0) {
      fail(`${app}: ${binary} is not executable (mode ${(mode & 0o777).toString(8)})`);
    }
    const version = spawnSync(binary, ['-version'], { encoding: 'utf8', timeout: 10_000 });
    if (version.status !== 0) {
      fail(`${app}: ${binary} -version failed: ${version.error?.message ?? version.stderr}`);
    }
    // The wrapper package and the platform package that holds the binary.
    const bytes = folderBytes(path.dirname(found.wrapper)) + folderBytes(path.dirname(binary));
    console.log(
      `  ${app}: ${tool} ${version.stdout.split('\n')[0]} (${megabytes(bytes)}, mode ${(mode & 0o777).toString(8)})`,
    );
    paths[tool] = binary;
  }
  const total = folderBytes(dir);
  console.log(
    `  ${app}: folder ${megabytes(total)} (node_modules ${megabytes(folderBytes(path.join(dir, 'node_modules')))})`,
  );
  return paths;
}
