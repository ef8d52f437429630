/**
 * Runs once around the whole test run (vitest `globalSetup`): one secret key file for every test
 * process, in a temporary folder removed at the end, so tests leave no file behind even when a
 * worker process is ended without its exit handlers running. It also names this run's PostgreSQL
 * schemas and drops them all at the end (see SCHEMA_PREFIX_ENV).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKeyFile } from '../../src/adapters/crypto/secret-box.js';
import { dropSchemas, SCHEMA_PREFIX_ENV } from './databases.js';

export const KEY_FILE_ENV = 'SESSIOND_TEST_KEY_FILE';

export default function setup(): () => Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sessiond-test-'));
  const file = path.join(dir, 'secret.key');
  createKeyFile(file);
  process.env[KEY_FILE_ENV] = file;
  const prefix = `t_${randomBytes(4).toString('hex')}_`;
  process.env[SCHEMA_PREFIX_ENV] = prefix;
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropSchemas(prefix);
  };
}
