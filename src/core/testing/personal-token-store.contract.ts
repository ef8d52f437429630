/**
 * The PersonalTokenStore port's contract, as one suite every adapter runs
 * (`test/integration/personal-token-store.test.ts` runs it on every engine). Each case names a
 * promise `PersonalTokens` relies on: a token reads back as written; the list holds only the
 * account's active tokens, newest first; the cap counts active tokens only; revoking is once and
 * only by the owner; a use is written at most once a minute, whoever races; tokens go with their
 * account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonalTokenRecord, PersonalTokenStore } from '../ports/personal-token-store.js';
import type { Store } from '../ports/store.js';
import { userRecord } from './store.contract.js';

export interface PersonalTokenStoreFixture {
  tokens: PersonalTokenStore;
  store: Store;
  /** Deletes the account's row as an operator would (no use case deletes accounts). */
  deleteUser(userId: string): Promise<void>;
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00Z');
const DAY = 86_400_000;

let counter = 0;
function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 10)}`.padEnd(22, 'x').slice(0, 22);
}

export function runPersonalTokenStoreContract(name: string, make: () => Promise<PersonalTokenStoreFixture>): void {
  describe(`PersonalTokenStore contract: ${name}`, () => {
    let f: PersonalTokenStoreFixture;
    beforeAll(async () => {
      f = await make();
    });
    afterAll(async () => f?.dispose());

    async function user(): Promise<string> {
      const u = userRecord();
      await f.store.insertUser(u);
      return u.id;
    }

    function token(userId: string, overrides: Partial<PersonalTokenRecord> = {}): PersonalTokenRecord {
      const id = uniqueId('t');
      return {
        id,
        userId,
        name: 'laptop — deploy script',
        tokenHash: `hash-${id}`,
        scopes: ['api:read', 'api:write'],
        createdAt: T0,
        expiresAt: T0 + 30 * DAY,
        lastUsedAt: null,
        lastUsedIp: null,
        revokedAt: null,
        ...overrides,
      };
    }

    it('reads a token back as written, a never-expiring one too', async () => {
      const u = await user();
      const expiring = token(u);
      const forever = token(u, { expiresAt: null, scopes: ['api:read'], name: '🔑 ci' });
      expect(await f.tokens.insertPersonalToken(expiring, 50, T0)).toBe('inserted');
      expect(await f.tokens.insertPersonalToken(forever, 50, T0)).toBe('inserted');
      expect(await f.tokens.findPersonalToken(expiring.id)).toEqual(expiring);
      expect(await f.tokens.findPersonalToken(forever.id)).toEqual(forever);
      expect(await f.tokens.findPersonalToken(uniqueId('none'))).toBeNull();
    });

    it('refuses a second token with the same secret hash', async () => {
      const u = await user();
      const first = token(u);
      await f.tokens.insertPersonalToken(first, 50, T0);
      await expect(f.tokens.insertPersonalToken(token(u, { tokenHash: first.tokenHash }), 50, T0)).rejects.toThrow();
    });

    it('lists only the account’s active tokens, newest first', async () => {
      const u = await user();
      const other = await user();
      const older = token(u, { createdAt: T0 });
      const newer = token(u, { createdAt: T0 + 1_000, expiresAt: null });
      const expired = token(u, { createdAt: T0 + 2_000, expiresAt: T0 + 5_000 });
      const revoked = token(u, { createdAt: T0 + 3_000, revokedAt: T0 + 3_500 });
      const someoneElses = token(other, { createdAt: T0 + 4_000 });
      for (const t of [older, newer, expired, revoked, someoneElses]) await f.tokens.insertPersonalToken(t, 50, T0);
      expect(await f.tokens.listActivePersonalTokens(u, T0 + 4_999)).toEqual([expired, newer, older]);
      // Expired at exactly its expiry.
      expect(await f.tokens.listActivePersonalTokens(u, T0 + 5_000)).toEqual([newer, older]);
      expect(await f.tokens.listActivePersonalTokens(other, T0 + 5_000)).toEqual([someoneElses]);
    });

    it('refuses a token beyond the cap of active ones, counting neither revoked nor expired ones', async () => {
      const u = await user();
      await f.tokens.insertPersonalToken(token(u, { revokedAt: T0 }), 2, T0);
      await f.tokens.insertPersonalToken(token(u, { expiresAt: T0 + 10 }), 2, T0);
      expect(await f.tokens.insertPersonalToken(token(u), 2, T0 + 10)).toBe('inserted');
      expect(await f.tokens.insertPersonalToken(token(u), 2, T0 + 10)).toBe('inserted');
      const third = token(u);
      expect(await f.tokens.insertPersonalToken(third, 2, T0 + 10)).toBe('limit');
      expect(await f.tokens.findPersonalToken(third.id)).toBeNull();
      // Another account's cap is its own.
      expect(await f.tokens.insertPersonalToken(token(await user()), 2, T0 + 10)).toBe('inserted');
    });

    it('never goes past the cap when many tokens are made at once', async () => {
      const u = await user();
      const results = await Promise.all(Array.from({ length: 12 }, () => f.tokens.insertPersonalToken(token(u), 4, T0)));
      expect(results.filter((r) => r === 'inserted')).toHaveLength(4);
      expect(await f.tokens.listActivePersonalTokens(u, T0)).toHaveLength(4);
    });

    it('revokes a token once, only by its owner, and not once it has expired', async () => {
      const u = await user();
      const other = await user();
      const t = token(u);
      const expired = token(u, { expiresAt: T0 + 10 });
      await f.tokens.insertPersonalToken(t, 50, T0);
      await f.tokens.insertPersonalToken(expired, 50, T0);
      expect(await f.tokens.revokePersonalToken(other, t.id, T0 + 20)).toBe(false);
      expect(await f.tokens.revokePersonalToken(u, t.id, T0 + 20)).toBe(true);
      expect(await f.tokens.revokePersonalToken(u, t.id, T0 + 21)).toBe(false);
      expect(await f.tokens.revokePersonalToken(u, expired.id, T0 + 20)).toBe(false);
      expect(await f.tokens.findPersonalToken(t.id)).toEqual({ ...t, revokedAt: T0 + 20 });
      expect(await f.tokens.findPersonalToken(expired.id)).toEqual(expired);
    });

    it('revokes every active token of one account and nobody else’s', async () => {
      const u = await user();
      const other = await user();
      const mine = [token(u), token(u, { expiresAt: null })];
      const alreadyRevoked = token(u, { revokedAt: T0 + 1 });
      const theirs = token(other);
      for (const t of [...mine, alreadyRevoked, theirs]) await f.tokens.insertPersonalToken(t, 50, T0);
      expect(await f.tokens.revokePersonalTokensOf(u, T0 + 10)).toBe(2);
      for (const t of mine) expect((await f.tokens.findPersonalToken(t.id))?.revokedAt).toBe(T0 + 10);
      expect((await f.tokens.findPersonalToken(alreadyRevoked.id))?.revokedAt).toBe(T0 + 1);
      expect((await f.tokens.findPersonalToken(theirs.id))?.revokedAt).toBeNull();
      expect(await f.tokens.listActivePersonalTokens(u, T0 + 10)).toEqual([]);
      expect(await f.tokens.revokePersonalTokensOf(u, T0 + 11)).toBe(0);
    });

    it('records a use and its address at most once a minute, and of racing uses one writes', async () => {
      const u = await user();
      const t = token(u);
      await f.tokens.insertPersonalToken(t, 50, T0);
      const racing = await Promise.all(
        ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'].map((ip) => f.tokens.touchPersonalToken(t.id, T0 + 100, ip, 60_000)),
      );
      expect(racing.filter(Boolean)).toHaveLength(1);
      const first = await f.tokens.findPersonalToken(t.id);
      expect(first?.lastUsedAt).toBe(T0 + 100);
      expect(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']).toContain(first?.lastUsedIp);
      expect(await f.tokens.touchPersonalToken(t.id, T0 + 100 + 59_999, '198.51.100.7', 60_000)).toBe(false);
      expect(await f.tokens.touchPersonalToken(t.id, T0 + 100 + 60_000, '2001:db8::1', 60_000)).toBe(true);
      expect(await f.tokens.findPersonalToken(t.id)).toMatchObject({ lastUsedAt: T0 + 60_100, lastUsedIp: '2001:db8::1' });
      // A use whose address is unknown says so rather than keep an older one.
      expect(await f.tokens.touchPersonalToken(t.id, T0 + 200_000, null, 60_000)).toBe(true);
      expect(await f.tokens.findPersonalToken(t.id)).toMatchObject({ lastUsedAt: T0 + 200_000, lastUsedIp: null });
    });

    it('deletes an account’s tokens with the account', async () => {
      const u = await user();
      const other = await user();
      const t = token(u);
      const theirs = token(other);
      await f.tokens.insertPersonalToken(t, 50, T0);
      await f.tokens.insertPersonalToken(theirs, 50, T0);
      await f.deleteUser(u);
      expect(await f.tokens.findPersonalToken(t.id)).toBeNull();
      expect(await f.tokens.findPersonalToken(theirs.id)).toEqual(theirs);
    });
  });
}
