// `prisma generate` without network: the CLI insists on locating its native schema engine even though
// generating the client never runs it, so point it at any existing file when none is configured.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const prismaBin = path.join(path.dirname(require.resolve('prisma/package.json')), 'build/index.js');
const result = spawnSync(process.execPath, [prismaBin, 'generate'], {
  cwd: path.resolve(__dirname, '..'),
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
