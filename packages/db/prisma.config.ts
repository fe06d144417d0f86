// Used by the Prisma CLI (`prisma generate`, and `prisma migrate deploy` on a connected machine).
// Offline, scripts/db.ts applies the same migrations through the WASM schema engine.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
