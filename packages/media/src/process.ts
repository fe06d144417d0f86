import { execFile } from 'node:child_process';

export interface ToolRun {
  /** Exit status; 1 when the process could not be started or was killed. */
  code: number;
  stdout: string;
  stderr: string;
  /** The executable does not exist (ENOENT) or may not be run (EACCES). */
  missing: boolean;
  timedOut: boolean;
}

export interface RunToolOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The one child-process runner of the platform's external tools (ffmpeg, ffprobe, yt-dlp): never throws, output
 * collected as text, killed with SIGKILL on timeout or abort.
 */
export function runTool(command: string, args: readonly string[], options: RunToolOptions): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        timeout: options.timeoutMs,
        signal: options.signal,
        maxBuffer: 64 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        resolve({
          code: error ? (typeof code === 'number' ? code : 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
          missing: code === 'ENOENT' || code === 'EACCES',
          timedOut: Boolean(error && (error as { killed?: boolean }).killed && !options.signal?.aborted),
        });
      },
    );
  });
}
