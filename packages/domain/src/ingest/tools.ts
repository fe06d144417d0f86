import { externalTool, toolStatus, type MediaTools } from '@groundtruth/media';
import type { SystemToolStatus } from './schemas';

/** Route 36: the external tools the ingest needs, with the path and version each resolved to. */
export async function systemToolStatus(ytDlpPath: string, media: MediaTools): Promise<SystemToolStatus> {
  const [ytDlp, status] = await Promise.all([
    toolStatus(externalTool('yt-dlp', ytDlpPath), '--version'),
    media.status(),
  ]);
  return {
    yt_dlp_installed: ytDlp.available,
    ffmpeg_installed: status.ffmpeg.available && status.ffprobe.available,
    tools: { yt_dlp: ytDlp, ffmpeg: status.ffmpeg, ffprobe: status.ffprobe },
  };
}
