/**
 * Secrets at rest (outside review "Hardening", finding 10): the TOTP secret is sealed with
 * AES-256-GCM under a key outside the database, recovery codes are stored as HMAC-SHA-256 under a
 * key derived from it, and keys rotate: the first key of the file seals, every key opens. Rows
 * written before (a plain base32 secret, unkeyed SHA-256 code hashes) keep working; only the new
 * forms are written, and a plain or old-key secret is sealed again under the current key on use.
 */
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryRevocationBus } from '../adapters/bus/memory-revocation-bus.js';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { aesGcmSecretBox, parseKeyFile } from '../adapters/crypto/secret-box.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyMfaStore } from '../adapters/kysely/kysely-mfa-store.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import { argon2PasswordHasher } from '../adapters/password/argon2-password-hasher.js';
import { memoryRateLimiter } from '../adapters/rate-limit/memory-rate-limiter.js';
import { otpauthTotp } from '../adapters/totp/otpauth-totp.js';
import { Background } from './background.js';
import { Recorder } from './events.js';
import { Mfa } from './mfa.js';
import type { MfaStore } from './ports/mfa-store.js';
import type { SecretBox } from './ports/secret-box.js';
import type { Store } from './ports/store.js';
import type { Actor } from './security-events.js';
import { Sessions } from './sessions.js';
import { fixedClock, type TestClock } from './testing/fakes.js';
import { userRecord } from './testing/store.contract.js';

const MINUTE = 60_000;
const ACTOR: Actor = { kind: 'session', sessionId: 'acting-session-000001', ip: '81.2.69.160' };
const passwords = argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
const key = () => new Uint8Array(randomBytes(32));

interface World {
  clock: TestClock;
  store: Store;
  mfaStore: MfaStore;
  /** An Mfa over the same database with another key file, as after a restart with a rotated file. */
  mfaWith(box: SecretBox): Mfa;
  close(): Promise<void>;
}

async function world(): Promise<World> {
  const clock = fixedClock('2026-04-01T09:00:00Z');
  const { db } = connect('sqlite::memory:');
  await migrateToLatest(db);
  const store = kyselyStore(db);
  const mfaStore = kyselyMfaStore(db);
  const sessions = new Sessions({
    store,
    clock,
    crypto: nodeCrypto,
    bus: memoryRevocationBus(),
    policy: { idleTimeoutMs: MINUTE * 60, maxAgeMs: MINUTE * 600, touchIntervalMs: MINUTE },
  });
  const recorder = new Recorder(
    new Background((err) => {
      throw err;
    }),
  );
  const mfaWith = (secretBox: SecretBox) =>
    new Mfa({
      store: mfaStore,
      users: store,
      clock,
      crypto: nodeCrypto,
      secretBox,
      totp: otpauthTotp(nodeCrypto),
      passwords,
      rateLimiter: memoryRateLimiter(clock),
      signInLimits: { perIp: { limit: 1_000, windowMs: MINUTE }, perAccount: { limit: 50, windowMs: 15 * MINUTE } },
      policy: { reauthWindowMs: 10 * MINUTE, trustedDeviceMs: 30 * 24 * 60 * MINUTE, issuer: 'Acme' },
      recorder,
      sessions,
    });
  return { clock, store, mfaStore, mfaWith, close: () => store.close() };
}

let w: World;
afterEach(async () => {
  await w?.close();
});

async function newUser(tag: string) {
  const user = userRecord({
    id: `user-${tag}-0000000000`.slice(0, 22),
    email: `${tag}@example.com`,
    passwordHash: await passwords.hash('pw'),
  });
  await w.store.insertUser(user);
  return user;
}

const codeAt = (secret: string, at: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });

