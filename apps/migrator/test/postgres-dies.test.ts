import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '@groundtruth/db/migrations';
import { createTestDatabase, type TestDatabase } from '@groundtruth/db/testing';
import { migrate, type WriterName } from '@groundtruth/legacy-archive';
import {
  generateLegacyFile,
  startPrivatePostgres,
  targetState,
  type PrivatePostgres,
} from '@groundtruth/legacy-archive/testing';
import { runMigratorCli } from './cli-process';

function cli(args: string[], onStderr?: (stderr: string) => void) {
  return runMigratorCli(args, onStderr ? { onStderr } : {});
}

async function createDatabase(server: PrivatePostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  await applyMigrations(server.url(name));
  return server.url(name);
}

let dir: string;
let server: PrivatePostgres;
let reference: TestDatabase;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gt-pg-dies-'));
  file = path.join(dir, 'legacy.db');
  generateLegacyFile(file, { scale: 0.03 });
  server = await startPrivatePostgres();
  reference = await createTestDatabase('pg-dies-ref');
  expect((await migrate({ source: file, databaseUrl: reference.url, writer: 'copy' })).ok).toBe(true);
}, 120_000);
afterAll(async () => {
  server?.destroy();
  await reference?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('PostgreSQL dies in the middle of a run', () => {
  it.each<WriterName>(['copy', 'createMany'])(
    '%s: "connection lost, run again with --resume", exit 3; after a restart --resume ends identical',
    async (writer) => {
      const url = await createDatabase(server, `dies_${writer.toLowerCase()}`);
      const args = [file, '--database-url', url, '--writer', writer, '--batch-size', '200'];
      let killed = false;
      // killed once keyframe_annotations is being written (the progress lines say so)
      const died = await cli(args, (stderr) => {
        if (!killed && /migrate keyframe_annotations: [1-9]\d{3,}\//.test(stderr)) {
          killed = true;
          server.kill();
        }
      });
      if (!killed) server.kill();
      server.start();
      expect(killed).toBe(true);
      expect(died.stderr).not.toMatch(/Unhandled|unexpected error|\n\s+at /);
      expect(died.stderr).toMatch(/the connection to PostgreSQL was lost .*run again with --resume/);
      expect(died.code).toBe(3);
      const resumed = await cli([...args, '--resume']);
      expect(resumed.stderr).not.toMatch(/unexpected/);
      expect(resumed.code).toBe(0);
      expect(await targetState(url)).toEqual(await targetState(reference.url));
    },
    180_000,
  );
});
