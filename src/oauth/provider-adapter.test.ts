/**
 * The provider adapter on a real SQLite store: first called as oidc-provider calls its adapter
 * (the memory adapter's semantics, with sessiond's clock), then through a real oidc-provider's
 * own models (tokens, grants, sessions, device codes, clients), so a change on either side that
 * breaks the other fails here.
 */
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import type { Db } from '../adapters/kysely/database.js';
import { kyselyOidcStore } from '../adapters/kysely/kysely-oidc-store.js';
import type { OidcStore } from '../core/ports/oidc-store.js';
import { oidcAdapterFactory, type OidcProviderAdapterClass } from './provider-adapter.js';

const CLIENT = {
  client_id: 'cli-app',
  client_name: 'Command line',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
  response_types: ['code'],
  redirect_uris: ['http://127.0.0.1/callback'],
};

let db: Db;
let store: OidcStore;
/** sessiond's clock: starts at the real time (the provider stamps `exp` with its own), moved by hand. */
const clock = { at: Date.now(), now: () => clock.at };
const clients = {
  async metadata(id: string) {
    return id === CLIENT.client_id ? { ...CLIENT } : null;
  },
};
let Adapter: OidcProviderAdapterClass;

beforeAll(async () => {
  db = connect('sqlite::memory:').db;
  await migrateToLatest(db);
  store = kyselyOidcStore(db);
  Adapter = oidcAdapterFactory(store, clock, clients);
});
afterAll(async () => db?.destroy());

describe('the adapter, called as oidc-provider calls it', () => {
  it('keeps an object for expiresIn seconds of sessiond’s clock; without one, for good', async () => {
    const tokens = new Adapter('AccessToken');
    const start = clock.at;
    await tokens.upsert('at-1', { jti: 'at-1', kind: 'AccessToken', accountId: 'u1', grantId: 'g-exp' }, 60);
    expect(await tokens.find('at-1')).toEqual({ jti: 'at-1', kind: 'AccessToken', accountId: 'u1', grantId: 'g-exp' });
    clock.at = start + 59_999;
    expect(await tokens.find('at-1')).toBeDefined();
    clock.at = start + 60_000;
    expect(await tokens.find('at-1')).toBeUndefined();

    await tokens.upsert('at-2', { jti: 'at-2' }, undefined);
    clock.at = start + 10 * 365 * 86_400_000;
    expect(await tokens.find('at-2')).toEqual({ jti: 'at-2' });
    clock.at = start;
    // Models are separate: the same id under another model is another object.
    expect(await new Adapter('RefreshToken').find('at-2')).toBeUndefined();
    expect(await tokens.find('missing')).toBeUndefined();
  });

  it('marks a consumed object with `consumed` in epoch seconds of sessiond’s clock', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('code-1', { jti: 'code-1', grantId: 'g-c' }, 60);
    expect((await codes.find('code-1'))?.consumed).toBeUndefined();
    await codes.consume('code-1');
    expect((await codes.find('code-1'))?.consumed).toBe(Math.floor(clock.at / 1000));
  });

  it('finds sessions by uid and device codes by user code; destroy removes', async () => {
    const sessions = new Adapter('Session');
    await sessions.upsert('sess-1', { jti: 'sess-1', uid: 'uid-1', accountId: 'u1' }, 3600);
    expect(await sessions.findByUid('uid-1')).toMatchObject({ jti: 'sess-1' });
    expect(await sessions.findByUid('uid-2')).toBeUndefined();

    const deviceCodes = new Adapter('DeviceCode');
    await deviceCodes.upsert('dc-1', { jti: 'dc-1', userCode: 'BCDFGHJK', clientId: 'cli-app' }, 600);
    expect(await deviceCodes.findByUserCode('BCDFGHJK')).toMatchObject({ jti: 'dc-1' });
    await deviceCodes.destroy('dc-1');
    expect(await deviceCodes.findByUserCode('BCDFGHJK')).toBeUndefined();
    await sessions.destroy('sess-1');
    expect(await sessions.find('sess-1')).toBeUndefined();
  });

  it('revoking a grant on any token model removes all of its tokens, and neither the grant nor other grants’ tokens', async () => {
    await new Adapter('Grant').upsert('g-r', { jti: 'g-r', accountId: 'u1', clientId: 'cli-app' }, 3600);
    await new Adapter('AccessToken').upsert('at-r', { jti: 'at-r', grantId: 'g-r' }, 600);
    await new Adapter('RefreshToken').upsert('rt-r', { jti: 'rt-r', grantId: 'g-r' }, 3600);
    await new Adapter('AccessToken').upsert('at-other', { jti: 'at-other', grantId: 'g-other' }, 600);

    await new Adapter('AccessToken').revokeByGrantId('g-r');
    expect(await new Adapter('AccessToken').find('at-r')).toBeUndefined();
    expect(await new Adapter('RefreshToken').find('rt-r')).toBeUndefined();
    expect(await new Adapter('AccessToken').find('at-other')).toBeDefined();
    expect(await new Adapter('Grant').find('g-r')).toMatchObject({ jti: 'g-r' });
  });

  it('reads clients from sessiond’s registry and refuses to write them', async () => {
    const clientAdapter = new Adapter('Client');
    expect(await clientAdapter.find('cli-app')).toEqual(CLIENT);
    expect(await clientAdapter.find('unknown')).toBeUndefined();
    await expect(clientAdapter.upsert('rogue', { client_id: 'rogue' }, undefined)).rejects.toThrow(/registered through sessiond/);
    await expect(clientAdapter.destroy('cli-app')).rejects.toThrow(/registered through sessiond/);
    // Nothing was written under the Client model.
    expect(await store.find('Client', 'rogue', clock.at)).toBeNull();
  });
});

