import { createDatabase, type Database } from '@groundtruth/db';
import { createTestDatabase, type TestDatabase } from '@groundtruth/db/testing';

/** A fresh migrated database for one test file; call `close()` in afterAll. */
export async function openTestDatabase(label: string): Promise<Database & { testDb: TestDatabase }> {
  const testDb = await createTestDatabase(label);
  const db = createDatabase({
    url: testDb.url,
    poolMax: 2,
    connectTimeoutMs: 5000,
    idleTimeoutMs: 1000,
    statementTimeoutMs: 0,
    statementCacheSize: 0,
    applicationName: label,
  });
  return {
    ...db,
    testDb,
    close: async () => {
      await db.close();
      await testDb.drop();
    },
  };
}
