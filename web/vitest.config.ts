import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// Listed as a project by the root vitest.config.ts. Vite's root is web/ (like vite.config.ts);
// test files are looked up from the repo root (`dir`), so the include reads as from there.
export default defineProject({
  root: webRoot,
  plugins: [react()],
  test: {
    name: 'web',
    environment: 'happy-dom',
    dir: repoRoot,
    include: ['web/src/**/*.test.{ts,tsx}'],
    setupFiles: [fileURLToPath(new URL('./src/test-setup.ts', import.meta.url))],
    // Same as the server project: vitest runs projects with equal maxWorkers in one group;
    // different values would need distinct sequence.groupOrder and run one after the other.
    maxWorkers: 2,
  },
});
