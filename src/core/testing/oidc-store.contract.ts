/**
 * The OidcStore port's contract, as one suite every adapter runs
 * (`test/integration/oidc-store.test.ts` runs it on SQLite, PostgreSQL and MySQL). Each case names
 * a promise the OAuth provider relies on: an object reads back as written until it expires; a
 * consumed code says so in oidc-provider's terms (`consumed`, epoch seconds); revoking a grant
 * removes that grant's tokens and nothing else; the panel finds an account's grants and sessions;
 * the purge is bounded; signing keys and grant records read back, a grant's last use never moving
 * back in time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OauthGrantInfoRecord, OidcKeyRecord, OidcStore } from '../ports/oidc-store.js';
import type { Store } from '../ports/store.js';
import { userRecord } from './store.contract.js';

export interface OidcStoreFixture {
  oidc: OidcStore;
  /** Accounts, which grant records belong to. */
  store: Store;
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00Z');
const MINUTE = 60_000;

let counter = 0;
function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}-${Math.random().toString(36).slice(2, 12)}`;
}

export function runOidcStoreContract(name: string, make: () => Promise<OidcStoreFixture>): void {
  describe(`OidcStore contract: ${name}`, () => {
    let f: OidcStoreFixture;
    beforeAll(async () => {
      f = await make();
    });
    afterAll(async () => f?.dispose());

    async function account(): Promise<string> {
      const user = userRecord();
      await f.store.insertUser(user);
      return user.id;
    }

    function grantInfo(grantId: string, userId: string, overrides: Partial<OauthGrantInfoRecord> = {}): OauthGrantInfoRecord {
      return {
        grantId,
        userId,
        clientId: 'cli',
        via: 'device_code',
        deviceName: 'build-server',
        createdAt: T0,
        createdIp: '81.2.69.160',
        lastUsedAt: null,
        lastUsedIp: null,
        ...overrides,
      };
    }

    it('reads an object back as written until it expires, and a rewrite replaces it', async () => {
      const id = uniqueId('at');
      const grantId = uniqueId('g');
      const payload = {
        jti: id,
        kind: 'AccessToken',
        grantId,
        accountId: 'u1',
        clientId: 'app',
        scope: 'openid',
        exp: 1,
        nested: { a: [1, 2] },
      };
      await f.oidc.upsert('AccessToken', id, payload, T0 + MINUTE);
      expect(await f.oidc.find('AccessToken', id, T0)).toEqual(payload);
      expect(await f.oidc.find('AccessToken', id, T0 + MINUTE - 1)).toEqual(payload);
      // Expired at its expiry time, exactly.
      expect(await f.oidc.find('AccessToken', id, T0 + MINUTE)).toBeNull();
      // Another model with the same id is another object; a missing id is null.
      expect(await f.oidc.find('RefreshToken', id, T0)).toBeNull();
      expect(await f.oidc.find('AccessToken', uniqueId('none'), T0)).toBeNull();

      const rewritten = { jti: id, kind: 'AccessToken', scope: 'openid email' };
      await f.oidc.upsert('AccessToken', id, rewritten, null);
      // No expiry: found at any time; the old lookup fields went with the old payload.
      expect(await f.oidc.find('AccessToken', id, T0 + 1000 * 365 * 24 * 60 * MINUTE)).toEqual(rewritten);
      expect(await f.oidc.revokeByGrantId(grantId)).toBe(0);
      expect(await f.oidc.find('AccessToken', id, T0)).toEqual(rewritten);

      await f.oidc.destroy('AccessToken', id);
      expect(await f.oidc.find('AccessToken', id, T0)).toBeNull();
    });

    it('keeps unicode and JSON values exactly', async () => {
      const id = uniqueId('s');
      const payload = {
        jti: id,
        name: 'Zoë Åström 🔐 日本語',
        quote: 'it\'s "quoted" \\ back\nslash',
        empty: '',
        zero: 0,
        big: 2 ** 52,
        float: 1.5,
        flag: false,
        none: null,
        list: ['🍣', { deep: { deeper: ['x'] } }],
        authorizations: { 'client-ü': { sid: 'sid-1', grantId: 'g-1' } },
      };
      await f.oidc.upsert('Session', id, payload, T0 + MINUTE);
      expect(await f.oidc.find('Session', id, T0)).toEqual(payload);
    });

    it('reports consumption as `consumed` in epoch seconds; a second consume keeps the first time', async () => {
      const id = uniqueId('code');
      await f.oidc.upsert('AuthorizationCode', id, { jti: id, grantId: uniqueId('g') }, T0 + MINUTE);
      expect((await f.oidc.find('AuthorizationCode', id, T0))?.consumed).toBeUndefined();
      expect(await f.oidc.consume('AuthorizationCode', id, T0 + 1_500)).toBe(true);
      expect(await f.oidc.find('AuthorizationCode', id, T0 + 2_000)).toMatchObject({ jti: id, consumed: Math.floor((T0 + 1_500) / 1000) });
      expect(await f.oidc.consume('AuthorizationCode', id, T0 + 30_000)).toBe(false);
      expect((await f.oidc.find('AuthorizationCode', id, T0 + 31_000))?.consumed).toBe(Math.floor((T0 + 1_500) / 1000));
      expect(await f.oidc.consume('AuthorizationCode', uniqueId('none'), T0)).toBe(false);

      // A rewrite is a fresh object: consumed only when its payload says so.
      await f.oidc.upsert('AuthorizationCode', id, { jti: id }, T0 + MINUTE);
      expect((await f.oidc.find('AuthorizationCode', id, T0))?.consumed).toBeUndefined();
      await f.oidc.upsert('AuthorizationCode', id, { jti: id, consumed: 1_772_355_700 }, T0 + MINUTE);
      expect((await f.oidc.find('AuthorizationCode', id, T0))?.consumed).toBe(1_772_355_700);
    });

    it('revoking a grant removes its tokens only: not other grants’ tokens, not the grant, not sessions', async () => {
      const grantId = uniqueId('g');
      const otherGrant = uniqueId('g');
      const exp = T0 + MINUTE;
      const mine = [
        ['AccessToken', uniqueId('at')],
        ['RefreshToken', uniqueId('rt')],
        ['AuthorizationCode', uniqueId('ac')],
        ['DeviceCode', uniqueId('dc')],
      ] as const;
      for (const [model, id] of mine) await f.oidc.upsert(model, id, { jti: id, grantId }, exp);
      const othersToken = uniqueId('at');
      await f.oidc.upsert('AccessToken', othersToken, { jti: othersToken, grantId: otherGrant }, exp);
      await f.oidc.upsert('Grant', grantId, { jti: grantId, accountId: 'u1', clientId: 'app' }, exp);
      const sessionId = uniqueId('sess');
      await f.oidc.upsert('Session', sessionId, { jti: sessionId, uid: uniqueId('uid'), grantId }, exp);

      expect(await f.oidc.revokeByGrantId(grantId)).toBe(mine.length);
      for (const [model, id] of mine) expect(await f.oidc.find(model, id, T0)).toBeNull();
      expect(await f.oidc.find('AccessToken', othersToken, T0)).toMatchObject({ grantId: otherGrant });
      expect(await f.oidc.find('Grant', grantId, T0)).toMatchObject({ jti: grantId });
      expect(await f.oidc.find('Session', sessionId, T0)).toMatchObject({ jti: sessionId });
      expect(await f.oidc.revokeByGrantId(grantId)).toBe(0);
    });

    it('finds sessions by uid and device codes by user code, within the model and while unexpired', async () => {
      const sessionId = uniqueId('sess');
      const uid = uniqueId('uid');
      await f.oidc.upsert('Session', sessionId, { jti: sessionId, uid, accountId: 'u1' }, T0 + MINUTE);
      expect(await f.oidc.findByUid('Session', uid, T0)).toMatchObject({ jti: sessionId, uid });
      expect(await f.oidc.findByUid('Interaction', uid, T0)).toBeNull();
      expect(await f.oidc.findByUid('Session', uniqueId('uid'), T0)).toBeNull();
      expect(await f.oidc.findByUid('Session', uid, T0 + MINUTE)).toBeNull();

      const deviceCode = uniqueId('dc');
      const userCode = `WDJB${counter}MJHT`;
      await f.oidc.upsert('DeviceCode', deviceCode, { jti: deviceCode, userCode, clientId: 'cli' }, T0 + MINUTE);
      expect(await f.oidc.findByUserCode('DeviceCode', userCode, T0)).toMatchObject({ jti: deviceCode, userCode });
      expect(await f.oidc.findByUserCode('DeviceCode', userCode.toLowerCase(), T0)).toBeNull();
      expect(await f.oidc.findByUserCode('DeviceCode', userCode, T0 + MINUTE)).toBeNull();
      await f.oidc.consume('DeviceCode', deviceCode, T0 + 1000);
      expect(await f.oidc.findByUserCode('DeviceCode', userCode, T0 + 2000)).toMatchObject({ consumed: Math.floor((T0 + 1000) / 1000) });
      await f.oidc.destroy('DeviceCode', deviceCode);
      expect(await f.oidc.findByUserCode('DeviceCode', userCode, T0)).toBeNull();
    });

    it('lists an account’s unexpired objects of one model', async () => {
      const accountId = uniqueId('u');
      const [g1, g2, expired, otherAccount] = [uniqueId('g'), uniqueId('g'), uniqueId('g'), uniqueId('g')];
      await f.oidc.upsert('Grant', g1, { jti: g1, accountId, clientId: 'a' }, null);
      await f.oidc.upsert('Grant', g2, { jti: g2, accountId, clientId: 'b' }, T0 + MINUTE);
      await f.oidc.upsert('Grant', expired, { jti: expired, accountId, clientId: 'c' }, T0);
      await f.oidc.upsert('Grant', otherAccount, { jti: otherAccount, accountId: uniqueId('u'), clientId: 'a' }, null);
      const sessionId = uniqueId('sess');
      await f.oidc.upsert('Session', sessionId, { jti: sessionId, accountId, uid: uniqueId('uid') }, null);

      const grants = await f.oidc.listByAccount('Grant', accountId, T0);
      expect(grants.map((g) => g.id).sort()).toEqual([g1, g2].sort());
      expect(grants.find((g) => g.id === g2)?.payload).toEqual({ jti: g2, accountId, clientId: 'b' });
      expect((await f.oidc.listByAccount('Session', accountId, T0)).map((s) => s.id)).toEqual([sessionId]);
      expect(await f.oidc.listByAccount('Grant', uniqueId('u'), T0)).toEqual([]);
    });

    it('lists a client’s unexpired objects of one model (a removed client’s grants)', async () => {
      const clientId = uniqueId('c');
      const [mine, theirs, expired] = [uniqueId('g'), uniqueId('g'), uniqueId('g')];
      await f.oidc.upsert('Grant', mine, { jti: mine, accountId: uniqueId('u'), clientId }, null);
      await f.oidc.upsert('Grant', expired, { jti: expired, accountId: uniqueId('u'), clientId }, T0);
      await f.oidc.upsert('Grant', theirs, { jti: theirs, accountId: uniqueId('u'), clientId: uniqueId('c') }, null);
      await f.oidc.upsert('AccessToken', uniqueId('at'), { accountId: uniqueId('u'), clientId, grantId: mine }, T0 + MINUTE);
      expect((await f.oidc.listByClient('Grant', clientId, T0)).map((g) => g.id)).toEqual([mine]);
    });

    it('purges expired objects in bounded batches, and expired grants’ records with them', async () => {
      // Everything before this case expired long before `late`.
      const late = T0 + 10_000 * MINUTE;
      const userId = await account();
      const ids = Array.from({ length: 5 }, () => uniqueId('at'));
      for (const id of ids) await f.oidc.upsert('AccessToken', id, { jti: id }, late - MINUTE);
      const grantId = uniqueId('g');
      await f.oidc.upsert('Grant', grantId, { jti: grantId, accountId: userId }, late - MINUTE);
      await f.oidc.upsertGrantInfo(grantInfo(grantId, userId));
      const liveGrant = uniqueId('g');
      await f.oidc.upsert('Grant', liveGrant, { jti: liveGrant, accountId: userId }, late + MINUTE);
      await f.oidc.upsertGrantInfo(grantInfo(liveGrant, userId));
      const forever = uniqueId('at');
      await f.oidc.upsert('AccessToken', forever, { jti: forever }, null);

      // At most `limit` a call; called until a call deletes fewer, nothing expired is left.
      let total = 0;
      let n: number;
      do {
        n = await f.oidc.purgeExpired(late, 3);
        expect(n).toBeLessThanOrEqual(3);
        total += n;
      } while (n === 3);
      expect(total).toBeGreaterThanOrEqual(ids.length + 1);
      expect(await f.oidc.purgeExpired(late, 3)).toBe(0);
      for (const id of ids) expect(await f.oidc.find('AccessToken', id, T0)).toBeNull();
      expect(await f.oidc.find('Grant', grantId, T0)).toBeNull();
      expect(await f.oidc.findGrantInfo([grantId, liveGrant])).toEqual([grantInfo(liveGrant, userId)]);
      expect(await f.oidc.find('Grant', liveGrant, late)).toMatchObject({ jti: liveGrant });
      expect(await f.oidc.find('AccessToken', forever, late)).toEqual({ jti: forever });
    });

    it('keeps signing keys, sealed, and retires one no later than asked', async () => {
      const older: OidcKeyRecord = {
        kid: uniqueId('k'),
        alg: 'RS256',
        privateJwkSealed: 'sealed:one',
        createdAt: T0,
        activatesAt: T0,
        retiresAt: null,
      };
      const newer: OidcKeyRecord = {
        ...older,
        kid: uniqueId('k'),
        privateJwkSealed: 'sealed:two',
        createdAt: T0 + 1,
        activatesAt: T0 + MINUTE,
      };
      await f.oidc.insertKey(newer);
      await f.oidc.insertKey(older);
      expect(await f.oidc.listKeys()).toEqual([older, newer]);
      await expect(f.oidc.insertKey({ ...older, privateJwkSealed: 'other' })).rejects.toThrow();

      expect(await f.oidc.retireKey(older.kid, T0 + 10 * MINUTE)).toBe(true);
      expect(await f.oidc.retireKey(older.kid, T0 + 20 * MINUTE)).toBe(false);
      expect(await f.oidc.retireKey(older.kid, T0 + 5 * MINUTE)).toBe(true);
      expect(await f.oidc.retireKey(uniqueId('k'), T0)).toBe(false);
      expect(await f.oidc.listKeys()).toEqual([{ ...older, retiresAt: T0 + 5 * MINUTE }, newer]);
    });

    it('records grants: a new consent keeps the first time and last use; a use only moves forward', async () => {
      const userId = await account();
      const grantId = uniqueId('g');
      const info = grantInfo(grantId, userId);
      await f.oidc.upsertGrantInfo(info);
      expect(await f.oidc.findGrantInfo([grantId])).toEqual([info]);

      expect(await f.oidc.touchGrant(grantId, T0 + 10 * MINUTE, '2001:db8::1')).toBe(true);
      expect(await f.oidc.touchGrant(grantId, T0 + 5 * MINUTE, '10.0.0.1')).toBe(false);
      expect(await f.oidc.touchGrant(grantId, T0 + 10 * MINUTE, '10.0.0.2')).toBe(false);
      expect(await f.oidc.touchGrant(uniqueId('g'), T0, null)).toBe(false);
      const used = { ...info, lastUsedAt: T0 + 10 * MINUTE, lastUsedIp: '2001:db8::1' };
      expect(await f.oidc.findGrantInfo([grantId])).toEqual([used]);

      await f.oidc.upsertGrantInfo({ ...info, via: 'authorization_code', deviceName: null, createdAt: T0 + 99, createdIp: '10.9.9.9' });
      expect(await f.oidc.findGrantInfo([grantId])).toEqual([{ ...used, via: 'authorization_code', deviceName: null }]);

      const second = grantInfo(uniqueId('g'), userId, { clientId: 'other', via: 'authorization_code', deviceName: null, createdIp: null });
      await f.oidc.upsertGrantInfo(second);
      const both = await f.oidc.findGrantInfo([second.grantId, grantId, uniqueId('g'), grantId]);
      expect(both.sort((a, b) => (a.grantId < b.grantId ? -1 : 1))).toEqual(
        [second, { ...used, via: 'authorization_code', deviceName: null }].sort((a, b) => (a.grantId < b.grantId ? -1 : 1)),
      );
      expect(await f.oidc.findGrantInfo([])).toEqual([]);

      expect(await f.oidc.deleteGrantInfo(grantId)).toBe(true);
      expect(await f.oidc.deleteGrantInfo(grantId)).toBe(false);
      expect(await f.oidc.findGrantInfo([grantId])).toEqual([]);
    });
  });
}
