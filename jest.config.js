// Tests run from the compiled output (`npm run build` first): one type-check for the
// whole project, and the workflow bundle is built from the same JS the worker runs.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/dist/test/**/*.test.js'],
  testEnvironment: 'node',
  globalSetup: '<rootDir>/dist/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/dist/test/setup/global-teardown.js',
  testTimeout: 120000,
  verbose: true,
};
