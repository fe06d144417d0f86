import { ENV, quoteIdentifier, withAdminClient } from './database';

/** Drops every database this run created (the template, and any a failed test left behind). */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env[ENV.adminUrl];
  const runId = process.env[ENV.runId];
  if (adminUrl && runId) {
    await withAdminClient(adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`gt_test_${runId}_%`],
      );
      for (const { datname } of rows) {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
      }
    });
  }
  await globalThis.__GT_EMBEDDED_POSTGRES__?.stop();
}
