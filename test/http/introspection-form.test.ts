/**
 * `POST /v1/introspect` as RFC 7662 §2.1 sends it: a form body (`application/x-www-form-urlencoded`)
 * as well as JSON, each answering the same; a personal access token is introspected like a session
 * token. The form parser belongs to introspection alone: every other route still refuses a form
 * (415), and other body types stay 415 here too. Bodies are small, and a service key is needed
 * before anything is read.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { harness, PASSWORD, type Browser, type Harness } from '../support/harness.js';

const FORM = 'application/x-www-form-urlencoded';
let n = 0;

function expectError(res: LightMyRequestResponse, status: number, code: string, what = '') {
  expect(res.statusCode, `${what} ${res.body}`).toBe(status);
  expect(res.json(), what).toEqual({ error: { code, message: expect.any(String) } });
}

describe.each(ENGINES)('introspection with form bodies (%s)', (engine) => {
  let h: Harness;
  let serviceKey: string;
  let sessionToken: string;
  let browser: Browser;
  let userId: string;

  beforeAll(async () => {
    h = await harness(engine, { signInIpLimit: '100000/1m' });
    serviceKey = (await h.registry.serviceKeys.create('resource-server')).key;
    const address = `form-${++n}@example.com`;
    expect((await h.signUp(address)).statusCode).toBe(201);
    sessionToken = await h.bearerSignIn(address);
    browser = await h.browserSignIn(address);
    userId = (await h.registry.store.findUserByEmailKey(address))!.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const introspect = (payload: string, contentType: string, headers: InjectOptions['headers'] = {}) =>
    h.request({
      method: 'POST',
      url: '/v1/introspect',
      headers: { authorization: `Bearer ${serviceKey}`, 'content-type': contentType, ...headers },
      payload,
    });
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  async function personalToken(name: string): Promise<{ id: string; secret: string }> {
    const res = await browser.request({
      method: 'POST',
      url: '/v1/me/tokens',
      payload: { name, scopes: ['api:read'], expires_in_days: 30 },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().token.id, secret: res.json().secret };
  }

  it('answers a form body as it answers the same JSON body, for a session token', async () => {
    const asJson = await introspect(JSON.stringify({ token: sessionToken }), 'application/json');
    const asForm = await introspect(form({ token: sessionToken }), FORM);
    const withCharset = await introspect(form({ token: sessionToken, token_type_hint: 'access_token' }), `${FORM}; charset=UTF-8`);
    for (const res of [asJson, asForm, withCharset]) expect(res.statusCode, res.body).toBe(200);
    expect(asForm.json()).toEqual(asJson.json());
    expect(withCharset.json()).toEqual(asJson.json());
    expect(asForm.json()).toMatchObject({ active: true, sub: userId, sid: sessionToken.split('.')[0] });
    expect(asForm.headers['cache-control']).toBe('no-store');
  });

  it('answers a personal access token in a form, and inactive once it is revoked', async () => {
    const pat = await personalToken('form bot');
    const live = await introspect(form({ token: pat.secret, token_type_hint: 'access_token' }), FORM);
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json()).toMatchObject({
      active: true,
      sub: userId,
      token_type: 'personal_access_token',
      scope: 'api:read',
      token_id: pat.id,
    });
    expect((await browser.request({ method: 'DELETE', url: `/v1/me/tokens/${pat.id}` })).statusCode).toBe(204);
    const dead = await introspect(form({ token: pat.secret }), FORM);
    expect(dead.statusCode, dead.body).toBe(200);
    expect(dead.json()).toEqual({ active: false });
  });

  it('answers inactive for a token that is nothing, in a form or JSON', async () => {
    for (const token of ['nonsense', `sdpat_${'A'.repeat(22)}.${'B'.repeat(43)}`, '']) {
      const res = await introspect(form({ token }), FORM);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ active: false });
    }
  });

  it('refuses a form without a token, with a parameter twice or with unknown parameters: 400', async () => {
    for (const [what, body] of [
      ['empty', ''],
      ['no token', 'token_type_hint=access_token'],
      ['token twice', `token=${encodeURIComponent(sessionToken)}&token=x`],
      ['unknown parameter', `token=${encodeURIComponent(sessionToken)}&scope=admin`],
      ['NUL', 'token=a%00b'],
    ] as const)
      expectError(await introspect(body, FORM), 400, 'invalid_request', what);
  });

  it('reads no form without a service key (401)', async () => {
    const res = await h.request({
      method: 'POST',
      url: '/v1/introspect',
      headers: { 'content-type': FORM },
      payload: form({ token: sessionToken }),
    });
    expectError(res, 401, 'unauthenticated');
    const asSession = await h.request({
      method: 'POST',
      url: '/v1/introspect',
      headers: { authorization: `Bearer ${sessionToken}`, 'content-type': FORM },
      payload: form({ token: sessionToken }),
    });
    expectError(asSession, 401, 'unauthenticated');
  });

  it('keeps bodies small: a form past 16 KiB is 413', async () => {
    expectError(await introspect(form({ token: 'x'.repeat(17 * 1024) }), FORM), 413, 'payload_too_large');
    expectError(await introspect(JSON.stringify({ token: 'x'.repeat(17 * 1024) }), 'application/json'), 413, 'payload_too_large');
  });

  it('other body types stay 415 here', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'text/html'])
      expectError(
        await introspect(type.startsWith('multipart') ? '--x--\r\n' : `token=${sessionToken}`, type),
        415,
        'unsupported_media_type',
        type,
      );
  });

  it('form bodies open nothing else: every other route still refuses them (415) and nothing changes', async () => {
    const targets: InjectOptions[] = [
      { method: 'POST', url: '/v1/me/sessions/revoke-all' },
      { method: 'POST', url: '/v1/me/tokens' },
      { method: 'POST', url: '/v1/me/password' },
    ];
    for (const target of targets) {
      const res = await browser.request({ ...target, headers: { 'content-type': FORM }, payload: `a=b&current_password=${PASSWORD}` });
      expectError(res, 415, 'unsupported_media_type', target.url as string);
    }
    const signUp = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-up',
      headers: { 'content-type': FORM },
      payload: form({ email: 'form-signup@example.com', password: PASSWORD }),
    });
    expectError(signUp, 415, 'unsupported_media_type');
    expect((await browser.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
  });
});
