import { defineConfig } from 'vitest/config';

/**
 * Three projects. `server` (Node: unit, API on real SQLite/PostgreSQL/Redis, SDK) and `web`
 * (component tests in happy-dom) run together on two workers. `processes` — suites that start
 * several real servers or a real Chromium — runs afterwards, on two workers of its own, so its
 * timing-sensitive checks compete with at most one other such file for this 2-core machine
 * (408 s one at a time, 295 s two at a time; three at a time is no faster: the cores are full).
 * `.ci/run` reads the JSON report of all three.
 *
 * Files share the modules of their worker (`isolate: false`): each `server` file importing the
 * app afresh was 169 s of a 14-minute run, and with it the server project took 407 s instead of
 * 260 s; a `processes` file waited 6-12 s for its worker before it began, and that project went
 * from 380 s to 290 s. Every file builds its own registry, app, servers and browser; what modules
 * keep is caches that hold for any caller (ISO strings of times, compiled schemas). A file that
 * stubs the environment, a global or a timer restores it itself. What must happen once per file
 * is a setup file, since a shared module's body runs once per worker.
 */
/** Every file's spawned processes end with it (a setup file runs once per file, even without isolation). */
const STOP_SPAWNED = 'test/support/stop-spawned.ts';
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
          setupFiles: [STOP_SPAWNED],
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
          isolate: false,
          setupFiles: [STOP_SPAWNED],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
