/**
 * A new session token on every privilege change (ASVS 5.0 7.2.4, 7.4.3): re-authentication, a
 * password change and turning MFA on each replace the caller's id and secret. The old token is
 * refused at once; browsers get the new one as the cookie, bearer clients in the body; the
 * session keeps its device, sign-in time, auth method, app and recent authentication.
 */
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { harness, PASSWORD, UA, type Browser, type Harness } from '../support/harness.js';

const COOKIE = '__Host-sessiond';
const MINUTE = 60_000;
const NEW_PASSWORD = 'a brand new passphrase for rotation';
const TOKEN = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(ENGINES)('token rotation on privilege change (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const me = (headers: Record<string, string>) => h.request({ method: 'GET', url: '/v1/me/session', headers });
  const cookieOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === COOKIE);
  /** The session as the caller sees it, without what rotation and activity change (id, last activity, idle expiry). */
  const kept = (session: Record<string, unknown>) => {
    const { id: _id, last_active_at: _last, expires_at: _expires, ...rest } = session;
    return rest;
  };

  async function browser(tag: string): Promise<{ e: string; b: Browser; before: Record<string, unknown> }> {
    const e = email(tag);
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const before = (await b.request({ method: 'GET', url: '/v1/me/session' })).json().session;
    return { e, b, before };
  }

  describe('POST /v1/me/reauthenticate', () => {
    it('re-sets the cookie with a new token; the old one is refused at once; the session is the same sign-in', async () => {
      const { b, before } = await browser('reauth-cookie');
      const old = b.cookie;
      h.clock.advance(11 * MINUTE);
      const res = await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: PASSWORD } });
      expect(res.statusCode, res.body).toBe(200);
      const set = cookieOf(res);
      expect(set?.value).toMatch(TOKEN);
      expect(set?.value).not.toBe(old);
      expect(set).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
      // No token in the body for a browser: it never sees one.
      expect(res.json()).not.toHaveProperty('token');

      expectError(await me({ cookie: `${COOKIE}=${old}` }), 401, 'unauthenticated');
      const now = await b.request({ method: 'GET', url: '/v1/me/session' });
      expect(now.statusCode).toBe(200);
      const after = now.json().session;
      expect(after.id).not.toBe(before.id);
      expect(kept(after)).toEqual(kept(before));
      // The re-authentication is kept: a sensitive action goes through without another.
      const t = await h.bearerSignIn((await b.request({ method: 'GET', url: '/v1/me/session' })).json().user.email);
      expect((await b.request({ method: 'DELETE', url: `/v1/me/sessions/${t.split('.')[0]}` })).statusCode).toBe(204);
      // The old session is gone from the list; the new one is current.
      const listed = (await b.request({ method: 'GET', url: '/v1/me/sessions' })).json().sessions as { id: string; current: boolean }[];
      expect(listed.map((s) => [s.id, s.current])).toEqual([[after.id, true]]);
    });

    it('gives a bearer client its new token in the body; the old token is refused at once', async () => {
      const e = email('reauth-bearer');
      await h.signUp(e);
      const old = await h.bearerSignIn(e);
      const before = (await me(bearer(old))).json().session;
      const res = await h.request({ method: 'POST', url: '/v1/me/reauthenticate', headers: bearer(old), payload: { password: PASSWORD } });
      expect(res.statusCode, res.body).toBe(200);
      expect(cookieOf(res)).toBeUndefined();
      const { token } = res.json() as { token: string };
      expect(token).toMatch(TOKEN);
      expect(token).not.toBe(old);
      expectError(await me(bearer(old)), 401, 'unauthenticated');
      const after = (await me(bearer(token))).json().session;
      expect(after.id).toBe(token.split('.')[0]);
      expect(kept(after)).toEqual(kept(before));
    });

    it('a wrong password rotates nothing', async () => {
      const { b } = await browser('reauth-wrong');
      const old = b.cookie;
      const res = await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: 'not my password at all' } });
      expectError(res, 400, 'incorrect_password');
      expect(cookieOf(res)).toBeUndefined();
      expect((await me({ cookie: `${COOKIE}=${old}` })).statusCode).toBe(200);
    });
  });

  describe('POST /v1/me/password', () => {
    it('re-sets the cookie (204): the old token is refused, the session keeps its sign-in', async () => {
      const { b, before } = await browser('pw-cookie');
      const old = b.cookie;
      const res = await b.request({
        method: 'POST',
        url: '/v1/me/password',
        payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(204);
      expect(cookieOf(res)?.value).toMatch(TOKEN);
      expectError(await me({ cookie: `${COOKIE}=${old}` }), 401, 'unauthenticated');
      const after = (await b.request({ method: 'GET', url: '/v1/me/session' })).json().session;
      expect(after.id).not.toBe(before.id);
      expect(kept(after)).toEqual(kept(before));
    });

    it('answers a bearer client 200 with its new token', async () => {
      const e = email('pw-bearer');
      await h.signUp(e);
      const old = await h.bearerSignIn(e);
      const res = await h.request({
        method: 'POST',
        url: '/v1/me/password',
        headers: bearer(old),
        payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      const { token } = res.json() as { token: string };
      expect(token).toMatch(TOKEN);
      expectError(await me(bearer(old)), 401, 'unauthenticated');
      expect((await me(bearer(token))).statusCode).toBe(200);
    });
  });

  describe('POST /v1/me/mfa/totp/confirm', () => {
    const codeFor = (secret: string) =>
      new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: h.clock.now() });

    async function startEnrolment(b: Browser): Promise<string> {
      const start = await b.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} });
      expect(start.statusCode, start.body).toBe(200);
      return start.json().secret as string;
    }

    it('turns MFA on with a new token, and by default signs out the other sessions', async () => {
      const { e, b, before } = await browser('mfa-on');
      const old = b.cookie;
      const phone = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      const cli = await h.bearerSignIn(e);
      const secret = await startEnrolment(b);
      const res = await b.request({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code: codeFor(secret) } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ recovery_codes: expect.any(Array), revoked: 2 });
      expect(cookieOf(res)?.value).toMatch(TOKEN);
      expectError(await me({ cookie: `${COOKIE}=${old}` }), 401, 'unauthenticated');
      expectError(await phone.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expectError(await me(bearer(cli)), 401, 'unauthenticated');
      const after = (await b.request({ method: 'GET', url: '/v1/me/session' })).json().session;
      expect(kept(after)).toEqual(kept(before));
    });

    it('with sign_out_others: false keeps the other sessions; a bearer client gets its new token', async () => {
      const e = email('mfa-on-keep');
      await h.signUp(e);
      const phone = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      const old = await h.bearerSignIn(e);
      const start = await h.request({ method: 'POST', url: '/v1/me/mfa/totp', headers: bearer(old), payload: {} });
      const res = await h.request({
        method: 'POST',
        url: '/v1/me/mfa/totp/confirm',
        headers: bearer(old),
        payload: { code: codeFor(start.json().secret), sign_out_others: false },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ revoked: 0, token: expect.stringMatching(TOKEN) });
      expectError(await me(bearer(old)), 401, 'unauthenticated');
      expect((await me(bearer(res.json().token))).statusCode).toBe(200);
      expect((await phone.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
    });

    it('a wrong code rotates nothing and ends nothing', async () => {
      const { e, b } = await browser('mfa-wrong');
      const old = b.cookie;
      const phone = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      const secret = await startEnrolment(b);
      const wrong = codeFor(secret) === '000000' ? '111111' : '000000';
      const res = await b.request({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code: wrong } });
      expectError(res, 401, 'invalid_code');
      expect(cookieOf(res)).toBeUndefined();
      expect((await me({ cookie: `${COOKIE}=${old}` })).statusCode).toBe(200);
      expect((await phone.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
    });
  });
});
