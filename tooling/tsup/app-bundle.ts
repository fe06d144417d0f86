import type { Options } from 'tsup';

// One file per app: workspace packages are bundled in (they ship TypeScript); every npm package stays external,
// required at run time from the deployed folder's hoisted node_modules (scripts/deploy-app.sh).
export const appBundle: Options = {
  entry: ['src/main.ts'],
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@groundtruth\//],
  skipNodeModulesBundle: true,
  clean: true,
  sourcemap: true,
};
