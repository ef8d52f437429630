/**
 * The SecretBox port with node:crypto: AES-256-GCM (96-bit random nonce, 128-bit tag) and
 * HMAC-SHA-256, under keys read from a key file. A key file holds one key per line, 32 random
 * bytes in base64 or base64url; blank lines and `#` comments are ignored. The first key seals
 * and hashes; all of them open and verify.
 */
import { createCipheriv, createDecipheriv, createHmac, hash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SecretBox } from '../../core/ports/secret-box.js';
import type { Engine } from '../kysely/engine.js';

export const KEY_BYTES = 32;
const SEALED = /^v1\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)$/;
const TAG_BYTES = 16;

interface Key {
  /** Names the key in what it sealed: the start of sha256 of the key (reveals nothing usable). */
  id: string;
  encryption: Buffer;
  /** HMAC key, derived with HKDF so one file key is never used for two purposes. */
  mac: Buffer;
}

function prepare(raw: Uint8Array): Key {
  if (raw.length !== KEY_BYTES) throw new Error(`a secret key must be ${KEY_BYTES} bytes, not ${raw.length}`);
  const key = Buffer.from(raw);
  return {
    id: hash('sha256', key, 'base64url').slice(0, 8),
    encryption: key,
    mac: Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'sessiond recovery codes v1', 32)),
  };
}

export function aesGcmSecretBox(keys: readonly Uint8Array[]): SecretBox {
  if (keys.length === 0) throw new Error('a secret key file must hold at least one key');
  const ring = keys.map(prepare);
  const current = ring[0]!;
  const byId = new Map(ring.map((k) => [k.id, k] as const));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.encryption, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${current.id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed, context) {
      const m = SEALED.exec(sealed);
      if (!m) throw new Error('not a sealed value');
      const key = byId.get(m[1]!);
      if (!key) throw new Error(`sealed under key ${m[1]}, which is not in the secret key file`);
      const body = Buffer.from(m[3]!, 'base64url');
      if (body.length < TAG_BYTES) throw new Error('sealed value too short');
      const decipher = createDecipheriv('aes-256-gcm', key.encryption, Buffer.from(m[2]!, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    },
    isSealed: (stored) => stored.startsWith('v1.'),
    isCurrent: (sealed) => SEALED.exec(sealed)?.[1] === current.id,
    macs: (text) => ring.map((k) => `hmac.${k.id}.${createHmac('sha256', k.mac).update(text, 'utf8').digest('base64url')}`),
  };
}

/** Reads a key file: one key a line, base64 or base64url, the current key first. */
export function parseKeyFile(text: string): Uint8Array[] {
  const keys = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line, i) => {
      if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(line)) throw new Error(`secret key file, key ${i + 1}: not base64`);
      const key = new Uint8Array(Buffer.from(line.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
      if (key.length !== KEY_BYTES) throw new Error(`secret key file, key ${i + 1}: ${key.length} bytes, expected ${KEY_BYTES}`);
      return key;
    });
  if (keys.length === 0) throw new Error('the secret key file holds no key');
  return keys;
}

export function readKeyFile(path: string): Uint8Array[] {
  return parseKeyFile(readFileSync(path, 'utf8'));
}

export function newKeyLine(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/**
 * Rotation: a new key goes first (it seals from the next start on); the old ones stay to open
 * what they sealed. Creates the file (mode 0600) when there is none; returns the new key's id.
 */
export function rotateKeyFile(path: string, existing: string | null): string {
  const line = newKeyLine();
  const header = '# sessiond secret keys: the first seals, all open. Keep old keys until nothing needs them (docs/mfa.md).\n';
  const rest = existing === null ? '' : existing.replace(/^# sessiond secret keys:.*\n/, '');
  writeFileSync(path, `${header}${line}\n${rest}`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return prepare(new Uint8Array(Buffer.from(line, 'base64url'))).id;
}

/** Creates a key file with one new key, refusing to overwrite one (flag `wx`). */
export function createKeyFile(path: string): void {
  const header = '# sessiond secret keys: the first seals, all open. Keep old keys until nothing needs them (docs/mfa.md).\n';
  writeFileSync(path, `${header}${newKeyLine()}\n`, { mode: 0o600, flag: 'wx' });
}

/** The key file a SQLite database keeps by default: next to the database file. */
export function defaultKeyFile(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:') || databaseUrl === 'sqlite::memory:') return null;
  return join(dirname(resolve(databaseUrl.slice('sqlite:'.length))), 'sessiond.key');
}

/** Where a shared database (PostgreSQL, MySQL) without a key file keeps its shared key: one key-file line, and whether this call made it. */
export type SharedKeySource = () => Promise<{ line: string; created: boolean }>;

/**
 * The SecretBox a server starts with. `--secret-key-file` when given (it must exist). Without it:
 * a SQLite file gets `sessiond.key` next to it, created on first start (with a warning: back it up
 * with the database, or sealed secrets are lost); an in-memory SQLite a key that dies with the
 * process, as its data does; PostgreSQL and MySQL the key kept in the database (`sharedKey`): the first node
 * generates it and every node reads it, so all of them share one key. That key lives with the data
 * it protects, so every start warns that a database dump exposes the TOTP secrets.
 */
export async function openSecretBox(
  options: { keyFile: string | null; databaseUrl: string; engine: Engine; sharedKey?: SharedKeySource },
  warn: (message: string) => void,
): Promise<SecretBox> {
  if (options.keyFile !== null) {
    if (!existsSync(options.keyFile))
      throw new Error(
        `--secret-key-file ${options.keyFile} does not exist; create one with \`sessiond keys rotate --secret-key-file ${options.keyFile}\``,
      );
    return aesGcmSecretBox(readKeyFile(options.keyFile));
  }
  if (options.engine !== 'sqlite') {
    if (!options.sharedKey) throw new Error('A shared database without --secret-key-file needs the database to keep the secret key');
    const { line, created } = await options.sharedKey();
    warn(
      `${created ? 'generated the secret key and stored it in' : 'the secret key is read from'} the database (table secret_keys): ` +
        'it lives with the data it protects, so a database dump or backup exposes the TOTP secrets. ' +
        'Set --secret-key-file (SESSIOND_SECRET_KEY_FILE) on every node to keep the key apart from the data (docs/mfa.md, Secrets at rest).',
    );
    return aesGcmSecretBox(parseKeyFile(line));
  }
  const path = defaultKeyFile(options.databaseUrl);
  if (path === null) return aesGcmSecretBox([new Uint8Array(randomBytes(KEY_BYTES))]);
  if (!existsSync(path)) {
    createKeyFile(path);
    warn(
      `created the secret key file ${path}: back it up with the database (without it, TOTP secrets cannot be read); set --secret-key-file to keep it elsewhere`,
    );
  }
  return aesGcmSecretBox(readKeyFile(path));
}
