import os from 'node:os';
import path from 'node:path';
import { applyMigrations } from '../schema-engine';
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@groundtruth/devstack';
import { databaseUrl, ENV, quoteIdentifier, withAdminClient } from './database';

declare global {
  var __GT_EMBEDDED_POSTGRES__: EmbeddedPostgresHandle | undefined;
}

/**
 * Once per jest run: find a PostgreSQL server (TEST_DATABASE_URL, or an embedded one), and build a migrated
 * template database that each test file clones in milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[ENV.adminUrl]) return; // a parent run already did this
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const handle = await startEmbeddedPostgres({
      dataDir: path.join(os.tmpdir(), `gt-test-postgres-${runId}`),
      port: await freePort(),
      persistent: false,
    });
    globalThis.__GT_EMBEDDED_POSTGRES__ = handle;
    adminUrl = handle.adminUrl;
  }
  const template = `gt_test_${runId}_template`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(template)}`));
  await applyMigrations(databaseUrl(adminUrl, template));
  process.env[ENV.adminUrl] = adminUrl;
  process.env[ENV.template] = template;
  process.env[ENV.runId] = runId;
}
