/**
 * The OAuthClientStore port's contract, as one suite every adapter runs
 * (`test/integration/oauth-client-store.test.ts` runs it on SQLite, PostgreSQL and MySQL). Each
 * case names a promise `OAuthClients` relies on: a client reads back exactly as written (URI
 * lists in order, unicode names, nulls); the list is newest first; removing deletes once;
 * re-sealing a secret writes only over the value that was read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuthClientRecord } from '../oauth-clients.js';
import type { OAuthClientStore } from '../ports/oauth-client-store.js';

export interface OAuthClientStoreFixture {
  clients: OAuthClientStore;
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00Z');

let counter = 0;
function clientId(): string {
  counter += 1;
  return `oc_${`${counter}${Math.random().toString(36).slice(2, 12)}`.padEnd(22, 'x').slice(0, 22)}`;
}

export function runOAuthClientStoreContract(name: string, make: () => Promise<OAuthClientStoreFixture>): void {
  describe(`OAuthClientStore contract: ${name}`, () => {
    let f: OAuthClientStoreFixture;
    beforeAll(async () => {
      f = await make();
    });
    afterAll(async () => f?.dispose());

    function client(overrides: Partial<OAuthClientRecord> = {}): OAuthClientRecord {
      return {
        id: clientId(),
        name: 'Grafana',
        logoUri: null,
        kind: 'native',
        firstParty: false,
        redirectUris: ['http://127.0.0.1/callback'],
        postLogoutRedirectUris: [],
        backchannelLogoutUri: null,
        secretSealed: null,
        createdAt: T0,
        ...overrides,
      };
    }

    it('reads a client back exactly as written, every field, and nothing for an unknown id', async () => {
      const web = client({
        name: 'Wiki — Ümlaut 日本',
        logoUri: 'https://wiki.example.com/logo.png',
        kind: 'web',
        firstParty: true,
        redirectUris: ['https://wiki.example.com/b', 'https://wiki.example.com/a', 'http://localhost:3000/cb?x=1&y=2'],
        postLogoutRedirectUris: ['https://wiki.example.com/bye'],
        backchannelLogoutUri: 'https://wiki.example.com/backchannel',
        secretSealed: 'v1.sealed-secret-value',
      });
      const device = client({ kind: 'device', redirectUris: [] });
      await f.clients.insertOAuthClient(web);
      await f.clients.insertOAuthClient(device);
      expect(await f.clients.findOAuthClient(web.id)).toEqual(web);
      expect(await f.clients.findOAuthClient(device.id)).toEqual(device);
      expect(await f.clients.findOAuthClient(clientId())).toBeNull();
    });

    it('lists every client newest first', async () => {
      const older = client({ createdAt: T0 + 10_000 });
      const newer = client({ createdAt: T0 + 20_000, kind: 'device', redirectUris: [] });
      await f.clients.insertOAuthClient(older);
      await f.clients.insertOAuthClient(newer);
      const listed = await f.clients.listOAuthClients();
      const ids = listed.map((c) => c.id);
      expect(ids.indexOf(newer.id)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
      expect(listed.find((c) => c.id === older.id)).toEqual(older);
      for (let i = 1; i < listed.length; i++) expect(listed[i - 1]!.createdAt).toBeGreaterThanOrEqual(listed[i]!.createdAt);
    });

    it('refuses a second client with the same id', async () => {
      const c = client();
      await f.clients.insertOAuthClient(c);
      await expect(f.clients.insertOAuthClient({ ...c, name: 'Impostor' })).rejects.toThrow();
      expect(await f.clients.findOAuthClient(c.id)).toEqual(c);
    });

    it('deletes a client once; the others stay', async () => {
      const gone = client();
      const kept = client();
      await f.clients.insertOAuthClient(gone);
      await f.clients.insertOAuthClient(kept);
      expect(await f.clients.deleteOAuthClient(gone.id)).toBe(true);
      expect(await f.clients.deleteOAuthClient(gone.id)).toBe(false);
      expect(await f.clients.findOAuthClient(gone.id)).toBeNull();
      expect((await f.clients.listOAuthClients()).map((c) => c.id)).not.toContain(gone.id);
      expect(await f.clients.findOAuthClient(kept.id)).toEqual(kept);
    });

    it('re-seals a secret only over the value that was read, and of racing writers one wins', async () => {
      const c = client({ kind: 'web', secretSealed: 'old-seal' });
      await f.clients.insertOAuthClient(c);
      expect(await f.clients.resealOAuthClientSecret(c.id, 'not-the-stored-one', 'new-seal')).toBe(false);
      const racing = await Promise.all(['a', 'b', 'c'].map((s) => f.clients.resealOAuthClientSecret(c.id, 'old-seal', `new-seal-${s}`)));
      expect(racing.filter(Boolean)).toHaveLength(1);
      expect((await f.clients.findOAuthClient(c.id))?.secretSealed).toMatch(/^new-seal-[abc]$/);
    });
  });
}
