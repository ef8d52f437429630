import { defineConfig } from 'vitest/config';

// Two projects: the server (Node, real SQLite/PostgreSQL/Redis, real processes and Chromium)
// and the web pages' component tests (happy-dom). `.ci/run` reads the JSON report of both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Suites start servers and share one PostgreSQL; two workers match the two cores.
          maxWorkers: 2,
        },
      },
      './web/vitest.config.ts',
    ],
  },
});
