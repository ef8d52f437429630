/**
 * A setup file of the `server` and `processes` projects (vitest.config.ts): whatever a test file's
 * own hooks do, the processes it started (serve-process.ts) end with it. It is a setup file, not
 * a hook registered where serve-process.ts is first imported, because files of one worker share
 * their modules (`isolate: false`): a module's body runs once per worker, a setup file once per file.
 */
import { afterAll } from 'vitest';
import { stopAllSpawned } from './serve-process.js';

afterAll(() => stopAllSpawned());
