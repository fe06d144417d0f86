import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runTool } from './process';

export type MediaToolName = 'ffmpeg' | 'ffprobe';

/** Where a tool's executable came from: its environment variable, the npm package that ships it, or PATH. */
export type ToolSource = 'env' | 'npm' | 'path';

export interface ResolvedTool {
  name: string;
  /** What is executed: an absolute path, or a bare name looked up on PATH. */
  path: string;
  source: ToolSource;
}

export interface MediaToolOverrides {
  /** FFMPEG_PATH */
  ffmpeg?: string | undefined;
  /** FFPROBE_PATH */
  ffprobe?: string | undefined;
}

const NPM_PACKAGES: Record<MediaToolName, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};

const requireFromHere = createRequire(__filename);

/**
 * The binary an npm package ships for this platform, made executable when the package manager skipped its
 * install script (pnpm does unless allowed). Undefined when the platform has no such package.
 */
function npmBinary(name: MediaToolName): string | undefined {
  let binary: string;
  try {
    binary = (requireFromHere(NPM_PACKAGES[name]) as { path: string }).path;
  } catch {
    return undefined; // the package throws a string for unsupported platforms
  }
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    try {
      chmodSync(binary, statSync(binary).mode | 0o111);
    } catch {
      return undefined; // read-only install without the run bit: fall back to PATH
    }
  }
  return binary;
}

const resolved = new Map<string, ResolvedTool>();

/** FFMPEG_PATH / FFPROBE_PATH when set, else the npm-shipped binary, else the name on PATH; resolved once. */
export function resolveMediaTool(name: MediaToolName, override?: string): ResolvedTool {
  const key = `${name}\0${override ?? ''}`;
  let tool = resolved.get(key);
  if (!tool) {
    const shipped = override ? undefined : npmBinary(name);
    tool = override
      ? { name, path: override, source: 'env' }
      : shipped
        ? { name, path: shipped, source: 'npm' }
        : { name, path: name, source: 'path' };
    resolved.set(key, tool);
  }
  return tool;
}

export interface ToolStatus extends ResolvedTool {
  /** It started and answered its version flag within the time limit. */
  available: boolean;
  /** The first line of its version output (e.g. `ffmpeg version 4.1 …`), null when it did not run. */
  version: string | null;
}

const statuses = new Map<string, Promise<ToolStatus>>();

/** Runs `tool <versionFlag>` once per process: whether it runs (exit status ignored, as the legacy check) and its version. */
export function toolStatus(tool: ResolvedTool, versionFlag: string, timeoutMs = 5_000): Promise<ToolStatus> {
  const key = `${tool.path}\0${versionFlag}`;
  let status = statuses.get(key);
  if (!status) {
    status = runTool(tool.path, [versionFlag], { timeoutMs }).then((run) => {
      const available = !run.missing && !run.timedOut;
      const firstLine = `${run.stdout}\n${run.stderr}`.trim().split('\n')[0]?.trim();
      return { ...tool, available, version: available && firstLine ? firstLine : null };
    });
    // A tool that did not run is checked again next time (it may be installed meanwhile).
    void status.then((result) => {
      if (!result.available) statuses.delete(key);
    });
    statuses.set(key, status);
  }
  return status;
}
