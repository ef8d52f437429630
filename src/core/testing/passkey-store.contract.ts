/**
 * The PasskeyStore port's contract, as one suite every adapter runs
 * (`test/integration/passkey-store.test.ts` runs it on SQLite and PostgreSQL). Each case names a
 * promise the passkey use cases rely on: a credential id belongs to one passkey, an account holds
 * at most its limit, a challenge is good once and only until it expires (W3C WebAuthn Level 3
 * §13.4.3), and a use is recorded only against the counter it was checked with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PasskeyRecord, PasskeyStore, WebauthnChallengeRecord } from '../ports/passkey-store.js';
import type { Store } from '../ports/store.js';
import type { UserRecord } from '../user.js';
import { userRecord } from './store.contract.js';

export interface PasskeyStoreFixture {
  passkeys: PasskeyStore;
  /** The session store of the same database: users are made through it. */
  store: Store;
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00Z');
const MINUTE = 60_000;

let counter = 0;
function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 10)}`.padEnd(22, 'x').slice(0, 22);
}

function passkeyRecord(userId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord {
  return {
    id: uniqueId('p'),
    userId,
    credentialId: uniqueId('cred'),
    publicKey: 'pQECAyYgASFYIBase64urlCoseKey',
    counter: 0,
    transports: ['internal', 'hybrid'],
    backedUp: true,
    deviceType: 'multiDevice',
    aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd',
    name: 'iCloud Keychain',
    createdAt: T0,
    lastUsedAt: null,
    ...overrides,
  };
}

function challengeRecord(overrides: Partial<WebauthnChallengeRecord> = {}): WebauthnChallengeRecord {
  return {
    challengeHash: uniqueId('h'),
    purpose: 'sign_in',
    userId: null,
    sessionId: null,
    mfaTokenHash: null,
    expiresAt: T0 + 5 * MINUTE,
    ...overrides,
  };
}

export function runPasskeyStoreContract(name: string, makeStore: () => Promise<PasskeyStoreFixture>): void {
  describe(`PasskeyStore contract: ${name}`, () => {
    let fixture: PasskeyStoreFixture;
    let passkeys: PasskeyStore;

    beforeAll(async () => {
      fixture = await makeStore();
      passkeys = fixture.passkeys;
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    async function newUser(): Promise<UserRecord> {
      const user = userRecord();
      expect(await fixture.store.insertUser(user)).toBe(true);
      return user;
    }

    it('insertPasskey() stores every field, and the passkey is found by its id and by its credential id', async () => {
      const user = await newUser();
      const p = passkeyRecord(user.id, { counter: 7, transports: ['usb'], backedUp: false, deviceType: 'singleDevice' });
      expect(await passkeys.insertPasskey(p, 10)).toBe('inserted');
      expect(await passkeys.findPasskey(user.id, p.id)).toEqual(p);
      expect(await passkeys.findByCredentialId(p.credentialId)).toEqual(p);
      expect(await passkeys.findByCredentialId('no-such-credential')).toBeNull();
    });

    it('keeps the longest credential id WebAuthn allows (1,023 bytes, 1,364 characters of base64url) and a large public key exactly', async () => {
      const user = await newUser();
      const longest = Buffer.alloc(1023, 0xfb).toString('base64url');
      const p = passkeyRecord(user.id, { credentialId: longest, publicKey: Buffer.alloc(600, 0xa5).toString('base64url') });
      expect(await passkeys.insertPasskey(p, 10)).toBe('inserted');
      expect(await passkeys.findByCredentialId(longest)).toEqual(p);
      // One character short is another credential, not the same one cut.
      expect(await passkeys.findByCredentialId(longest.slice(0, -1))).toBeNull();
    });

    it("a passkey is found only by its own account's id", async () => {
      const owner = await newUser();
      const other = await newUser();
      const p = passkeyRecord(owner.id);
      await passkeys.insertPasskey(p, 10);
      expect(await passkeys.findPasskey(other.id, p.id)).toBeNull();
      expect(await passkeys.renamePasskey(other.id, p.id, 'mine now')).toBeNull();
      expect(await passkeys.deletePasskey(other.id, p.id)).toBeNull();
      expect(await passkeys.findPasskey(owner.id, p.id)).toEqual(p);
    });

    it('a credential id belongs to one passkey, across accounts', async () => {
      const a = await newUser();
      const b = await newUser();
      const first = passkeyRecord(a.id);
      await passkeys.insertPasskey(first, 10);
      expect(await passkeys.insertPasskey(passkeyRecord(b.id, { credentialId: first.credentialId }), 10)).toBe('duplicate');
      expect(await passkeys.listPasskeys(b.id)).toEqual([]);
    });

    it('an account holds at most `max` passkeys', async () => {
      const user = await newUser();
      expect(await passkeys.insertPasskey(passkeyRecord(user.id), 2)).toBe('inserted');
      expect(await passkeys.insertPasskey(passkeyRecord(user.id), 2)).toBe('inserted');
      expect(await passkeys.insertPasskey(passkeyRecord(user.id), 2)).toBe('limit');
      expect(await passkeys.countPasskeys(user.id)).toBe(2);
    });

    it('an account holds at most `max` passkeys when many are added at once', async () => {
      const user = await newUser();
      const results = await Promise.all(Array.from({ length: 12 }, () => passkeys.insertPasskey(passkeyRecord(user.id), 4)));
      expect(results.filter((r) => r === 'inserted')).toHaveLength(4);
      expect(await passkeys.countPasskeys(user.id)).toBe(4);
    });

    it('listPasskeys() is newest first; rename and delete change only the named passkey', async () => {
      const user = await newUser();
      const old = passkeyRecord(user.id, { createdAt: T0 });
      const mid = passkeyRecord(user.id, { createdAt: T0 + MINUTE });
      const recent = passkeyRecord(user.id, { createdAt: T0 + 2 * MINUTE });
      for (const p of [mid, old, recent]) await passkeys.insertPasskey(p, 10);
      expect((await passkeys.listPasskeys(user.id)).map((p) => p.id)).toEqual([recent.id, mid.id, old.id]);
      expect(await passkeys.renamePasskey(user.id, mid.id, 'Work laptop')).toEqual({ ...mid, name: 'Work laptop' });
      expect(await passkeys.deletePasskey(user.id, old.id)).toEqual(old);
      expect(await passkeys.deletePasskey(user.id, old.id)).toBeNull();
      expect((await passkeys.listPasskeys(user.id)).map((p) => [p.id, p.name])).toEqual([
        [recent.id, recent.name],
        [mid.id, 'Work laptop'],
      ]);
    });

    it('recordUse() moves the counter only from the value it was checked against', async () => {
      const user = await newUser();
      const p = passkeyRecord(user.id, { counter: 5, backedUp: false });
      await passkeys.insertPasskey(p, 10);
      expect(await passkeys.recordUse(p.id, 5, { counter: 6, backedUp: true, at: T0 + MINUTE })).toBe(true);
      // A second use checked against the old counter (a race, or a replay) is not recorded.
      expect(await passkeys.recordUse(p.id, 5, { counter: 6, backedUp: true, at: T0 + 2 * MINUTE })).toBe(false);
      expect(await passkeys.findPasskey(user.id, p.id)).toMatchObject({ counter: 6, backedUp: true, lastUsedAt: T0 + MINUTE });
    });

    it('a counter of 2^32 - 1 round-trips', async () => {
      const user = await newUser();
      const p = passkeyRecord(user.id, { counter: 4_294_967_295 });
      await passkeys.insertPasskey(p, 10);
      expect((await passkeys.findPasskey(user.id, p.id))?.counter).toBe(4_294_967_295);
    });

    it('a challenge is consumed once: the second consumer gets nothing', async () => {
      const user = await newUser();
      const c = challengeRecord({ purpose: 'reauth', userId: user.id, sessionId: 'session-1', mfaTokenHash: 'token-hash' });
      await passkeys.saveChallenge(c);
      const both = await Promise.all([passkeys.consumeChallenge(c.challengeHash, T0), passkeys.consumeChallenge(c.challengeHash, T0)]);
      expect(both.filter((x) => x !== null)).toEqual([c]);
      expect(await passkeys.consumeChallenge(c.challengeHash, T0)).toBeNull();
    });

    it('an expired challenge is not given, and is gone', async () => {
      const c = challengeRecord();
      await passkeys.saveChallenge(c);
      expect(await passkeys.consumeChallenge(c.challengeHash, c.expiresAt)).toBeNull();
      expect(await passkeys.consumeChallenge(c.challengeHash, T0)).toBeNull();
    });

    it('purgeExpiredChallenges() deletes the expired ones only', async () => {
      const expired = challengeRecord({ expiresAt: T0 - 1 });
      const live = challengeRecord({ expiresAt: T0 + MINUTE });
      await passkeys.saveChallenge(expired);
      await passkeys.saveChallenge(live);
      expect(await passkeys.purgeExpiredChallenges(T0)).toBeGreaterThanOrEqual(1);
      expect(await passkeys.consumeChallenge(expired.challengeHash, T0 - 2)).toBeNull();
      expect(await passkeys.consumeChallenge(live.challengeHash, T0)).toEqual(live);
    });
  });
}
