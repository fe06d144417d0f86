import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { externalTool, runTool, toolStatus } from '@groundtruth/media';
import type { UrlVideoInfo } from './schemas';

/** yt-dlp, the downloader behind URL ingest (api.md §3.1 routes 4 and 6). */

/** Whether the configured yt-dlp runs (checked once per process while it does). */
export async function ytDlpAvailable(ytDlp = 'yt-dlp'): Promise<boolean> {
  return (await toolStatus(externalTool('yt-dlp', ytDlp), '--version')).available;
}

/** `yt-dlp --dump-json --no-playlist` (30 s): the fields route 6 returns, or yt-dlp's error text. */
export async function fetchUrlVideoInfo(
  url: string,
  ytDlp = 'yt-dlp',
): Promise<{ ok: true; info: UrlVideoInfo } | { ok: false; error: string }> {
  const result = await runTool(ytDlp, ['--dump-json', '--no-playlist', url], { timeoutMs: 30_000 });
  if (result.timedOut) return { ok: false, error: 'Request timeout' };
  if (result.code !== 0) return { ok: false, error: result.stderr.trim() || `yt-dlp exited ${result.code}` };
  try {
    const data = JSON.parse(result.stdout) as Record<string, unknown>;
    const num = (value: unknown) => (typeof value === 'number' ? value : null);
    const str = (value: unknown) => (typeof value === 'string' ? value : null);
    return {
      ok: true,
      info: {
        title: str(data.title),
        duration: num(data.duration),
        width: num(data.width),
        height: num(data.height),
        file_size: num(data.filesize) ?? num(data.filesize_approx),
        uploader: str(data.uploader),
        thumbnail: str(data.thumbnail),
        description: str(data.description)?.slice(0, 500) ?? null,
      },
    };
  } catch (error) {
    return { ok: false, error: `Error: ${(error as Error).message}` };
  }
}

/**
 * Downloads a URL with yt-dlp into the downloads folder (10 min): the stored file and the title yt-dlp reported.
 * Re-running for a URL whose file already exists reports the same file.
 */
export async function downloadWithYtDlp(
  url: string,
  options: { ytDlp: string; downloadsDir: string; signal?: AbortSignal },
): Promise<{ file: string; title: string | null }> {
  const downloads = path.resolve(options.downloadsDir);
  await mkdir(downloads, { recursive: true });
  const args = [
    '-f',
    'bestvideo[ext=mp4]+bestaudio[ext=m4a]/best[ext=mp4]/best',
    '--merge-output-format',
    'mp4',
    '--no-playlist',
    '--no-simulate',
    '--restrict-filenames',
    '-o',
    path.join(downloads, '%(title)s_%(id)s.%(ext)s'),
    '--print',
    'after_move:filepath',
    '--print',
    'title',
    url,
  ];
  const { signal } = options;
  const { stdout, stderr, code } = await runTool(options.ytDlp, args, { timeoutMs: 600_000, signal });
  signal?.throwIfAborted();
  if (code !== 0) throw new Error(`yt-dlp failed: ${stderr.trim().split('\n').pop() ?? code}`);
  const lines = stdout.trim().split('\n');
  const title = lines.find((line) => !line.startsWith(downloads)) ?? null;
  const file = lines.find((line) => line.startsWith(downloads));
  if (!file) throw new Error('yt-dlp did not report the downloaded file');
  return { file, title };
}
