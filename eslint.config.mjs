import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers (ARCHITECTURE.md): each package imports only the workspace packages below it. A package not listed
 * here may import none of them.
 */
const LAYERS = {
  'packages/config': [],
  'packages/media': [],
  'packages/devstack': [],
  'packages/db': ['config', 'devstack'],
  'packages/queue': ['config', 'db'],
  'packages/jobs': ['config', 'db', 'queue', 'devstack'],
  'packages/domain': ['config', 'db', 'queue', 'jobs', 'media', 'devstack'],
  'packages/legacy-archive': ['config', 'db', 'devstack'],
  'apps/api': ['config', 'db', 'queue', 'jobs', 'media', 'domain', 'legacy-archive', 'devstack'],
  'apps/worker': ['config', 'db', 'queue', 'jobs', 'media', 'domain', 'devstack'],
  'apps/migrator': ['config', 'db', 'legacy-archive', 'devstack'],
};
const PACKAGES = [
  'config',
  'media',
  'devstack',
  'db',
  'queue',
  'jobs',
  'domain',
  'legacy-archive',
  'tsconfig',
  'jest-preset',
];
const SHARED_TOOLING = ['tsconfig', 'jest-preset'];

const layerRules = Object.entries(LAYERS).map(([folder, allowed]) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: PACKAGES.filter(
          (name) =>
            !allowed.includes(name) && !SHARED_TOOLING.includes(name) && `packages/${name}` !== folder,
        ).map((name) => ({
          group: [`@groundtruth/${name}`, `@groundtruth/${name}/*`],
          message: `${folder} may not import @groundtruth/${name}: layers import downward only (ARCHITECTURE.md).`,
        })),
      },
    ],
  },
}));

/** Routes parse, call one service, answer: no database, queue or job producer in reach. */
const routeRules = {
  files: ['apps/api/src/routes/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [
              'pg',
              'pg-*',
              '@prisma/*',
              'bullmq',
              'ioredis',
              '@groundtruth/db',
              '@groundtruth/db/*',
              '@groundtruth/queue',
              '@groundtruth/jobs',
              '@groundtruth/legacy-archive',
            ],
            message:
              'Routes call services (RouteContext.services); data access and jobs live in packages/domain.',
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/src/generated/**',
      '.data/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      // One home per concern: a hand-written file past 400 lines wants splitting (data tables aside).
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
    },
  },
  { files: ['packages/domain/src/taxonomy/seed-data.ts'], rules: { 'max-lines': 'off' } },
  {
    // Build configs and the jest preset's declarations belong to no TypeScript project.
    files: ['**/tsup.config.ts', 'tooling/**/*.d.ts', 'tooling/tsup/*.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  ...layerRules,
  routeRules,
  {
    // Test and tooling code reads untyped JSON (supertest bodies, child-process output) on purpose.
    files: [
      '**/test/**/*.ts',
      '**/bench/**/*.ts',
      '**/scripts/**/*.ts',
      '**/testing/**/*.ts',
      '**/*.config.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Stand-in processors and fakes are async to fit the interfaces they implement.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
