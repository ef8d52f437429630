// @ts-check
/**
 * Mutation testing of src/core against its own unit tests: `npm run mutate` (not part of CI; a
 * full run takes a while on two cores). Stryker changes one thing at a time in the core (a `<`
 * into `<=`, a condition into `true`, a string into "") and runs the tests that cover it; a
 * change no test notices ("survived") is a rule nothing pins. Only vitest.core.config.ts's tests
 * run, so no server, browser, Redis or PostgreSQL is started. Reports: reports/mutation/.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.core.config.ts' },
  mutate: ['src/core/**/*.ts', '!src/core/**/*.test.ts', '!src/core/testing/**', '!src/core/ports/**'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  thresholds: { high: 80, low: 60, break: null },
  tempDirName: '.stryker-tmp',
  // The sandbox needs src/, test/support (the use-case wiring core tests import), the configs and
  // node_modules (linked); not the web app, docs or benchmarks. Leaving test/ out is no error
  // Stryker reports: the imports then reached the unmutated tree outside the sandbox.
  ignorePatterns: ['/web', '/docs', '/bench', '/deploy', '/examples', '/dist', '/scripts', '/.reports'],
};

export default config;
