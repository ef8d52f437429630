import { defineConfig } from 'vitest/config';

/**
 * Three projects. `server` (Node: unit, API on real SQLite/PostgreSQL/Redis, SDK) and `web`
 * (component tests in happy-dom) run together on two workers. `processes` — suites that start
 * several real servers or a real Chromium — runs afterwards, on two workers of its own, so its
 * timing-sensitive checks compete with at most one other such file for this 2-core machine
 * (408 s one at a time, 295 s two at a time; three at a time is no faster: the cores are full).
 * `.ci/run` reads the JSON report of all three.
 *
 * `server` files share the modules of their worker (`isolate: false`): each file importing the
 * app afresh was 169 s of a 14-minute run, and with it the server project took 407 s instead of
 * 260 s. Every file builds its own registry and app; what modules keep is caches that hold for any
 * caller (ISO strings of times, compiled schemas). A file that stubs the environment, a global or
 * a timer restores it itself.
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
          isolate: false,
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
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
