/** The key file behind --secret-key-file: where it comes from when unset, and rotation. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aesGcmSecretBox, openSecretBox, readKeyFile, rotateKeyFile } from './secret-box.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'sessiond-keys-'));

describe('openSecretBox', () => {
  it('refuses PostgreSQL without a key file: each node would make its own key', () => {
    expect(() => openSecretBox({ keyFile: null, databaseUrl: 'postgres://db/sessiond', engine: 'postgres' }, () => {})).toThrow(
      /PostgreSQL needs --secret-key-file/,
    );
  });

  it('creates sessiond.key (0600) next to a SQLite file on first start, with a warning, and reads it after', () => {
    const d = dir();
    const warnings: string[] = [];
    const options = { keyFile: null, databaseUrl: `sqlite:${path.join(d, 'sessiond.db')}`, engine: 'sqlite' as const };
    const first = openSecretBox(options, (m) => warnings.push(m));
    const file = path.join(d, 'sessiond.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringContaining(file)]);
    const sealed = first.seal('JBSWY3DPEHPK3PXP', 'mfa_totp:u1');
    const again = openSecretBox(options, (m) => warnings.push(m));
    expect(again.open(sealed, 'mfa_totp:u1')).toBe('JBSWY3DPEHPK3PXP');
    expect(warnings).toHaveLength(1);
  });

  it('a named key file must exist', () => {
    expect(() =>
      openSecretBox({ keyFile: path.join(dir(), 'missing.key'), databaseUrl: 'sqlite::memory:', engine: 'sqlite' }, () => {}),
    ).toThrow(/does not exist/);
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
