import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory, DriverAdapterError } from '@prisma/driver-adapter-utils';
import type * as Wasm from '@prisma/schema-engine-wasm';

/**
 * Prisma's own schema engine, run as WebAssembly through the pg driver adapter. The CLI's native engine must be
 * downloaded, which this project cannot rely on; this one ships inside an npm package and needs no network.
 * `prisma migrate deploy` on a connected machine applies the same migrations folder with the same result.
 */

export const PRISMA_DIR = path.resolve(__dirname, '../prisma');
export const SCHEMA_PATH = path.join(PRISMA_DIR, 'schema.prisma');
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, 'migrations');

type Bindings = typeof Wasm;

// Node has WebAssembly at run time; TypeScript's node types (without the DOM lib) do not declare it.
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};
let bindingsPromise: Promise<Bindings> | undefined;

async function loadBindings(): Promise<Bindings> {
  bindingsPromise ??= (async () => {
    const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as Bindings & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    const wasmPath = path.join(
      path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
      'schema_engine_bg.wasm',
    );
    // The engine arms 10 s timers (connection timeouts) it never clears; unref them so a finished
    // migration does not keep the process alive.
    const imports: Record<string, unknown> = { ...bindings };
    for (const [name, value] of Object.entries(imports)) {
      if (name.startsWith('__wbg_setTimeout_') && typeof value === 'function') {
        imports[name] = (...args: unknown[]) => {
          const timer = (value as (...a: unknown[]) => unknown)(...args) as
            { unref?: () => void } | undefined;
          timer?.unref?.();
          return timer;
        };
      }
    }
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': imports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return bindingsPromise;
}

const noFilters: Wasm.SchemaFilter = { externalTables: [], externalEnums: [] };

export interface SchemaEngineHandle {
  engine: Wasm.SchemaEngine;
  close: () => Promise<void>;
}

/**
 * The pg adapter runs a migration script split at every `;`, which cuts function bodies (`$$ … ; … $$`) apart.
 * Run it whole instead, as one simple-protocol query, as Prisma's native engine does (one implicit transaction).
 */
function runScriptsWhole(factory: PrismaPg, pool: pg.Pool): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    adapter.executeScript = async (script: string) => {
      try {
        await pool.query(script);
      } catch (error) {
        const { code, severity, message, detail, column, hint } = error as pg.DatabaseError;
        throw new DriverAdapterError({
          kind: 'postgres',
          code: code ?? 'N/A',
          severity: severity ?? 'N/A',
          message,
          detail,
          column,
          hint,
        });
      }
    };
    return adapter;
  };
  return factory;
}

/** Opens the WASM schema engine against `databaseUrl`. Engine log lines go to `onLog` (silent by default). */
export async function openSchemaEngine(
  databaseUrl: string,
  schema = SCHEMA_PATH,
  onLog: (line: string) => void = () => {},
): Promise<SchemaEngineHandle> {
  const { SchemaEngine } = await loadBindings();
  // Our own pool, so close() can end it: idle connections would otherwise keep the process alive.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const adapterFactory = runScriptsWhole(new PrismaPg(pool), pool);
  const datamodel = await readFile(schema, 'utf8');
  const engine = await SchemaEngine.new(
    { datamodels: [[schema, datamodel]] },
    (line: string) => onLog(line),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}

export async function readMigrationList(migrationsDir = MIGRATIONS_DIR): Promise<Wasm.MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    directories.map(async (name): Promise<Wasm.MigrationDirectory> => {
      const content = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8').then(
        (sql): Wasm.JsResult<string, string> => ({ tag: 'ok', value: sql }),
        (error: Error): Wasm.JsResult<string, string> => ({ tag: 'error', value: error.message }),
      );
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  const lockfile = await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lockfile },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Applies every migration not yet recorded in `_prisma_migrations`. Idempotent. */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir = MIGRATIONS_DIR,
): Promise<string[]> {
  const { engine, close } = await openSchemaEngine(databaseUrl);
  try {
    const result = await engine.applyMigrations({
      migrationsList: await readMigrationList(migrationsDir),
      filters: noFilters,
    });
    return result.appliedMigrationNames;
  } finally {
    await close();
  }
}

/**
 * The SQL that takes a database from `from` to the current schema file. `from` is either another schema file
 * (e.g. the schema as of the last migration) or null for an empty database. Needs no live database, but the
 * engine is opened through an adapter, so a reachable URL is still required.
 */
export async function diffSchemas(
  databaseUrl: string,
  fromSchema: string | null,
  toSchema = SCHEMA_PATH,
): Promise<string> {
  const { engine, close } = await openSchemaEngine(databaseUrl, toSchema);
  const target = async (file: string): Promise<Wasm.DiffTarget> => ({
    tag: 'schemaDatamodel',
    files: [{ path: file, content: await readFile(file, 'utf8') }],
  });
  try {
    const result = await engine.diff({
      from: fromSchema === null ? { tag: 'empty' } : await target(fromSchema),
      to: await target(toSchema),
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return result.stdout ?? '';
  } finally {
    await close();
  }
}