describe('the TOTP secret at rest', () => {
  it('is stored sealed, never as the base32 the app was given, and codes from it still work', async () => {
    w = await world();
    const mfa = w.mfaWith(aesGcmSecretBox([key()]));
    const user = await newUser('sealed');
    const { secret } = await mfa.startTotpEnrolment(user);
    const stored = (await w.mfaStore.findTotp(user.id))!.secret;
    expect(stored).not.toContain(secret);
    expect(stored).toMatch(/^v1\./);
    await mfa.confirmTotpEnrolment(user.id, codeAt(secret, w.clock.now()), ACTOR);
    w.clock.advance(30_000);
    await expect(
      mfa.reauthenticate(user.id, 'some-session-000000001', { code: codeAt(secret, w.clock.now()) }, '81.2.69.160'),
    ).resolves.toBe(w.clock.now());
  });

  it('a sealed secret copied to another account does not open there', async () => {
    w = await world();
    const mfa = w.mfaWith(aesGcmSecretBox([key()]));
    const a = await newUser('copy-a');
    const b = await newUser('copy-b');
    const { secret } = await mfa.startTotpEnrolment(a);
    await mfa.startTotpEnrolment(b);
    await w.mfaStore.savePendingTotp(b.id, (await w.mfaStore.findTotp(a.id))!.secret, w.clock.now());
    await expect(mfa.confirmTotpEnrolment(b.id, codeAt(secret, w.clock.now()), ACTOR)).rejects.toThrow();
  });

  it('keys rotate: a secret sealed under the old key opens with [new, old] and is sealed again under the new key on use', async () => {
    w = await world();
    const oldKey = key();
    const newKey = key();
    const user = await newUser('rotate');
    const { secret } = await w.mfaWith(aesGcmSecretBox([oldKey])).startTotpEnrolment(user);
    const underOld = (await w.mfaStore.findTotp(user.id))!.secret;

    const rotated = aesGcmSecretBox([newKey, oldKey]);
    expect(rotated.isCurrent(underOld)).toBe(false);
    await w.mfaWith(rotated).confirmTotpEnrolment(user.id, codeAt(secret, w.clock.now()), ACTOR);
    const after = (await w.mfaStore.findTotp(user.id))!.secret;
    expect(rotated.isCurrent(after)).toBe(true);
    // Now the old key can leave the file.
    w.clock.advance(30_000);
    const onlyNew = w.mfaWith(aesGcmSecretBox([newKey]));
    await expect(
      onlyNew.reauthenticate(user.id, 'some-session-000000001', { code: codeAt(secret, w.clock.now()) }, '81.2.69.160'),
    ).resolves.toBe(w.clock.now());
  });

  it('a plain base32 secret written before sealing keeps working and is sealed on first use', async () => {
    w = await world();
    const box = aesGcmSecretBox([key()]);
    const user = await newUser('legacy');
    const secret = new Secret({ size: 20 }).base32;
    await w.mfaStore.savePendingTotp(user.id, secret, w.clock.now()); // as the server wrote it before
    await w.mfaWith(box).confirmTotpEnrolment(user.id, codeAt(secret, w.clock.now()), ACTOR);
    const stored = (await w.mfaStore.findTotp(user.id))!.secret;
    expect(stored).not.toBe(secret);
    expect(box.open(stored, `mfa_totp:${user.id}`)).toBe(secret);
  });
});

describe('recovery codes at rest', () => {
  async function enrolled(tag: string, box: SecretBox) {
    const mfa = w.mfaWith(box);
    const user = await newUser(tag);
    const { secret } = await mfa.startTotpEnrolment(user);
    const codes = await mfa.confirmTotpEnrolment(user.id, codeAt(secret, w.clock.now()), ACTOR);
    return { mfa, user, codes };
  }

  it('are stored as keyed hashes (HMAC-SHA-256), not SHA-256 of the code', async () => {
    w = await world();
    const { user, codes } = await enrolled('keyed', aesGcmSecretBox([key()]));
    const stored = (await w.mfaStore.listRecoveryCodes(user.id)).map((c) => c.codeHash);
    expect(stored).toHaveLength(codes.length);
    for (const hash of stored) expect(hash).toMatch(/^hmac\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/);
    const unkeyed = codes.map((c) => nodeCrypto.sha256(`recovery:${c.replace('-', '')}`));
    expect(stored.filter((h) => unkeyed.includes(h))).toEqual([]);
  });

  it('codes stored as unkeyed SHA-256 before keep working, once each; new codes are written keyed', async () => {
    w = await world();
    const { mfa, user } = await enrolled('legacy-codes', aesGcmSecretBox([key()]));
    const legacy = 'k7m2p-xq9ra';
    await w.mfaStore.replaceRecoveryCodes(user.id, [nodeCrypto.sha256(`recovery:${legacy.replace('-', '')}`)], w.clock.now());
    await expect(mfa.reauthenticate(user.id, 'some-session-000000001', { code: legacy }, '81.2.69.160')).resolves.toBe(w.clock.now());
    await expect(mfa.reauthenticate(user.id, 'some-session-000000001', { code: legacy }, '81.2.69.160')).rejects.toMatchObject({
      code: 'invalid_code',
    });
    await mfa.regenerateRecoveryCodes(user.id, ACTOR);
    for (const c of await w.mfaStore.listRecoveryCodes(user.id)) expect(c.codeHash).toMatch(/^hmac\./);
  });

  it('codes hashed under an old key still work after rotation', async () => {
    w = await world();
    const oldKey = key();
    const { user, codes } = await enrolled('rotated-codes', aesGcmSecretBox([oldKey]));
    const rotated = w.mfaWith(aesGcmSecretBox([key(), oldKey]));
    await expect(rotated.reauthenticate(user.id, 'some-session-000000001', { code: codes[0]! }, '81.2.69.160')).resolves.toBe(
      w.clock.now(),
    );
  });
});

describe('the key file', () => {
  it('holds one key a line, comments allowed; the first is current', () => {
    const a = Buffer.from(key()).toString('base64');
    const b = Buffer.from(key()).toString('base64url');
    const keys = parseKeyFile(`# rotated 2026-05-01\n${a}\n\n${b}\n`);
    expect(keys.map((k) => Buffer.from(k).toString('base64'))).toEqual([a, Buffer.from(b, 'base64url').toString('base64')]);
    expect(() => parseKeyFile('# nothing\n')).toThrow(/no key/);
    expect(() => parseKeyFile(Buffer.from(randomBytes(16)).toString('base64'))).toThrow(/16 bytes/);
  });
});
