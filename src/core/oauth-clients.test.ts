/**
 * Registering OAuth/OIDC clients on real parts (in-memory SQLite through the production store
 * and migrations, the real secret box): what each kind may register, every refusal naming the
 * field at fault, the metadata oidc-provider reads, the secret shown once and stored sealed, and
 * removal telling its listeners.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aesGcmSecretBox } from '../adapters/crypto/secret-box.js';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import type { Db } from '../adapters/kysely/database.js';
import { kyselyOAuthClientStore } from '../adapters/kysely/kysely-oauth-client-store.js';
import { SessiondError } from './errors.js';
import { DEVICE_CODE_GRANT, OAuthClients, type NewOAuthClient, type OAuthClientRecord } from './oauth-clients.js';
import type { OAuthClientStore } from './ports/oauth-client-store.js';
import type { SecretBox } from './ports/secret-box.js';
import { fixedClock } from './testing/fakes.js';

const T0 = Date.parse('2026-03-01T09:00:00Z');
const key = () => nodeCrypto.randomBytes(32);

let db: Db;
let store: OAuthClientStore;
let box: SecretBox;
let clients: OAuthClients;
const clock = fixedClock(T0);

const make = (secretBox: SecretBox) => new OAuthClients({ store, secretBox, clock, crypto: nodeCrypto });

beforeEach(async () => {
  db = connect('sqlite::memory:').db;
  await migrateToLatest(db);
  store = kyselyOAuthClientStore(db);
  box = aesGcmSecretBox([key()]);
  clients = make(box);
});
afterEach(async () => db.destroy());

const WEB: NewOAuthClient = { name: 'Wiki', kind: 'web', redirectUris: ['https://wiki.example.com/oidc/callback'] };
const NATIVE: NewOAuthClient = { name: 'Desktop app', kind: 'native', redirectUris: ['com.example.app:/oauth/callback'] };
const DEVICE: NewOAuthClient = { name: 'sessiond CLI', kind: 'device' };

async function refusal(input: NewOAuthClient): Promise<string> {
  try {
    await clients.register(input);
  } catch (err) {
    if (err instanceof SessiondError && err.code === 'invalid_request') return err.message;
    throw err;
  }
  throw new Error(`registered: ${JSON.stringify(input)}`);
}

describe('what a registration must look like', () => {
  const TOO_LONG = `https://wiki.example.com/${'a'.repeat(2048)}`;
  const eleven = Array.from({ length: 11 }, (_, i) => `https://wiki.example.com/cb${i}`);
  // [what is wrong, the registration, the field the message must name]
  const cases: [string, NewOAuthClient, string][] = [
    ['an unknown kind', { ...WEB, kind: 'spa' }, 'kind'],
    ['an empty name', { ...WEB, name: '   ' }, 'name'],
    ['a name of 81 characters', { ...WEB, name: 'n'.repeat(81) }, 'name'],
    ['a control character in the name', { ...WEB, name: 'Wiki\u0007' }, 'name'],
    ['a line break in the name', { ...WEB, name: 'Wiki\nApproved by IT' }, 'name'],
    ['a bidi override in the name', { ...WEB, name: 'Wiki\u202eevil' }, 'name'],
    ['an http logo', { ...WEB, logoUri: 'http://wiki.example.com/logo.png' }, 'logo_uri'],
    ['a relative logo', { ...WEB, logoUri: '/logo.png' }, 'logo_uri'],
    ['a logo over 2048 characters', { ...WEB, logoUri: TOO_LONG }, 'logo_uri'],
    ['a web client without redirect URIs', { ...WEB, redirectUris: [] }, 'redirect_uris'],
    ['a native client without redirect URIs', { ...NATIVE, redirectUris: undefined }, 'redirect_uris'],
    ['11 redirect URIs', { ...WEB, redirectUris: eleven }, 'redirect_uris'],
    ['a relative redirect', { ...WEB, redirectUris: ['/callback'] }, 'redirect_uris[0]'],
    ['a redirect that is not a URL', { ...WEB, redirectUris: ['https://'] }, 'redirect_uris[0]'],
    ['a redirect with a fragment', { ...WEB, redirectUris: ['https://wiki.example.com/cb#x'] }, 'redirect_uris[0]'],
    ['a redirect with an empty fragment', { ...WEB, redirectUris: ['https://wiki.example.com/cb#'] }, 'redirect_uris[0]'],
    ['a wildcard host', { ...WEB, redirectUris: ['https://*.example.com/cb'] }, 'redirect_uris[0]'],
    ['a wildcard path', { ...WEB, redirectUris: ['https://wiki.example.com/*'] }, 'redirect_uris[0]'],
    ['credentials in the redirect', { ...WEB, redirectUris: ['https://user:pw@wiki.example.com/cb'] }, 'redirect_uris[0]'],
    ['a space in the redirect', { ...WEB, redirectUris: ['https://wiki.example.com/a b'] }, 'redirect_uris[0]'],
    ['a redirect over 2048 characters', { ...WEB, redirectUris: [TOO_LONG] }, 'redirect_uris[0]'],
    [
      'web: http on a public host',
      { ...WEB, redirectUris: ['https://ok.example.com/cb', 'http://wiki.example.com/cb'] },
      'redirect_uris[1]',
    ],
    ['web: http on a private address', { ...WEB, redirectUris: ['http://10.0.0.5/cb'] }, 'redirect_uris[0]'],
    ['web: http on "localhost." (not a loopback name)', { ...WEB, redirectUris: ['http://localhost./cb'] }, 'redirect_uris[0]'],
    ['web: a private-use scheme', { ...WEB, redirectUris: ['com.example.app:/cb'] }, 'redirect_uris[0]'],
    ['web: javascript:', { ...WEB, redirectUris: ['javascript:alert(1)'] }, 'redirect_uris[0]'],
    ['native: https', { ...NATIVE, redirectUris: ['https://app.example.com/cb'] }, 'redirect_uris[0]'],
    ['native: http on a public host', { ...NATIVE, redirectUris: ['http://app.example.com/cb'] }, 'redirect_uris[0]'],
    ['native: a scheme without a dot', { ...NATIVE, redirectUris: ['myapp:/callback'] }, 'redirect_uris[0]'],
    ['native: data:', { ...NATIVE, redirectUris: ['data:text/html,hi'] }, 'redirect_uris[0]'],
    ['device: a redirect URI', { ...DEVICE, redirectUris: ['http://127.0.0.1/cb'] }, 'redirect_uris'],
    ['device: a post-logout redirect URI', { ...DEVICE, postLogoutRedirectUris: ['http://127.0.0.1/bye'] }, 'post_logout_redirect_uris'],
    [
      'web: an http post-logout redirect',
      { ...WEB, postLogoutRedirectUris: ['http://wiki.example.com/bye'] },
      'post_logout_redirect_uris[0]',
    ],
    [
      'web: a post-logout redirect with a fragment',
      { ...WEB, postLogoutRedirectUris: ['https://wiki.example.com/#bye'] },
      'post_logout_redirect_uris[0]',
    ],
    [
      'native: an https post-logout redirect',
      { ...NATIVE, postLogoutRedirectUris: ['https://app.example.com/bye'] },
      'post_logout_redirect_uris[0]',
    ],
    ['11 post-logout redirects', { ...WEB, postLogoutRedirectUris: eleven }, 'post_logout_redirect_uris'],
    [
      'an http back-channel logout on a public host',
      { ...WEB, backchannelLogoutUri: 'http://wiki.example.com/bc' },
      'backchannel_logout_uri',
    ],
    ['a back-channel logout with a fragment', { ...WEB, backchannelLogoutUri: 'https://wiki.example.com/bc#x' }, 'backchannel_logout_uri'],
    ['a back-channel logout on a private-use scheme', { ...NATIVE, backchannelLogoutUri: 'com.example.app:/bc' }, 'backchannel_logout_uri'],
  ];

  it.each(cases)('refuses %s, naming the field', async (_what, input, field) => {
    const message = await refusal(input);
    expect(message.startsWith(field), message).toBe(true);
    // Nothing was stored.
    expect(await clients.list()).toEqual([]);
  });

  it('accepts https and loopback http for web clients, and loopback or private-use schemes for native ones', async () => {
    const web = await clients.register({
      ...WEB,
      redirectUris: ['https://wiki.example.com/cb', 'http://localhost:3000/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb?x=1'],
      postLogoutRedirectUris: ['https://wiki.example.com/bye'],
      backchannelLogoutUri: 'http://127.0.0.1:9000/backchannel',
      logoUri: 'https://wiki.example.com/logo.png',
    });
    expect(web.client.redirectUris).toHaveLength(4);
    const native = await clients.register({
      ...NATIVE,
      redirectUris: ['http://127.0.0.1/callback', 'http://[::1]:49152/cb', 'com.example.app:/oauth/callback', 'org.example.app://cb'],
    });
    expect(native.client.redirectUris).toHaveLength(4);
  });

  it('keeps URIs exactly as given (oidc-provider compares strings), in order, each once; trims the name', async () => {
    const { client } = await clients.register({
      ...WEB,
      name: '  Wiki – Ümlaut 日本  ',
      redirectUris: ['https://wiki.example.com', 'https://WIKI.example.com/cb', 'https://wiki.example.com'],
    });
    expect(client.name).toBe('Wiki – Ümlaut 日本');
    expect(client.redirectUris).toEqual(['https://wiki.example.com', 'https://WIKI.example.com/cb']);
    expect(await clients.register({ ...WEB, name: 'x'.repeat(80) })).toBeTruthy();
  });
});

describe('registered clients', () => {
  it('gives a web client a secret shown once, stored only sealed, and hands oidc-provider the plain value', async () => {
    const { client, secret } = await clients.register({ ...WEB, firstParty: true, logoUri: 'https://wiki.example.com/logo.png' });
    expect(client.id).toMatch(/^oc_[A-Za-z0-9_-]{22}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    const stored = await store.findOAuthClient(client.id);
    expect(stored).toEqual({ ...client, createdAt: T0 });
    expect(stored!.secretSealed).not.toContain(secret);
    expect(box.isSealed(stored!.secretSealed!)).toBe(true);
    // The row has no copy of the secret in clear anywhere.
    expect(JSON.stringify(await db.selectFrom('oauth_clients').selectAll().execute())).not.toContain(secret);
    expect(await clients.metadata(client.id)).toEqual({
      client_id: client.id,
      client_name: 'Wiki',
      logo_uri: 'https://wiki.example.com/logo.png',
      redirect_uris: ['https://wiki.example.com/oidc/callback'],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret: secret,
      application_type: 'web',
      backchannel_logout_session_required: true,
    });
    // Another client's secret is another one.
    expect((await clients.register(WEB)).secret).not.toBe(secret);
  });

  it('makes native and device clients public: no secret, no authentication at the token endpoint', async () => {
    const native = await clients.register({ ...NATIVE, backchannelLogoutUri: 'https://app.example.com/bc' });
    expect(native.secret).toBeNull();
    expect(native.client.secretSealed).toBeNull();
    expect(native.client.firstParty).toBe(false);
    expect(await clients.metadata(native.client.id)).toEqual({
      client_id: native.client.id,
      client_name: 'Desktop app',
      redirect_uris: ['com.example.app:/oauth/callback'],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      backchannel_logout_uri: 'https://app.example.com/bc',
      backchannel_logout_session_required: true,
    });
    const device = await clients.register(DEVICE);
    expect(device.secret).toBeNull();
    expect(await clients.metadata(device.client.id)).toEqual({
      client_id: device.client.id,
      client_name: 'sessiond CLI',
      redirect_uris: [],
      post_logout_redirect_uris: [],
      grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
      response_types: [],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      backchannel_logout_session_required: true,
    });
  });

  it('finds and lists clients (newest first); an unknown or malformed id is nothing', async () => {
    const first = await clients.register(WEB);
    clock.advance(1000);
    const second = await clients.register(DEVICE);
    expect((await clients.list()).map((c) => c.id)).toEqual([second.client.id, first.client.id]);
    expect(await clients.find(first.client.id)).toEqual(first.client);
    expect(await clients.find('oc_AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(await clients.find("x' or 1=1 --")).toBeNull();
    expect(await clients.metadata('oc_AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
  });

  it('removes a client once, and tells each listener which one after it is gone', async () => {
    const { client } = await clients.register(WEB);
    const kept = await clients.register(NATIVE);
    const told: [string, OAuthClientRecord, boolean][] = [];
    clients.onRemoved(async (c) => {
      told.push(['first', c, (await clients.find(c.id)) === null]);
    });
    clients.onRemoved((c) => {
      told.push(['second', c, true]);
    });
    expect(await clients.remove(client.id)).toBe(true);
    expect(told).toEqual([
      ['first', client, true],
      ['second', client, true],
    ]);
    expect(await clients.remove(client.id)).toBe(false);
    expect(await clients.remove('not-a-client')).toBe(false);
    expect(told).toHaveLength(2);
    expect(await clients.metadata(client.id)).toBeNull();
    expect((await clients.list()).map((c) => c.id)).toEqual([kept.client.id]);
  });

  it('seals a secret again under the current key when the key file was rotated', async () => {
    const oldKey = key();
    const newKey = key();
    clients = make(aesGcmSecretBox([oldKey]));
    const { client, secret } = await clients.register(WEB);
    const rotated = aesGcmSecretBox([newKey, oldKey]);
    expect(rotated.isCurrent(client.secretSealed!)).toBe(false);
    clients = make(rotated);
    expect((await clients.metadata(client.id))?.client_secret).toBe(secret);
    const resealed = (await store.findOAuthClient(client.id))!.secretSealed!;
    expect(rotated.isCurrent(resealed)).toBe(true);
    // The old key can go now: the new one alone opens it.
    clients = make(aesGcmSecretBox([newKey]));
    expect((await clients.metadata(client.id))?.client_secret).toBe(secret);
  });
});
