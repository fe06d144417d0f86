import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../src/testing';
import { applyMigrations, diffSchemas, SCHEMA_PATH } from '../src/schema-engine';

/** Everything about the public schema that a migration can change, one line each, sorted. */
async function catalog(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ line: string }>(`
      SELECT 'column ' || c.table_name || '.' || c.column_name || ' ' || c.data_type || coalesce('(' || c.datetime_precision || ')', '')
             || ' null=' || c.is_nullable || ' default=' || coalesce(c.column_default, '-') AS line
        FROM information_schema.columns c
       WHERE c.table_schema = 'public' AND c.table_name <> '_prisma_migrations'
      UNION ALL
      SELECT 'constraint ' || rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
       WHERE n.nspname = 'public' AND rel.relname <> '_prisma_migrations'
      UNION ALL
      SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
      UNION ALL
      SELECT 'sequence ' || sequence_name || ' ' || data_type FROM information_schema.sequences WHERE sequence_schema = 'public'
      ORDER BY 1`);
    return rows.map((row) => row.line);
  } finally {
    await client.end();
  }
}

/** The catalog of a database built from the migrations folder vs. one built straight from `schema`. */
async function driftBetweenMigrationsAnd(schema: string, fromMigrations: TestDatabase): Promise<string[]> {
  const fromSchema = await createTestDatabase('drift_schema', { migrated: false });
  try {
    const sql = await diffSchemas(fromSchema.url, null, schema);
    const client = new pg.Client({ connectionString: fromSchema.url });
    await client.connect();
    await client.query(sql).finally(() => client.end());
    const [migrated, direct] = await Promise.all([catalog(fromMigrations.url), catalog(fromSchema.url)]);
    const onlyMigrated = migrated.filter((line) => !direct.includes(line)).map((line) => `- ${line}`);
    const onlySchema = direct.filter((line) => !migrated.includes(line)).map((line) => `+ ${line}`);
    return [...onlyMigrated, ...onlySchema];
  } finally {
    await fromSchema.drop();
  }
}

describe('schema vs. migrations', () => {
  let migrated: TestDatabase;

  beforeAll(async () => {
    migrated = await createTestDatabase('drift_migrations', { migrated: false });
    await applyMigrations(migrated.url);
  });
  afterAll(() => migrated.drop());

  it('the migrations folder builds exactly the schema (run `pnpm db:new <name>` after editing schema.prisma)', async () => {
    expect(await driftBetweenMigrationsAnd(SCHEMA_PATH, migrated)).toEqual([]);
  });

  it('reports a schema change that has no migration', async () => {
    const edited = (await readFile(SCHEMA_PATH, 'utf8')).replace(
      '  notes         String?\n',
      '  notes         String?\n  rating        Int?\n',
    );
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gt-drift-'));
    const editedPath = path.join(dir, 'schema.prisma');
    await writeFile(editedPath, edited);
    try {
      expect(await driftBetweenMigrationsAnd(editedPath, migrated)).toEqual([
        '+ column videos.rating integer null=YES default=-',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('applying the migrations again changes nothing', async () => {
    expect(await applyMigrations(migrated.url)).toEqual([]);
  });
});
