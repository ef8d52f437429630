/** `sessiond keys rotate`: the secret key file's rotation from the command line. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { readKeyFile } from '../../adapters/crypto/secret-box.js';
import { program } from '../main.js';

const made: string[] = [];
const dir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'sessiond-keys-'));
  made.push(d);
  return d;
};
// Tests leave no trace: every folder a test made goes at the end.
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sessiond keys rotate', () => {
  it('`sessiond keys rotate --secret-key-file` creates the file, then adds a key first', async () => {
    const file = path.join(dir(), 'keys');
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await program().parseAsync(['node', 'sessiond', 'keys', 'rotate', '--secret-key-file', file]);
    const one = readKeyFile(file);
    await program().parseAsync(['node', 'sessiond', 'keys', 'rotate', '--secret-key-file', file]);
    const two = readKeyFile(file);
    expect(two).toHaveLength(2);
    expect(two[1]).toEqual(one[0]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to rotate a damaged file rather than overwrite it', async () => {
    const file = path.join(dir(), 'keys');
    writeFileSync(file, 'not a key\n');
    await expect(program().parseAsync(['node', 'sessiond', 'keys', 'rotate', '--secret-key-file', file])).rejects.toThrow(
      /not base64|bytes/,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});
