/** The key file behind --secret-key-file: where it comes from when unset, and rotation. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aesGcmSecretBox, newKeyLine, openSecretBox, readKeyFile, rotateKeyFile } from './secret-box.js';

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

describe('openSecretBox', () => {
  it('PostgreSQL without a key file: the key kept in the database, with a warning on every start that a dump exposes it', async () => {
    const stored = { line: newKeyLine(), created: true };
    const warnings: string[] = [];
    const options = { keyFile: null, databaseUrl: 'postgres://db/sessiond', engine: 'postgres' as const, sharedKey: async () => stored };
    const first = await openSecretBox(options, (m) => warnings.push(m));
    stored.created = false;
    const second = await openSecretBox(options, (m) => warnings.push(m));
    expect(second.open(first.seal('JBSWY3DPEHPK3PXP', 'mfa_totp:u1'), 'mfa_totp:u1')).toBe('JBSWY3DPEHPK3PXP');
    expect(warnings).toEqual([
      expect.stringMatching(/^generated the secret key and stored it in the database.*dump.*--secret-key-file/),
      expect.stringMatching(/^the secret key is read from the database.*dump.*--secret-key-file/),
    ]);
  });

  it('a key file wins over the database: the database is not asked', async () => {
    const file = path.join(dir(), 'keys');
    rotateKeyFile(file, null);
    const sharedKey = () => Promise.reject(new Error('not asked'));
    const box = await openSecretBox({ keyFile: file, databaseUrl: 'postgres://db/sessiond', engine: 'postgres', sharedKey }, () => {});
    expect(aesGcmSecretBox(readKeyFile(file)).open(box.seal('s', 'ctx'), 'ctx')).toBe('s');
  });

  it('creates sessiond.key (0600) next to a SQLite file on first start, with a warning, and reads it after', async () => {
    const d = dir();
    const warnings: string[] = [];
    const options = { keyFile: null, databaseUrl: `sqlite:${path.join(d, 'sessiond.db')}`, engine: 'sqlite' as const };
    const first = await openSecretBox(options, (m) => warnings.push(m));
    const file = path.join(d, 'sessiond.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringContaining(file)]);
    const sealed = first.seal('JBSWY3DPEHPK3PXP', 'mfa_totp:u1');
    const again = await openSecretBox(options, (m) => warnings.push(m));
    expect(again.open(sealed, 'mfa_totp:u1')).toBe('JBSWY3DPEHPK3PXP');
    expect(warnings).toHaveLength(1);
  });

  it('a named key file must exist', async () => {
    await expect(
      openSecretBox({ keyFile: path.join(dir(), 'missing.key'), databaseUrl: 'sqlite::memory:', engine: 'sqlite' }, () => {}),
    ).rejects.toThrow(/does not exist/);
  });
});

describe('rotation', () => {
  it('puts a new key first and keeps the old ones: old values open, and are no longer current', () => {
    const file = path.join(dir(), 'keys');
    rotateKeyFile(file, null);
    const before = aesGcmSecretBox(readKeyFile(file));
    const sealed = before.seal('secret', 'ctx');
    const oldMac = before.macs('code')[0]!;
    rotateKeyFile(file, readFileSync(file, 'utf8'));
    const after = aesGcmSecretBox(readKeyFile(file));
    expect(readKeyFile(file)).toHaveLength(2);
    expect(after.open(sealed, 'ctx')).toBe('secret');
    expect(after.isCurrent(sealed)).toBe(false);
    expect(after.isCurrent(after.seal('secret', 'ctx'))).toBe(true);
    expect(after.macs('code')).toContain(oldMac);
    expect(after.macs('code')[0]).not.toBe(oldMac);
    expect(() => after.open(sealed, 'another-row')).toThrow();
  });
});
