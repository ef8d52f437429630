/**
 * The ApiKeyStore port's contract, as one suite every adapter runs
 * (`test/integration/api-key-store.test.ts` runs it on SQLite and PostgreSQL). Each case names a
 * promise `ApiKeys` relies on: a key reads back as written, scopes and all; revoking is once and
 * only in the key's own workspace; offboarding revokes exactly the member's keys there; a use is
 * written at most once a minute, whoever races.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../api-keys.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Store } from '../ports/store.js';
import type { WorkspaceStore } from '../ports/workspace-store.js';
import { userRecord } from './store.contract.js';

export interface ApiKeyStoreFixture {
  keys: ApiKeyStore;
  workspaces: WorkspaceStore;
  store: Store;
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00Z');
const DAY = 86_400_000;

let counter = 0;
function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 10)}`.padEnd(22, 'x').slice(0, 22);
}

export function runApiKeyStoreContract(name: string, make: () => Promise<ApiKeyStoreFixture>): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    let f: ApiKeyStoreFixture;
    beforeAll(async () => {
      f = await make();
    });
    afterAll(async () => f?.dispose());

    async function workspace(): Promise<{ ws: string; ownerId: string; ownerEmail: string }> {
      const owner = userRecord();
      await f.store.insertUser(owner);
      const ws = uniqueId('w');
      await f.workspaces.insertWorkspace(
        { id: ws, name: 'Acme', securityOwnerId: owner.id, createdAt: T0 },
        { workspaceId: ws, userId: owner.id, role: 'owner', status: 'active', joinedAt: T0, disabledAt: null, disabledBy: null },
      );
      return { ws, ownerId: owner.id, ownerEmail: owner.email };
    }

    function key(workspaceId: string, createdBy: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
      return {
        id: uniqueId('k'),
        workspaceId,
        name: 'deploy bot',
        scopes: ['members:read', 'audit:read'],
        secretHash: 'hash-of-the-secret',
        createdBy,
        createdAt: T0,
        expiresAt: T0 + 90 * DAY,
        lastUsedAt: null,
        revokedAt: null,
        revokedBy: null,
        ...overrides,
      };
    }

    it('reads a key back as written, and lists the workspace’s keys newest first with the creator’s address', async () => {
      const { ws, ownerId, ownerEmail } = await workspace();
      const older = key(ws, ownerId);
      const newer = key(ws, ownerId, { createdAt: T0 + 1000, scopes: ['sessions:write'], name: 'other' });
      await f.keys.insertApiKey(older);
      await f.keys.insertApiKey(newer);
      expect(await f.keys.findApiKey(older.id)).toEqual(older);
      expect(await f.keys.findApiKey(uniqueId('none'))).toBeNull();
      expect(await f.keys.listApiKeys(ws)).toEqual([
        { key: newer, createdByEmail: ownerEmail },
        { key: older, createdByEmail: ownerEmail },
      ]);
      // Another workspace's list does not show them.
      const other = await workspace();
      expect(await f.keys.listApiKeys(other.ws)).toEqual([]);
    });

    it('revokes a key once, and only in its own workspace', async () => {
      const { ws, ownerId } = await workspace();
      const other = await workspace();
      const k = key(ws, ownerId);
      await f.keys.insertApiKey(k);
      expect(await f.keys.revokeApiKey(other.ws, k.id, T0 + 5, other.ownerId)).toBe(false);
      expect(await f.keys.revokeApiKey(ws, k.id, T0 + 5, ownerId)).toBe(true);
      expect(await f.keys.revokeApiKey(ws, k.id, T0 + 6, ownerId)).toBe(false);
      expect(await f.keys.findApiKey(k.id)).toEqual({ ...k, revokedAt: T0 + 5, revokedBy: ownerId });
    });

    it('revokes every live key a member made in one workspace, and nobody else’s', async () => {
      const { ws, ownerId } = await workspace();
      const second = userRecord();
      await f.store.insertUser(second);
      const other = await workspace();
      const mine = [key(ws, second.id), key(ws, second.id)];
      const alreadyRevoked = key(ws, second.id, { revokedAt: T0 + 1, revokedBy: ownerId });
      const ownersKey = key(ws, ownerId);
      const elsewhere = key(other.ws, second.id);
      for (const k of [...mine, alreadyRevoked, ownersKey, elsewhere]) await f.keys.insertApiKey(k);
      expect(await f.keys.revokeApiKeysOf(ws, second.id, T0 + 10, ownerId)).toBe(2);
      for (const k of mine) expect(await f.keys.findApiKey(k.id)).toMatchObject({ revokedAt: T0 + 10, revokedBy: ownerId });
      expect(await f.keys.findApiKey(alreadyRevoked.id)).toMatchObject({ revokedAt: T0 + 1 });
      expect(await f.keys.findApiKey(ownersKey.id)).toMatchObject({ revokedAt: null });
      expect(await f.keys.findApiKey(elsewhere.id)).toMatchObject({ revokedAt: null });
      expect(await f.keys.revokeApiKeysOf(ws, second.id, T0 + 11, ownerId)).toBe(0);
    });

    it('records a use at most once a minute, and of racing uses one writes', async () => {
      const { ws, ownerId } = await workspace();
      const k = key(ws, ownerId);
      await f.keys.insertApiKey(k);
      const racing = await Promise.all([1, 2, 3, 4].map(() => f.keys.touchApiKey(k.id, T0 + 100, 60_000)));
      expect(racing.filter(Boolean)).toHaveLength(1);
      expect(await f.keys.touchApiKey(k.id, T0 + 100 + 59_999, 60_000)).toBe(false);
      expect((await f.keys.findApiKey(k.id))?.lastUsedAt).toBe(T0 + 100);
      expect(await f.keys.touchApiKey(k.id, T0 + 100 + 60_000, 60_000)).toBe(true);
      expect((await f.keys.findApiKey(k.id))?.lastUsedAt).toBe(T0 + 60_100);
    });
  });
}
