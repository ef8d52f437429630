import { defineConfig } from 'vitest/config';

/**
 * Three projects. `server` (Node: unit, API on real SQLite/PostgreSQL/Redis, SDK) and `web`
 * (component tests in happy-dom) run together on two workers. `processes` — suites that start
 * several real servers or a real Chromium — runs afterwards, one file at a time, so their
 * timing-sensitive checks never compete with each other for this 2-core machine.
 * `.ci/run` reads the JSON report of all three.
 */
const PROCESS_SUITES = ['test/e2e/**/*.test.ts', 'test/multi-node/**/*.test.ts'];

export default defineConfig({
  test: {
    // One secret key file for the run, removed at its end (test/support/global-setup.ts).
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'server',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: PROCESS_SUITES,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
      './web/vitest.config.ts',
      {
        test: {
          name: 'processes',
          environment: 'node',
          include: PROCESS_SUITES,
          testTimeout: 60_000,
          hookTimeout: 90_000,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
