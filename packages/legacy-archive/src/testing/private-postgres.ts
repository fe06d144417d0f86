import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A PostgreSQL server of the test's own (the system's initdb and pg_ctl on a temporary folder), to kill and restart. */
export interface PrivatePostgres {
  /** the URL of a database on it */
  url(database: string): string;
  /** stops it at once, as a crash would (pg_ctl stop -m immediate): its clients lose their connections */
  kill(): void;
  start(): void;
  /** stops it and removes its files */
  destroy(): void;
}

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/14/bin'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The binaries' folder, or undefined when this machine has no PostgreSQL server installed. */
export function postgresBinaries(): string | undefined {
  return BIN_DIRS.find((dir) => existsSync(path.join(dir, 'pg_ctl')));
}

/** initdb refuses to run as root: then the server runs as the postgres user. */
function runner(bin: string): (tool: string, args: string[]) => void {
  const asRoot = process.getuid?.() === 0;
  return (tool, args) => {
    const command = path.join(bin, tool);
    execFileSync(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, {
      stdio: 'pipe',
    });
  };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries (initdb, pg_ctl) on this machine');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gt-private-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const run = runner(bin);
  const data = path.join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const start = () => run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-o', options, '-w', 'start']);
  const stop = (mode: string) => run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  start();
  let running = true;
  return {
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    kill: () => {
      stop('immediate');
      running = false;
    },
    start: () => {
      start();
      running = true;
    },
    destroy: () => {
      if (running) stop('immediate');
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
