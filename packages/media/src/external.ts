import type { ResolvedTool } from './tools';

/** A tool the platform does not ship (yt-dlp): a name on PATH, or a path set in its environment variable. */
export function externalTool(name: string, configured: string): ResolvedTool {
  return { name, path: configured, source: configured.includes('/') ? 'env' : 'path' };
}
