/**
 * One secret key file per test process (`--secret-key-file`): every node of a test cluster
 * shares it, as in production with a key file (without one, PostgreSQL keeps the key in the
 * database; test/integration/secret-key.test.ts covers that).
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKeyFile } from '../../src/adapters/crypto/secret-box.js';
import { KEY_FILE_ENV } from './global-setup.js';

let file: string | null = null;

export function testKeyFile(): string {
  if (file !== null) return file;
  // Made once for the whole run by global-setup.ts, which removes it at the end.
  const shared = process.env[KEY_FILE_ENV];
  if (shared && existsSync(shared)) return (file = shared);
  const candidate = path.join(tmpdir(), `sessiond-test-${process.pid}.key`);
  if (!existsSync(candidate)) createKeyFile(candidate);
  file = candidate;
  // Tests leave no trace: the file goes with the test process that made it.
  process.once('exit', () => rmSync(candidate, { force: true }));
  return file;
}
