/**
 * One secret key file per test process (`--secret-key-file`): every node of a test cluster
 * shares it, as in production with a key file (without one, PostgreSQL keeps the key in the
 * database; test/integration/secret-key.test.ts covers that).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKeyFile } from '../../src/adapters/crypto/secret-box.js';

let file: string | null = null;

export function testKeyFile(): string {
  if (file !== null) return file;
  const candidate = path.join(tmpdir(), `sessiond-test-${process.pid}.key`);
  if (!existsSync(candidate)) createKeyFile(candidate);
  file = candidate;
  return file;
}
