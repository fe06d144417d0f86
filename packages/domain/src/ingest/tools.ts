import type { Config } from '@groundtruth/config';
import { externalTool, mediaTools, toolStatus, type ToolStatus } from '@groundtruth/media';

/** Route 36: the external tools the ingest needs, with the path and version each resolved to. */
export async function systemToolStatus(
  config: Pick<Config, 'YT_DLP_PATH' | 'FFMPEG_PATH' | 'FFPROBE_PATH'>,
): Promise<{
  yt_dlp_installed: boolean;
  ffmpeg_installed: boolean;
  tools: Record<'yt_dlp' | 'ffmpeg' | 'ffprobe', ToolStatus>;
}> {
  const [ytDlp, media] = await Promise.all([
    toolStatus(externalTool('yt-dlp', config.YT_DLP_PATH), '--version'),
    mediaTools(config).status(),
  ]);
  return {
    yt_dlp_installed: ytDlp.available,
    ffmpeg_installed: media.ffmpeg.available && media.ffprobe.available,
    tools: { yt_dlp: ytDlp, ffmpeg: media.ffmpeg, ffprobe: media.ffprobe },
  };
}
