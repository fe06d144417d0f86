import { execFileSync } from 'node:child_process';
import { mediaTools } from './media-tools';

export interface TestVideoOptions {
  seconds?: number;
  /** ffmpeg's lavfi test source, default `testsrc`; `testsrc2` has more detail and colour. */
  pattern?: 'testsrc' | 'testsrc2';
  /** `WIDTHxHEIGHT`, default 64x48. */
  size?: string;
  rate?: number;
  /** Extra output options, e.g. `['-c:v', 'libvpx', '-b:v', '8M']`. */
  output?: string[];
}

/**
 * Tests only: writes a real video (ffmpeg's test pattern, H.264 in MP4 by the target's extension unless `output`
 * says otherwise) with the ffmpeg the platform resolves (FFMPEG_PATH, npm-shipped, PATH).
 */
export function makeTestVideo(target: string, options: TestVideoOptions | number = {}): string {
  const {
    seconds = 2,
    pattern = 'testsrc',
    size = '64x48',
    rate = 10,
    output = ['-pix_fmt', 'yuv420p'],
  } = typeof options === 'number' ? { seconds: options } : options;
  execFileSync(
    mediaTools(process.env).ffmpeg.path,
    [
      '-y',
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `${pattern}=duration=${seconds}:size=${size}:rate=${rate}`,
      ...output,
      target,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 },
  );
  return target;
}
