/**
 * Personal access tokens over HTTP (src/http/me/token-routes.ts), as their owner on the settings
 * page and a service introspecting them see them: the secret shown once and never listed, the
 * token live on introspection until it is revoked (then inactive on the very next call), other
 * people's ids 404, a recent authentication to make one, bad input refused in the contract's
 * shape, and both changes on the owner's timeline.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ENGINES } from '../support/databases.js';
import { harness, IP, PASSWORD, type Browser, type Harness } from '../support/harness.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const SECRET = /^sdpat_([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string, what = '') {
  expect(res.statusCode, `${what} ${res.body}`).toBe(status);
  expect(res.json(), what).toEqual({ error: { code, message: expect.any(String) } });
}

describe('--token-scopes', () => {
  const scopes = (value?: string) => loadConfig(value === undefined ? {} : { tokenScopes: value }, {}).tokenScopes;

  it('is api:read and api:write unless told, and takes a comma list of scope names, each once', () => {
    expect(scopes()).toEqual(['api:read', 'api:write']);
    expect(scopes(' repo:read , repo:write,repo:read ')).toEqual(['repo:read', 'repo:write']);
    expect(loadConfig({}, { SESSIOND_TOKEN_SCOPES: 'read' }).tokenScopes).toEqual(['read']);
  });

  it('refuses an empty list and names that are not OAuth scope names', () => {
    for (const bad of ['', ' , ', 'a b', 'say"hi"', 'back\\slash', 'x'.repeat(65), 'ümlaut'])
      expect(() => scopes(bad), JSON.stringify(bad)).toThrow(ConfigError);
  });
});

describe.each(ENGINES)('personal access tokens over HTTP (%s)', (engine) => {
  let h: Harness;
  let serviceKey: string;

  beforeAll(async () => {
    h = await harness(engine, { signInIpLimit: '100000/1m' });
    serviceKey = (await h.registry.serviceKeys.create('resource-server')).key;
  });
  afterAll(async () => {
    await h?.registry.signals.idle();
    await h?.close();
  });

  async function person(): Promise<{ browser: Browser; id: string; email: string }> {
    const address = email('pat');
    expect((await h.signUp(address)).statusCode).toBe(201);
    const browser = await h.browserSignIn(address);
    const user = await h.registry.store.findUserByEmailKey(address);
    return { browser, id: user!.id, email: address };
  }

  const create = (b: Browser, payload: unknown) =>
    b.request({ method: 'POST', url: '/v1/me/tokens', payload: payload as InjectOptions['payload'] });
  const list = async (b: Browser) => {
    const res = await b.request({ method: 'GET', url: '/v1/me/tokens' });
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const introspect = async (token: string) => {
    const res = await h.request({
      method: 'POST',
      url: '/v1/introspect',
      headers: { authorization: `Bearer ${serviceKey}` },
      payload: { token },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Record<string, unknown>;
  };

  it('shows the secret once, on creation; the list shows the token and never its secret', async () => {
    const { browser } = await person();
    const res = await create(browser, { name: '  deploy script  ', scopes: ['api:write', 'api:read'], expires_in_days: 30 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    const [, id, secretPart] = SECRET.exec(body.secret)!;
    expect(body).toEqual({
      token: {
        id,
        name: 'deploy script',
        scopes: ['api:read', 'api:write'],
        created_at: new Date(h.clock.now()).toISOString(),
        expires_at: new Date(h.clock.now() + 30 * DAY).toISOString(),
        last_used_at: null,
        last_used_ip: null,
      },
      secret: body.secret,
    });
    const listed = await list(browser);
    expect(listed.json()).toEqual({ tokens: [body.token], available_scopes: ['api:read', 'api:write'] });
    expect(listed.body).not.toContain(secretPart);
    // Nor is it logged anywhere.
    expect(h.logs.join('')).not.toContain(secretPart);
  });

  it('is active on introspection with its owner, scopes and times, and inactive from the moment it is revoked', async () => {
    const { browser, id: userId } = await person();
    const made = (await create(browser, { name: 'ci', scopes: ['api:read'], expires_in_days: 7 })).json();
    const createdAt = h.clock.now();
    h.clock.advance(2 * MINUTE);
    expect(await introspect(made.secret)).toEqual({
      active: true,
      sub: userId,
      client_id: 'personal-token',
      token_type: 'personal_access_token',
      scope: 'api:read',
      exp: Math.floor((createdAt + 7 * DAY) / 1000),
      iat: Math.floor(createdAt / 1000),
      token_id: made.token.id,
    });
    // Its last use shows on the list (the service's own caller's address is not known to introspection).
    expect((await list(browser)).json().tokens[0]).toMatchObject({
      last_used_at: new Date(h.clock.now()).toISOString(),
      last_used_ip: null,
    });

    const revoked = await browser.request({ method: 'DELETE', url: `/v1/me/tokens/${made.token.id}` });
    expect(revoked.statusCode, revoked.body).toBe(204);
    expect(await introspect(made.secret)).toEqual({ active: false });
    expect((await list(browser)).json()).toMatchObject({ tokens: [] });
    expectError(await browser.request({ method: 'DELETE', url: `/v1/me/tokens/${made.token.id}` }), 404, 'not_found');
  });

  it('a token that never expires has no exp; an expired one is inactive and leaves the list', async () => {
    const { browser } = await person();
    const forever = (await create(browser, { name: 'forever', scopes: ['api:read', 'api:write'], expires_in_days: null })).json();
    expect(forever.token.expires_at).toBeNull();
    const answer = await introspect(forever.secret);
    expect(answer).toMatchObject({ active: true, scope: 'api:read api:write' });
    expect(answer).not.toHaveProperty('exp');

    const shortLived = (await create(browser, { name: 'one day', scopes: ['api:read'], expires_in_days: 1 })).json();
    expect((await introspect(shortLived.secret)).active).toBe(true);
    h.clock.advance(DAY);
    expect(await introspect(shortLived.secret)).toEqual({ active: false });
    expect((await list(browser)).json().tokens.map((t: { name: string }) => t.name)).toEqual(['forever']);
  });

  it('someone else’s token id is 404 and their token keeps working; a malformed id is 404', async () => {
    const owner = await person();
    const stranger = await person();
    const made = (await create(owner.browser, { name: 'mine', scopes: ['api:read'], expires_in_days: 30 })).json();
    expectError(await stranger.browser.request({ method: 'DELETE', url: `/v1/me/tokens/${made.token.id}` }), 404, 'not_found');
    expect((await list(stranger.browser)).json()).toMatchObject({ tokens: [] });
    for (const bad of ['nope', 'x'.repeat(100), '%00', 'AAAAAAAAAAAAAAAAAAAAAA'])
      expectError(await owner.browser.request({ method: 'DELETE', url: `/v1/me/tokens/${bad}` }), 404, 'not_found', bad);
    expect((await introspect(made.secret)).active).toBe(true);
  });

  it('making a token needs a recent authentication; listing and revoking do not', async () => {
    const { browser } = await person();
    const kept = (await create(browser, { name: 'kept', scopes: ['api:read'], expires_in_days: 30 })).json();
    h.clock.advance(11 * MINUTE);
    expectError(await create(browser, { name: 'late', scopes: ['api:read'], expires_in_days: 30 }), 403, 'reauth_required');
    expect((await list(browser)).json().tokens.map((t: { name: string }) => t.name)).toEqual(['kept']);
    expect((await browser.request({ method: 'DELETE', url: `/v1/me/tokens/${kept.token.id}` })).statusCode).toBe(204);
    const again = await browser.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: PASSWORD } });
    expect(again.statusCode, again.body).toBe(200);
    expect((await create(browser, { name: 'late', scopes: ['api:read'], expires_in_days: 30 })).statusCode).toBe(201);
  });

  it('needs a session, and a cookie session from this site only', async () => {
    const { browser } = await person();
    expectError(await h.request({ method: 'GET', url: '/v1/me/tokens' }), 401, 'unauthenticated');
    expectError(
      await h.request({ method: 'POST', url: '/v1/me/tokens', payload: { name: 'x', scopes: ['api:read'], expires_in_days: 1 } }),
      401,
      'unauthenticated',
    );
    const crossSite = await browser.request({
      method: 'POST',
      url: '/v1/me/tokens',
      headers: { origin: 'https://evil.example' },
      payload: { name: 'x', scopes: ['api:read'], expires_in_days: 1 },
    });
    expectError(crossSite, 403, 'csrf_failed');
    // An HTML form cannot post here either: JSON only.
    const form = await browser.request({
      method: 'POST',
      url: '/v1/me/tokens',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=x&scopes=api%3Aread&expires_in_days=1',
    });
    expectError(form, 415, 'unsupported_media_type');
    expect((await list(browser)).json()).toMatchObject({ tokens: [] });
  });

  it('refuses bad input with 400 in the contract’s shape, and makes nothing', async () => {
    const { browser } = await person();
    const good = { name: 'ok', scopes: ['api:read'], expires_in_days: 30 };
    const bad: [string, unknown][] = [
      ['no body', undefined],
      ['empty name', { ...good, name: '' }],
      ['blank name', { ...good, name: '   ' }],
      ['long name', { ...good, name: 'x'.repeat(65) }],
      ['two-line name', { ...good, name: 'a\nb' }],
      ['bidi override', { ...good, name: 'gpj.\u202eexe' }],
      ['NUL', { ...good, name: 'a\u0000b' }],
      ['lone surrogate', { ...good, name: 'a\ud800b' }],
      ['name not a string', { ...good, name: 42 }],
      ['no scopes', { ...good, scopes: [] }],
      ['unknown scope', { ...good, scopes: ['admin'] }],
      ['scope case', { ...good, scopes: ['API:READ'] }],
      ['scopes not a list', { ...good, scopes: 'api:read' }],
      ['scope not a string', { ...good, scopes: [1] }],
      ['zero days', { ...good, expires_in_days: 0 }],
      ['too many days', { ...good, expires_in_days: 366 }],
      ['fractional days', { ...good, expires_in_days: 1.5 }],
      ['days as text', { ...good, expires_in_days: '30' }],
      ['no expiry given', { name: 'ok', scopes: ['api:read'] }],
      ['unknown field', { ...good, admin: true }],
      ['array body', [good]],
    ];
    for (const [what, payload] of bad) {
      const res = await browser.request({
        method: 'POST',
        url: '/v1/me/tokens',
        headers: { 'content-type': 'application/json' },
        payload: payload === undefined ? '' : JSON.stringify(payload),
      });
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      expect(res.json(), what).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
    }
    const malformed = await browser.request({
      method: 'POST',
      url: '/v1/me/tokens',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expectError(malformed, 400, 'invalid_request');
    expect((await list(browser)).json()).toMatchObject({ tokens: [] });
  });

  it('refuses a 51st active token with 403 in the contract’s shape; revoking one makes room', async () => {
    const { browser, id } = await person();
    const actor = { kind: 'session' as const, sessionId: browser.sessionId, ip: IP.london };
    for (let i = 0; i < 50; i++)
      await h.registry.personalTokens.create(id, { name: `t${i}`, scopes: ['api:read'], expiresInDays: 30 }, actor, null);
    const refused = await create(browser, { name: 'one too many', scopes: ['api:read'], expires_in_days: 30 });
    expectError(refused, 403, 'forbidden');
    expect(refused.json().error.message).toContain('50');
    const tokens = (await list(browser)).json().tokens as { id: string }[];
    expect(tokens).toHaveLength(50);
    expect((await browser.request({ method: 'DELETE', url: `/v1/me/tokens/${tokens[0]!.id}` })).statusCode).toBe(204);
    expect((await create(browser, { name: 'room again', scopes: ['api:read'], expires_in_days: 30 })).statusCode).toBe(201);
  });

  it('a disabled account’s tokens are inactive, and active again when it is enabled', async () => {
    const { browser, id } = await person();
    const made = (await create(browser, { name: 'bot', scopes: ['api:read'], expires_in_days: 30 })).json();
    const operator = { kind: 'admin' as const, adminId: null, ip: null };
    await h.registry.accounts.disable(id, operator);
    expect(await introspect(made.secret)).toEqual({ active: false });
    await h.registry.accounts.enable(id, operator);
    expect((await introspect(made.secret)).active).toBe(true);
  });

  it('revokeAll ends every token of the account at once (for signing out everywhere)', async () => {
    const { browser, id } = await person();
    const other = await person();
    const a = (await create(browser, { name: 'a', scopes: ['api:read'], expires_in_days: 30 })).json();
    const b = (await create(browser, { name: 'b', scopes: ['api:write'], expires_in_days: null })).json();
    const theirs = (await create(other.browser, { name: 'theirs', scopes: ['api:read'], expires_in_days: 30 })).json();
    expect(await h.registry.personalTokens.revokeAll(id, { kind: 'session', sessionId: browser.sessionId, ip: IP.london })).toBe(2);
    expect(await introspect(a.secret)).toEqual({ active: false });
    expect(await introspect(b.secret)).toEqual({ active: false });
    expect((await introspect(theirs.secret)).active).toBe(true);
    expect((await list(browser)).json()).toMatchObject({ tokens: [] });
  });

  it('making and revoking a token are on the owner’s timeline by the token’s name', async () => {
    const { browser } = await person();
    const headers = { 'x-forwarded-for': IP.london };
    const payload = { name: 'laptop backup', scopes: ['api:read'], expires_in_days: 30 };
    const made = (await browser.request({ method: 'POST', url: '/v1/me/tokens', headers, payload })).json();
    h.clock.advance(1_000);
    expect((await browser.request({ method: 'DELETE', url: `/v1/me/tokens/${made.token.id}`, headers })).statusCode).toBe(204);
    const events = (await browser.request({ method: 'GET', url: '/v1/me/security-events' })).json().events as {
      kind: string;
      reason: string | null;
      ip: string | null;
      actor: { current: boolean } | null;
    }[];
    const mine = events.filter((e) => e.kind.startsWith('token_'));
    expect(mine).toEqual([
      expect.objectContaining({
        kind: 'token_revoked',
        reason: 'laptop backup',
        ip: IP.london,
        actor: expect.objectContaining({ current: true }),
      }),
      expect.objectContaining({
        kind: 'token_created',
        reason: 'laptop backup',
        ip: IP.london,
        actor: expect.objectContaining({ current: true }),
      }),
    ]);
  });
});
