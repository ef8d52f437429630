/**
 * "Sign out everywhere" (and "all other sessions") may include the credentials past the session
 * list: every connected app (device sign-ins too) and every personal access token. Without
 * `include`, only sessions end, as the contract says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Browser, type Harness } from '../support/harness.js';

describe.each(['sqlite', 'postgres'] as const)('bulk sign-out with connected apps and tokens (%s)', (engine) => {
  let h: Harness;
  let clientId: string;

  beforeAll(async () => {
    h = await harness(engine);
    clientId = (await h.registry.oauthClients.register({ name: 'Notes Cloud', kind: 'web', redirectUris: ['https://notes.example/cb'] }))
      .client.id;
  });
  afterAll(async () => h?.close());

  /** A grant made by the real provider, as consent makes it. */
  async function connectApp(userId: string): Promise<string> {
    const provider = await h.registry.oauth.provider();
    const grant = new provider.Grant({ accountId: userId, clientId });
    grant.addOIDCScope('openid offline_access');
    return grant.save();
  }

  async function setUp(email: string): Promise<{ browser: Browser; other: Browser; userId: string }> {
    expect((await h.signUp(email)).statusCode).toBe(201);
    const browser = await h.browserSignIn(email);
    const other = await h.browserSignIn(email);
    const me = await browser.request({ method: 'GET', url: '/v1/me/session' });
    const userId = me.json().user.id as string;
    await connectApp(userId);
    const token = await browser.request({
      method: 'POST',
      url: '/v1/me/tokens',
      payload: { name: 'ci', scopes: ['api:read'], expires_in_days: 30 },
    });
    expect(token.statusCode).toBe(201);
    return { browser, other, userId };
  }

  const counts = async (browser: Browser) => ({
    apps: (await browser.request({ method: 'GET', url: '/v1/me/connected-apps' })).json().apps.length as number,
    tokens: (await browser.request({ method: 'GET', url: '/v1/me/tokens' })).json().tokens.length as number,
  });

  it('without include, only sessions end (the contract’s answer, nothing else touched)', async () => {
    const { browser, other } = await setUp('plain@example.com');
    const res = await browser.request({ method: 'POST', url: '/v1/me/sessions/revoke-others' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ revoked: 1 });
    expect((await other.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(401);
    expect(await counts(browser)).toEqual({ apps: 1, tokens: 1 });
  });

  it('with include, the apps and tokens end too, and the answer says how many', async () => {
    const { browser } = await setUp('all@example.com');
    const res = await browser.request({
      method: 'POST',
      url: '/v1/me/sessions/revoke-others',
      payload: { include: ['connected_apps', 'tokens'] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ revoked: 1, apps_removed: 1, tokens_revoked: 1 });
    expect(await counts(browser)).toEqual({ apps: 0, tokens: 0 });
    const timeline = (await browser.request({ method: 'GET', url: '/v1/me/security-events' })).body;
    expect(timeline).toContain('app_removed');
    expect(timeline).toContain('token_revoked');
    const metrics = (await h.request({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/sessiond_credential_changes_total\{change="app_removed"\} [1-9]/);
    expect(metrics).toMatch(/sessiond_credential_changes_total\{change="token_created"\} [1-9]/);
  });

  it('"Sign out everywhere" with only tokens leaves the apps; an unknown include is a 400', async () => {
    const { browser, other } = await setUp('tokens@example.com');
    const bad = await browser.request({ method: 'POST', url: '/v1/me/sessions/revoke-all', payload: { include: ['everything'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');
    const res = await browser.request({ method: 'POST', url: '/v1/me/sessions/revoke-all', payload: { include: ['tokens'] } });
    expect(res.json()).toEqual({ revoked: 2, tokens_revoked: 1 });
    const fresh = await h.browserSignIn('tokens@example.com');
    expect(await counts(fresh)).toEqual({ apps: 1, tokens: 0 });
    expect((await other.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(401);
  });
});
