/**
 * One secret key file per test process (`--secret-key-file`): PostgreSQL refuses to start
 * without one, and every node of a test cluster must share it, as in production.
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
