/** CSRF: a cookie-authenticated state change must prove it came from our own pages; bearer needs no proof. */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { harness, IP, ORIGIN, PASSWORD, type Harness } from '../support/harness.js';

const COOKIE = '__Host-sessiond';
const NEW_PASSWORD = 'a brand new passphrase 2026';
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

/** Headers of a request that cannot show it came from our pages. */
const FOREIGN: Record<string, Record<string, string>> = {
  'a foreign Origin': { origin: 'https://evil.example' },
  'Origin: null': { origin: 'null' },
  'a sibling-subdomain Origin': { origin: 'http://evil.127.0.0.1:7400' },
  // The whole origin counts, not just the host: scheme, host and port.
  'the public host over another scheme': { host: '127.0.0.1:7400', origin: 'https://127.0.0.1:7400' },
  'the public host on another port': { host: '127.0.0.1:7400', origin: 'http://127.0.0.1:7401' },
  "the request's own host over another scheme": { host: 'sessiond.internal:7400', origin: 'https://sessiond.internal:7400' },
  'an Origin that is not a bare origin': { origin: `${ORIGIN}/path` },
  'Sec-Fetch-Site: cross-site': { 'sec-fetch-site': 'cross-site' },
  'Sec-Fetch-Site: same-site': { 'sec-fetch-site': 'same-site' },
  'neither Origin nor Sec-Fetch-Site': {},
};

interface Victim {
  email: string;
  cookie: string;
  sessionId: string;
  otherToken: string;
}

/** The state-changing cookie routes, each with what "nothing changed" means for it. */
const ROUTES: { name: string; request: (v: Victim) => InjectOptions }[] = [
  { name: 'POST /v1/auth/sign-out', request: () => ({ method: 'POST', url: '/v1/auth/sign-out' }) },
  { name: 'DELETE /v1/me/sessions/:id', request: (v) => ({ method: 'DELETE', url: `/v1/me/sessions/${v.otherToken.split('.')[0]}` }) },
  { name: 'POST /v1/me/sessions/revoke-others', request: () => ({ method: 'POST', url: '/v1/me/sessions/revoke-others' }) },
  { name: 'POST /v1/me/sessions/revoke-all', request: () => ({ method: 'POST', url: '/v1/me/sessions/revoke-all' }) },
  {
    name: 'POST /v1/me/password',
    request: () => ({ method: 'POST', url: '/v1/me/password', payload: { current_password: PASSWORD, new_password: NEW_PASSWORD } }),
  },
];

describe.each(ENGINES)('CSRF (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function victim(): Promise<Victim> {
    const e = email('victim');
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    return { email: e, cookie: b.cookie, sessionId: b.sessionId, otherToken: await h.bearerSignIn(e) };
  }

  const alive = async (headers: Record<string, string>) =>
    (await h.request({ method: 'GET', url: '/v1/me/session', headers })).statusCode === 200;

  async function expectUnchanged(v: Victim, res: LightMyRequestResponse) {
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'csrf_failed', message: expect.any(String) } });
    // The browser keeps its cookie: a refused request must not sign it out either.
    expect(
      res.cookies.find((c) => c.name === COOKIE),
      'Set-Cookie on a refused request',
    ).toBeUndefined();
    expect(await alive({ cookie: `${COOKIE}=${v.cookie}` })).toBe(true);
    expect(await alive({ authorization: `Bearer ${v.otherToken}` })).toBe(true);
    const signIn = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email: v.email, password: PASSWORD, transport: 'bearer' },
    });
    expect(signIn.statusCode, 'old password still works').toBe(200);
  }

  for (const route of ROUTES) {
    describe(route.name, () => {
      for (const [what, headers] of Object.entries(FOREIGN)) {
        it(`with ${what} is refused (403 csrf_failed) and changes nothing`, async () => {
          const v = await victim();
          const res = await h.request({ ...route.request(v), headers: { cookie: `${COOKIE}=${v.cookie}`, ...headers } });
          await expectUnchanged(v, res);
        });
      }

      it('with our own Origin goes through', async () => {
        const v = await victim();
        const res = await h.request({ ...route.request(v), headers: { cookie: `${COOKIE}=${v.cookie}`, origin: ORIGIN } });
        expect(res.statusCode, res.body).toBeLessThan(300);
      });

      it("with the request's own origin (another name for this server) goes through", async () => {
        const v = await victim();
        const res = await h.request({
          ...route.request(v),
          headers: { cookie: `${COOKIE}=${v.cookie}`, host: 'sessiond.internal:7400', origin: 'http://sessiond.internal:7400' },
        });
        expect(res.statusCode, res.body).toBeLessThan(300);
      });

      it('with Sec-Fetch-Site: same-origin and no Origin goes through', async () => {
        const v = await victim();
        const res = await h.request({ ...route.request(v), headers: { cookie: `${COOKIE}=${v.cookie}`, 'sec-fetch-site': 'same-origin' } });
        expect(res.statusCode, res.body).toBeLessThan(300);
      });

      it('by bearer token needs no Origin', async () => {
        const v = await victim();
        const token = await h.bearerSignIn(v.email);
        const res = await h.request({
          ...route.request({ ...v, otherToken: v.otherToken }),
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.statusCode, res.body).toBeLessThan(300);
      });
    });
  }

  it('a cross-site page cannot sign the browser in (login CSRF): 403, no cookie', async () => {
    const e = email('login-csrf');
    await h.signUp(e);
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { host: '127.0.0.1:7400', origin: 'https://127.0.0.1:7400' },
      { host: 'sessiond.internal', origin: 'https://sessiond.internal' },
    ]) {
      const res = await h.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        headers: { 'x-forwarded-for': IP.london, ...headers },
        payload: { email: e, password: PASSWORD },
      });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().error.code).toBe('csrf_failed');
      expect(res.cookies.find((c) => c.name === COOKIE)).toBeUndefined();
    }
  });

  it("the request's own origin takes its scheme from a trusted proxy's X-Forwarded-Proto, and from no one else", async () => {
    const v = await victim();
    const revokeOthers = (headers: Record<string, string>, remoteAddress?: string) =>
      h.request({
        method: 'POST',
        url: '/v1/me/sessions/revoke-others',
        headers: { cookie: `${COOKIE}=${v.cookie}`, host: 'sessiond.internal', origin: 'https://sessiond.internal', ...headers },
        ...(remoteAddress ? { remoteAddress } : {}),
      });
    // Over plain http, or from a socket that is not a trusted proxy, https is not what was reached.
    await expectUnchanged(v, await revokeOthers({}));
    await expectUnchanged(v, await revokeOthers({ 'x-forwarded-proto': 'https' }, '198.51.100.9'));
    // The harness trusts 127.0.0.1 (inject's address): TLS ended at the proxy, the page was https.
    expect((await revokeOthers({ 'x-forwarded-proto': 'https' })).statusCode).toBeLessThan(300);
  });

  it('an HTML form cannot post to the API (text/plain and urlencoded bodies are 415)', async () => {
    const v = await victim();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await h.request({
        method: 'POST',
        url: '/v1/me/sessions/revoke-all',
        headers: { cookie: `${COOKIE}=${v.cookie}`, origin: ORIGIN, 'content-type': type },
        payload: type.startsWith('multipart') ? '--x--\r\n' : 'a=b',
      });
      expect(res.statusCode, type).toBe(415);
      expect(res.json().error.code).toBe('unsupported_media_type');
    }
    expect(await alive({ cookie: `${COOKIE}=${v.cookie}` })).toBe(true);
  });
});
