// The fast workflow tier alone (issue 10): workflows over stub activities on the
// time-skipping test server, without PostgreSQL, SMTP or the dev server. `npm test` runs
// these files too (jest.config.js matches every test); this config is for the quick loop.
const base = require('./jest.config');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/dist/test/fast/**/*.test.js'],
  globalSetup: '<rootDir>/dist/test/setup/fast-setup.js',
  globalTeardown: '<rootDir>/dist/test/setup/fast-teardown.js',
  testTimeout: 20000,
};
