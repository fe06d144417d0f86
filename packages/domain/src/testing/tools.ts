import { execFileSync } from 'node:child_process';

/** Tests only: whether a command runs here (decides which tests need an external tool and skip without it). */
export function commandAvailable(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
