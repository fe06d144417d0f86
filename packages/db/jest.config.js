module.exports = require('@groundtruth/jest-preset').preset(__dirname, {
  databases: true,
  globalSetup: '<rootDir>/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/src/testing/global-teardown.ts',
});
