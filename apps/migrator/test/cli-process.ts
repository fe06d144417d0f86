import { spawn } from 'node:child_process';
import path from 'node:path';

const APP_DIR = path.resolve(__dirname, '..');
const MAIN = path.resolve(__dirname, '../src/main.ts');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  uid?: number;
  /** hears stderr as it grows, with a way to signal the process */
  onStderr?: (stderr: string, signal: (name: NodeJS.Signals) => void) => void;
  /** polled until it says yes; then the process gets `signal` */
  signalWhen?: { signal: NodeJS.Signals; when: () => boolean | Promise<boolean>; everyMs?: number };
}

/**
 * The migrator CLI in one process, as `pnpm migrate` runs it (tsx's own CLI would put the migrator in a child that
 * a kill -9 of the parent leaves running).
 */
export function runMigratorCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const { env, uid, onStderr, signalWhen } = options;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', MAIN, ...args], {
      cwd: APP_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
      ...(uid === undefined ? {} : { uid, gid: uid }),
    });
    const signal = (name: NodeJS.Signals) => child.kill(name);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, signal);
    });
    let polling: NodeJS.Timeout | undefined;
    if (signalWhen) {
      const every = signalWhen.everyMs ?? 10;
      const poll = async () => {
        if (await Promise.resolve(signalWhen.when()).catch(() => false)) signal(signalWhen.signal);
        else polling = setTimeout(() => void poll(), every);
      };
      polling = setTimeout(() => void poll(), every);
    }
    child.on('close', (code, exitSignal) => {
      clearTimeout(polling);
      resolve({ code, signal: exitSignal, stdout, stderr });
    });
  });
}
