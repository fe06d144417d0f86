import { defineConfig } from 'tsup';

// One file per app: workspace packages are bundled in (they ship TypeScript), npm dependencies stay external.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@groundtruth\//],
  clean: true,
  sourcemap: true,
});
