import { defineConfig } from 'vitest/config';

/**
 * The core unit tests alone (`src/core/**\/*.test.ts`), for mutation testing (`npm run mutate`,
 * stryker.config.json): no servers, browsers, Redis or PostgreSQL, only real in-memory SQLite
 * where a test needs a store. `npm test` runs the same files through vitest.config.ts.
 */
export default defineConfig({
  test: {
    name: 'core',
    environment: 'node',
    include: ['src/core/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
