// Shared jest setup: TypeScript through swc (no type-checking at test time; `pnpm typecheck` does that).
const swcOptions = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
};

/**
 * @param {string} rootDir the package folder
 * @param {import('jest').Config & { databases?: boolean }} options databases: run the shared PostgreSQL setup
 * @returns {import('jest').Config}
 */
function preset(rootDir, { databases = false, ...overrides } = {}) {
  return {
    rootDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions] },
    // The WASM schema engine's bindings are ESM; everything else in node_modules is used as shipped.
    transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/)?@prisma[+/]schema-engine-wasm)'],
    moduleFileExtensions: ['ts', 'js', 'mjs', 'json', 'node'],
    testTimeout: 30_000,
    reporters: ['default', require.resolve('./skipped-tests-reporter')],
    ...(databases
      ? {
          // resolved from the package's own dependencies (@groundtruth/db)
          globalSetup: '@groundtruth/db/testing/global-setup',
          globalTeardown: '@groundtruth/db/testing/global-teardown',
        }
      : {}),
    ...overrides,
  };
}

module.exports = { preset };
