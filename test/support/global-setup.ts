/**
 * Runs once around the whole test run (vitest `globalSetup`): one secret key file for every test
 * process, in a temporary folder removed at the end, so tests leave no file behind even when a
 * worker process is ended without its exit handlers running.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKeyFile } from '../../src/adapters/crypto/secret-box.js';

export const KEY_FILE_ENV = 'SESSIOND_TEST_KEY_FILE';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'sessiond-test-'));
  const file = path.join(dir, 'secret.key');
  createKeyFile(file);
  process.env[KEY_FILE_ENV] = file;
  return () => rmSync(dir, { recursive: true, force: true });
}
