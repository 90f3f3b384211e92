// Tests run from the compiled output (`npm run build` first): one type-check for the
// whole project, and the workflow bundle is built from the same JS the worker runs.
// The global setup provisions the Temporal tools (.tools/, built on the first run) and
// starts PostgreSQL, an SMTP inbox and a Temporal dev server once for the whole run;
// see test/setup/global-setup.ts and docs/OPERATIONS.md.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  // Only dist/ is crawled: data/ (a live PostgreSQL data dir) and .tools/ stay out.
  roots: ['<rootDir>/dist'],
  testMatch: ['<rootDir>/dist/test/**/*.test.js'],
  testEnvironment: 'node',
  globalSetup: '<rootDir>/dist/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/dist/test/setup/global-teardown.js',
  testTimeout: 120000,
  verbose: true,
};
