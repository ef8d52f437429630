/**
 * The passkey use cases on real parts (in-memory SQLite, the memory rate limiter,
 * @simplewebauthn/server) with a software authenticator: what each ceremony must prove.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyPasskeyStore } from '../adapters/kysely/kysely-passkey-store.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import { memoryRateLimiter } from '../adapters/rate-limit/memory-rate-limiter.js';
import { SoftAuthenticator } from '../../test/support/webauthn-authenticator.js';
import { Background } from './background.js';
import { Recorder, type DomainEvent } from './events.js';
import { authenticatorName, Passkeys, passkeysAvailable, relyingParty } from './passkeys.js';
import type { Store } from './ports/store.js';
import type { Actor } from './security-events.js';
import { fixedClock, type TestClock } from './testing/fakes.js';
import type { UserRecord } from './user.js';

const ORIGIN = 'https://id.example.com';
const ACTOR: Actor = { kind: 'session', sessionId: 'session-1', ip: '81.2.69.160' };
const IP = '81.2.69.160';

describe('the relying party', () => {
  it('is the public URL: its host the RP ID, its origin the only origin', () => {
    expect(relyingParty('https://id.example.com')).toEqual({ id: 'id.example.com', origin: 'https://id.example.com' });
    expect(relyingParty('http://localhost:7400')).toEqual({ id: 'localhost', origin: 'http://localhost:7400' });
  });

  it('is none for an IP address, which cannot be an RP ID', () => {
    for (const url of ['http://127.0.0.1:7400', 'http://10.1.2.3', 'http://[::1]:7400', 'https://[2001:db8::1]']) {
      expect(relyingParty(url), url).toBeNull();
      expect(passkeysAvailable(url), url).toBe(false);
    }
  });
});

describe('authenticator names', () => {
  it('names well-known providers by AAGUID, in any case, and nothing else', () => {
    expect(authenticatorName('fbfc3007-154e-4ecc-8c0b-6e020557d7bd')).toBe('iCloud Keychain');
    expect(authenticatorName('EA9B8D66-4D01-1D21-3CE4-B6B48CB575D4')).toBe('Google Password Manager');
    expect(authenticatorName('08987058-cadc-4b81-b6e1-30de50dcbe96')).toBe('Windows Hello');
    expect(authenticatorName('bada5566-a7aa-401f-bd96-45619a55120d')).toBe('1Password');
    expect(authenticatorName('00000000-0000-0000-0000-000000000000')).toBeNull();
  });
});

describe('Passkeys', () => {
  let clock: TestClock;
  let store: Store;
  let passkeys: Passkeys;
  let events: DomainEvent[];
  let close: () => Promise<void>;
  let n = 0;

  beforeEach(async () => {
    clock = fixedClock('2026-03-01T09:00:00Z');
    const { db } = connect('sqlite::memory:');
    await migrateToLatest(db);
    store = kyselyStore(db);
    events = [];
    const recorder = new Recorder(new Background(() => {}));
    recorder.add((e) => {
      events.push(e);
    });
    passkeys = new Passkeys({
      store: kyselyPasskeyStore(db),
      users: store,
      clock,
      crypto: nodeCrypto,
      rateLimiter: memoryRateLimiter(clock),
      signInLimits: { perIp: { limit: 1000, windowMs: 60_000 }, perAccount: { limit: 3, windowMs: 15 * 60_000 } },
      recorder,
      publicUrl: ORIGIN,
      rpName: 'sessiond',
      maxPerAccount: 2,
    });
    close = () => store.close();
  });
  afterEach(async () => close());

  async function user(): Promise<UserRecord> {
    const id = `user${++n}`.padEnd(22, 'x');
    const record: UserRecord = {
      id,
      email: `${id}@example.com`,
      emailKey: `${id}@example.com`,
      name: null,
      passwordHash: 'x',
      isAdmin: false,
      createdAt: clock.now(),
      passwordChangedAt: clock.now(),
    };
    await store.insertUser(record);
    return record;
  }

  async function registered(owner: UserRecord, auth = new SoftAuthenticator({ origin: ORIGIN })) {
    const options = await passkeys.registrationOptions(owner, 'session-1');
    const passkey = await passkeys.register(owner, 'session-1', auth.create(options), null, ACTOR);
    return { auth, passkey };
  }

  async function code(promise: Promise<unknown>): Promise<string> {
    return promise.then(
      () => 'ok',
      (err: { code?: string }) => err.code ?? String(err),
    );
  }

  it('registers a passkey and records it for the timeline and mail', async () => {
    const owner = await user();
    const { passkey } = await registered(owner);
    expect(passkey).toMatchObject({ userId: owner.id, name: 'iCloud Keychain', counter: 0, backedUp: true, deviceType: 'multiDevice' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'mfa_changed', change: 'passkey_added', userId: owner.id }));
  });

  it('refuses a registration for another session, or without user verification', async () => {
    const owner = await user();
    const options = await passkeys.registrationOptions(owner, 'session-1');
    const auth = new SoftAuthenticator({ origin: ORIGIN });
    expect(await code(passkeys.register(owner, 'session-2', auth.create(options), null, ACTOR))).toBe('invalid_request');
    const unverified = new SoftAuthenticator({ origin: ORIGIN, userVerified: false });
    const again = await passkeys.registrationOptions(owner, 'session-1');
    expect(await code(passkeys.register(owner, 'session-1', unverified.create(again), null, ACTOR))).toBe('invalid_request');
    expect(await passkeys.list(owner.id)).toEqual([]);
  });

  it('refuses a third passkey when the limit is two', async () => {
    const owner = await user();
    await registered(owner);
    await registered(owner);
    expect(await code(passkeys.registrationOptions(owner, 'session-1'))).toBe('forbidden');
  });

  it('authenticates a sign-in, moves the counter and records the use', async () => {
    const owner = await user();
    const { auth, passkey } = await registered(owner);
    clock.advance(60_000);
    const use = await passkeys.authenticate(
      auth.get(await passkeys.authenticationOptions({ purpose: 'sign_in' })),
      { purpose: 'sign_in' },
      IP,
    );
    expect(use.user.id).toBe(owner.id);
    expect(use.passkey).toMatchObject({ id: passkey.id, counter: 1, lastUsedAt: clock.now() });
  });

  it('a challenge proves only what it was issued for', async () => {
    const owner = await user();
    const other = await user();
    const { auth } = await registered(owner);
    const signIn = await passkeys.authenticationOptions({ purpose: 'sign_in' });
    expect(await code(passkeys.authenticate(auth.get(signIn), { purpose: 'reauth', userId: owner.id, sessionId: 'session-1' }, IP))).toBe(
      'invalid_credentials',
    );
    const reauth = await passkeys.authenticationOptions({ purpose: 'reauth', userId: owner.id, sessionId: 'session-1' });
    expect(await code(passkeys.authenticate(auth.get(reauth), { purpose: 'reauth', userId: owner.id, sessionId: 'session-2' }, IP))).toBe(
      'invalid_credentials',
    );
    // Another account's re-authentication cannot be done with this account's passkey.
    await registered(other);
    const theirs = await passkeys.authenticationOptions({ purpose: 'reauth', userId: other.id, sessionId: 'session-9' });
    expect(
      await code(
        passkeys.authenticate(
          auth.get(theirs, { credential: auth.credentials[0]! }),
          { purpose: 'reauth', userId: other.id, sessionId: 'session-9' },
          IP,
        ),
      ),
    ).toBe('invalid_credentials');
  });

  it('has no options for the passkeys of an account that has none', async () => {
    const owner = await user();
    expect(await code(passkeys.authenticationOptions({ purpose: 'reauth', userId: owner.id, sessionId: 'session-1' }))).toBe('not_found');
    expect(await code(passkeys.authenticationOptions({ purpose: 'sign_in' }))).toBe('ok');
  });

  it('refuses an assertion whose user handle names another account', async () => {
    const owner = await user();
    const { auth } = await registered(owner);
    const response = auth.get(await passkeys.authenticationOptions({ purpose: 'sign_in' }));
    const forged = { ...response, response: { ...response.response, userHandle: Buffer.from('someone-else').toString('base64url') } };
    expect(await code(passkeys.authenticate(forged, { purpose: 'sign_in' }, IP))).toBe('invalid_credentials');
  });

  it('refuses an assertion without user verification', async () => {
    const owner = await user();
    const auth = new SoftAuthenticator({ origin: ORIGIN });
    await registered(owner, auth);
    const lazy = new SoftAuthenticator({ origin: ORIGIN, userVerified: false });
    const credential = auth.credentials[0]!;
    const response = lazy.get(await passkeys.authenticationOptions({ purpose: 'sign_in' }), { credential });
    expect(await code(passkeys.authenticate(response, { purpose: 'sign_in' }, IP))).toBe('invalid_credentials');
  });

  it('wrong answers count toward the account limit; a right one then is rate limited too', async () => {
    const owner = await user();
    const { auth } = await registered(owner);
    for (let i = 0; i < 3; i++) {
      const response = auth.get(await passkeys.authenticationOptions({ purpose: 'sign_in' }), { origin: 'https://evil.example' });
      expect(await code(passkeys.authenticate(response, { purpose: 'sign_in' }, IP))).toBe('invalid_credentials');
    }
    const right = auth.get(await passkeys.authenticationOptions({ purpose: 'sign_in' }));
    expect(await code(passkeys.authenticate(right, { purpose: 'sign_in' }, IP))).toBe('rate_limited');
  });

  it('has no passkeys on a public URL that is an IP address', async () => {
    const owner = await user();
    const { db } = connect('sqlite::memory:');
    await migrateToLatest(db);
    const byIp = new Passkeys({
      store: kyselyPasskeyStore(db),
      users: store,
      clock,
      crypto: nodeCrypto,
      rateLimiter: memoryRateLimiter(clock),
      signInLimits: { perIp: { limit: 10, windowMs: 60_000 }, perAccount: { limit: 3, windowMs: 60_000 } },
      recorder: new Recorder(new Background(() => {})),
      publicUrl: 'http://127.0.0.1:7400',
      rpName: 'sessiond',
      maxPerAccount: 2,
    });
    expect(byIp.available).toBe(false);
    expect(await code(byIp.registrationOptions(owner, 'session-1'))).toBe('forbidden');
    await db.destroy();
  });
});