describe('a real oidc-provider on the adapter', () => {
  let provider: Provider;
  beforeAll(() => {
    clock.at = Date.now();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    provider = new Provider('http://localhost/oidc', {
      adapter: Adapter,
      clients: [],
      jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] as never },
      features: { deviceFlow: { enabled: true }, devInteractions: { enabled: false } },
      scopes: ['openid', 'offline_access'],
      ttl: { Grant: 3600, AccessToken: 600, RefreshToken: 3600, DeviceCode: 600, Session: 3600 },
    });
  });

  it('finds a registered client by id, and none for an unknown id', async () => {
    const client = await provider.Client.find('cli-app');
    expect(client?.clientId).toBe('cli-app');
    expect(client?.clientName).toBe('Command line');
    expect(await provider.Client.find('unknown')).toBeUndefined();
  });

  it('stores grants and tokens; revoking the grant’s tokens leaves the grant; a consumed refresh token reads as consumed', async () => {
    const client = (await provider.Client.find('cli-app'))!;
    const grant = new provider.Grant({ accountId: 'user-1', clientId: client.clientId });
    grant.addOIDCScope('openid offline_access');
    const grantId = await grant.save();
    expect((await provider.Grant.find(grantId))?.accountId).toBe('user-1');
    // The panel lists it for the account.
    expect((await store.listByAccount('Grant', 'user-1', clock.now())).map((g) => g.id)).toEqual([grantId]);

    const accessToken = await new provider.AccessToken({
      accountId: 'user-1',
      client,
      grantId,
      gty: 'authorization_code',
      scope: 'openid',
    }).save();
    const refresh = new provider.RefreshToken({
      accountId: 'user-1',
      client,
      grantId,
      gty: 'authorization_code',
      scope: 'openid offline_access',
    });
    const refreshValue = await refresh.save();
    expect((await provider.AccessToken.find(accessToken))?.grantId).toBe(grantId);

    const found = (await provider.RefreshToken.find(refreshValue))!;
    expect(found.consumed).toBeFalsy();
    await found.consume();
    expect((await provider.RefreshToken.find(refreshValue))?.consumed).toBe(Math.floor(clock.now() / 1000));

    await provider.AccessToken.revokeByGrantId(grantId);
    expect(await provider.AccessToken.find(accessToken)).toBeUndefined();
    expect(await provider.RefreshToken.find(refreshValue)).toBeUndefined();
    expect(await provider.Grant.find(grantId)).toBeDefined();
  });

  it('finds a device code by its user code, and a session by its uid', async () => {
    const client = (await provider.Client.find('cli-app'))!;
    // Not approved yet: no grant (the package's types say otherwise).
    const deviceCode = new provider.DeviceCode({
      client,
      userCode: 'BCDFGHJK',
      params: { client_id: client.clientId, scope: 'openid' },
      deviceInfo: { ip: '127.0.0.1' },
    } as unknown as ConstructorParameters<typeof provider.DeviceCode>[0]);
    const value = await deviceCode.save();
    expect((await provider.DeviceCode.findByUserCode('BCDFGHJK'))?.jti).toBe(value);
    expect(await provider.DeviceCode.findByUserCode('XXXXXXXX')).toBeUndefined();

    // Session takes its payload and Session#save its lifetime (the package's types say neither).
    const Session = provider.Session as unknown as new (payload: Record<string, unknown>) => { save(ttl: number): Promise<unknown> };
    await new Session({ jti: 'browser-session-1', uid: 'uid-browser', accountId: 'user-1' }).save(3600);
    expect((await provider.Session.findByUid('uid-browser'))?.accountId).toBe('user-1');
    expect((await store.listByAccount('Session', 'user-1', clock.now())).map((s) => s.id)).toEqual(['browser-session-1']);
  });
});
