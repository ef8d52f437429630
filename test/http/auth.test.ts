/** Sign-up, sign-in, sign-out: what a person signing in (or an attacker) sees, on every engine. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { harness, IP, ORIGIN, PASSWORD, UA, type Harness } from '../support/harness.js';
import { ENGINES } from '../support/databases.js';

const COOKIE = '__Host-sessiond';
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  expect(body.error.message.length).toBeGreaterThan(0);
}

function signIn(h: Harness, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return h.request({
    method: 'POST',
    url: '/v1/auth/sign-in',
    headers: { origin: ORIGIN, 'user-agent': UA.windowsChrome, 'x-forwarded-for': IP.london, ...headers },
    payload,
  });
}

/** The attributes of one Set-Cookie line, lower-cased names. */
function cookieAttributes(setCookie: string): { name: string; value: string; attrs: Map<string, string> } {
  const [pair, ...rest] = setCookie.split(';').map((p) => p.trim());
  const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
  return { name, value, attrs: new Map(rest.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=').slice(1).join('=')])) };
}

function setCookies(res: LightMyRequestResponse): string[] {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

describe.each(ENGINES)('auth (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('POST /v1/auth/sign-up', () => {
    it('creates an account (201 {user}) that can sign in', async () => {
      const e = email('new');
      const res = await h.request({ method: 'POST', url: '/v1/auth/sign-up', payload: { email: e, password: PASSWORD, name: ' Ada ' } });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({ user: { id: expect.any(String), email: e, name: 'Ada', created_at: '2026-03-01T09:00:00.000Z' } });
      expect(JSON.stringify(res.json())).not.toMatch(/password|hash|argon/i);
      expect((await signIn(h, { email: e, password: PASSWORD })).statusCode).toBe(200);
    });

    it('refuses a second account for the same email in another case (409 email_taken)', async () => {
      const e = email('dup');
      expect((await h.signUp(e)).statusCode).toBe(201);
      expectError(await h.signUp(e.toUpperCase(), 'another password entirely'), 409, 'email_taken');
      // The first account keeps its password.
      expect((await signIn(h, { email: e, password: PASSWORD })).statusCode).toBe(200);
      expectError(await signIn(h, { email: e, password: 'another password entirely' }), 401, 'invalid_credentials');
    });

    it('refuses a short password (400 weak_password) and creates nothing', async () => {
      const e = email('weak');
      expectError(await h.signUp(e, 'short'), 400, 'weak_password');
      expect(await h.registry.store.findUserByEmailKey(e)).toBeNull();
    });

    it('refuses an address that is not an email (400 invalid_request)', async () => {
      for (const bad of ['not-an-email', 'a@b', '@example.com', 'a b@example.com']) {
        expectError(await h.signUp(bad), 400, 'invalid_request');
        expect(await h.registry.store.findUserByEmailKey(bad.toLowerCase())).toBeNull();
      }
    });

    it('is refused with 403 sign_up_disabled when sign-up is off, and creates nothing', async () => {
      const closed = await harness(engine, { signUp: false });
      try {
        const e = email('closed');
        expectError(await closed.signUp(e), 403, 'sign_up_disabled');
        expect(await closed.registry.store.findUserByEmailKey(e)).toBeNull();
      } finally {
        await closed.close();
      }
    });
  });

  describe('POST /v1/auth/sign-in', () => {
    it('signs a browser in with a cookie session and no token in the body', async () => {
      const e = email('browser');
      await h.signUp(e);
      const res = await signIn(h, { email: e, password: PASSWORD });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.user.email).toBe(e);
      expect(body.session).toMatchObject({ current: true, client: { id: 'web', kind: 'browser' }, auth_method: 'password' });
      expect(body).not.toHaveProperty('token');
      const cookie = res.cookies.find((c) => c.name === COOKIE)!;
      expect(cookie.value.startsWith(`${body.session.id}.`)).toBe(true);
      expect(res.body).not.toContain(cookie.value.split('.')[1]);
      const me = await h.request({ method: 'GET', url: '/v1/me/session', headers: { cookie: `${COOKIE}=${cookie.value}` } });
      expect(me.statusCode).toBe(200);
      expect(me.json().session.id).toBe(body.session.id);
    });

    it('sets the session cookie as __Host-sessiond; Secure; HttpOnly; SameSite=Lax; Path=/; no Domain', async () => {
      const e = email('cookie');
      await h.signUp(e);
      const res = await signIn(h, { email: e, password: PASSWORD });
      const lines = setCookies(res).map(cookieAttributes);
      const session = lines.find((c) => c.name === COOKIE);
      expect(session, 'session cookie').toBeDefined();
      for (const c of lines) {
        expect(c.name.startsWith('__Host-'), c.name).toBe(true);
        expect(c.attrs.has('secure'), `${c.name} Secure`).toBe(true);
        expect(c.attrs.has('httponly'), `${c.name} HttpOnly`).toBe(true);
        expect(c.attrs.get('samesite')?.toLowerCase(), `${c.name} SameSite`).toBe('lax');
        expect(c.attrs.get('path'), `${c.name} Path`).toBe('/');
        expect(c.attrs.has('domain'), `${c.name} Domain`).toBe(false);
      }
      // Opaque: the value says nothing about the user.
      expect(session!.value).not.toContain(e);
      expect(session!.value).not.toContain(res.json().user.id);
      expect(session!.value.length).toBeLessThan(4096);
    });

    it('gives a native client a bearer token and no session cookie', async () => {
      const e = email('native');
      await h.signUp(e);
      // A native client sends no Origin header at all.
      const res = await h.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        headers: { 'user-agent': 'sessiond-cli/1.0' },
        payload: { email: e, password: PASSWORD, transport: 'bearer', client_id: 'cli' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.cookies.find((c) => c.name === COOKIE)).toBeUndefined();
      const { token, session } = res.json();
      expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expect(session.client).toEqual({ id: 'cli', name: 'Command line', kind: 'cli' });
      const me = await h.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } });
      expect(me.json().session.id).toBe(session.id);
    });

    it('issues a different token every time', async () => {
      const e = email('fresh');
      await h.signUp(e);
      const tokens = new Set<string>();
      for (let i = 0; i < 5; i++) tokens.add(await h.bearerSignIn(e));
      expect(tokens.size).toBe(5);
    });

    it('refuses an unknown client_id (400 unknown_client) without creating a session', async () => {
      const e = email('client');
      await h.signUp(e);
      expectError(await signIn(h, { email: e, password: PASSWORD, client_id: 'evil-app' }), 400, 'unknown_client');
      const user = await h.registry.store.findUserByEmailKey(e);
      expect(await h.registry.store.listActiveSessions(user!.id, h.clock.now())).toEqual([]);
    });

    it('answers an unknown email and a wrong password identically (401 invalid_credentials)', async () => {
      const e = email('enum');
      await h.signUp(e);
      const unknown = await signIn(h, { email: email('nobody'), password: PASSWORD });
      const wrong = await signIn(h, { email: e, password: 'wrong password for sure' });
      expectError(unknown, 401, 'invalid_credentials');
      expect(wrong.statusCode).toBe(unknown.statusCode);
      expect(wrong.body).toBe(unknown.body);
      expect(setCookies(wrong).some((c) => c.startsWith(`${COOKIE}=`))).toBe(false);
      expect(setCookies(unknown).some((c) => c.startsWith(`${COOKIE}=`))).toBe(false);
    });

    it('never adopts an attacker-chosen cookie value (session fixation)', async () => {
      const e = email('fixation');
      await h.signUp(e);
      const forced = 'AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
      const res = await signIn(h, { email: e, password: PASSWORD }, { cookie: `${COOKIE}=${forced}` });
      expect(res.statusCode).toBe(200);
      const issued = res.cookies.find((c) => c.name === COOKIE)!.value;
      expect(issued).not.toBe(forced);
      expect(res.json().session.id).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');
      const replay = await h.request({ method: 'GET', url: '/v1/me/session', headers: { cookie: `${COOKIE}=${forced}` } });
      expectError(replay, 401, 'unauthenticated');
    });

    it('signing in again in the same browser ends the previous cookie session', async () => {
      const e = email('again');
      await h.signUp(e);
      const first = await h.browserSignIn(e);
      const res = await signIn(h, { email: e, password: PASSWORD }, { cookie: `${COOKIE}=${first.cookie}` });
      expect(res.statusCode).toBe(200);
      const second = res.cookies.find((c) => c.name === COOKIE)!.value;
      expect(second).not.toBe(first.cookie);
      expectError(await first.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      const now = await h.request({ method: 'GET', url: '/v1/me/session', headers: { cookie: `${COOKIE}=${second}` } });
      expect(now.statusCode).toBe(200);
      const list = await h.request({ method: 'GET', url: '/v1/me/sessions', headers: { cookie: `${COOKIE}=${second}` } });
      expect(list.json().sessions.map((s: { id: string }) => s.id)).toEqual([res.json().session.id]);
    });

    it('treats NFC and NFD spellings and case of an email as the same account', async () => {
      const nfc = `zoë-${++n}@exämple.com`.normalize('NFC');
      expect((await h.signUp(nfc)).statusCode).toBe(201);
      const nfd = nfc.normalize('NFD').toUpperCase();
      expect(nfd).not.toBe(nfc);
      expectError(await h.signUp(nfd), 409, 'email_taken');
      const res = await signIn(h, { email: nfd, password: PASSWORD });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.email).toBe(nfc);
    });
  });

  describe('rate limits', () => {
    let limited: Harness;
    beforeAll(async () => {
      limited = await harness(engine, { signInAccountLimit: '3/15m', signInIpLimit: '5/15m' });
    });
    afterAll(async () => {
      await limited?.close();
    });

    const attempt = (e: string, password: string, ip: string) =>
      limited.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        headers: { origin: ORIGIN, 'x-forwarded-for': ip },
        payload: { email: e, password },
      });

    it('per account: after 3 failures even the right password is refused with 429 and Retry-After, from any IP', async () => {
      const e = email('victim');
      await limited.signUp(e);
      for (let i = 0; i < 3; i++) expectError(await attempt(e, 'wrong password guess', `198.51.100.${i + 1}`), 401, 'invalid_credentials');
      const refused = await attempt(e, PASSWORD, '198.51.100.50');
      expectError(refused, 429, 'rate_limited');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(setCookies(refused).some((c) => c.startsWith(`${COOKIE}=`))).toBe(false);
      // Another account is not affected.
      const other = email('bystander');
      await limited.signUp(other);
      expect((await attempt(other, PASSWORD, '198.51.100.51')).statusCode).toBe(200);
      // Once the window has passed, the right password works again.
      limited.clock.advance(retryAfter * 1000 + 1000);
      expect((await attempt(e, PASSWORD, '198.51.100.52')).statusCode).toBe(200);
    });

    it('per account: a good sign-in clears the failure count', async () => {
      const e = email('clears');
      await limited.signUp(e);
      for (let i = 0; i < 2; i++) await attempt(e, 'wrong password guess', '198.51.100.60');
      expect((await attempt(e, PASSWORD, '198.51.100.61')).statusCode).toBe(200);
      for (let i = 0; i < 2; i++) await attempt(e, 'wrong password guess', '198.51.100.62');
      expect((await attempt(e, PASSWORD, '198.51.100.63')).statusCode).toBe(200);
    });

    it('per IP: after 5 attempts from one IP even a good sign-in is refused; other IPs are not', async () => {
      const ip = '203.0.113.77';
      const accounts = [email('ip1'), email('ip2')];
      for (const a of accounts) await limited.signUp(a);
      for (let i = 0; i < 5; i++) expect((await attempt(accounts[i % 2]!, PASSWORD, ip)).statusCode).toBe(200);
      const refused = await attempt(accounts[0]!, PASSWORD, ip);
      expectError(refused, 429, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await attempt(accounts[0]!, PASSWORD, '203.0.113.78')).statusCode).toBe(200);
      limited.clock.advance(15 * 60_000 + 1000);
      expect((await attempt(accounts[0]!, PASSWORD, ip)).statusCode).toBe(200);
    });
  });

  describe('POST /v1/auth/sign-out', () => {
    it('ends the cookie session (204), clears the cookie, and the cookie is dead on the next request', async () => {
      const e = email('out');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const res = await b.request({ method: 'POST', url: '/v1/auth/sign-out' });
      expect(res.statusCode).toBe(204);
      const cleared = setCookies(res)
        .map(cookieAttributes)
        .find((c) => c.name === COOKIE);
      expect(cleared?.value).toBe('');
      expect(cleared?.attrs.get('max-age')).toBe('0');
      expectError(await b.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expectError(await b.request({ method: 'GET', url: '/v1/me/sessions' }), 401, 'unauthenticated');
      expect((await h.registry.store.findSession(b.sessionId))?.session.revokedAt).not.toBeNull();
    });

    it("ends a bearer session without touching the user's other sessions", async () => {
      const e = email('out-bearer');
      await h.signUp(e);
      const browser = await h.browserSignIn(e);
      const token = await h.bearerSignIn(e);
      const auth = { authorization: `Bearer ${token}` };
      expect((await h.request({ method: 'POST', url: '/v1/auth/sign-out', headers: auth })).statusCode).toBe(204);
      expectError(await h.request({ method: 'GET', url: '/v1/me/session', headers: auth }), 401, 'unauthenticated');
      expect((await browser.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
    });

    it('answers 401 unauthenticated without a session, and twice in a row', async () => {
      expectError(await h.request({ method: 'POST', url: '/v1/auth/sign-out' }), 401, 'unauthenticated');
      const e = email('twice');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      expect((await b.request({ method: 'POST', url: '/v1/auth/sign-out' })).statusCode).toBe(204);
      expectError(await b.request({ method: 'POST', url: '/v1/auth/sign-out' }), 401, 'unauthenticated');
    });
  });

  describe('logs', () => {
    it('never contain an issued token, a secret or a password', async () => {
      const log = await harness(engine);
      try {
        const secrets: string[] = [];
        const e = email('logs');
        const pw = 'a very secret password 8472';
        const newPw = 'another very secret password 1937';
        secrets.push(pw, newPw);
        await log.signUp(e, pw);
        const b = await log.browserSignIn(e, { password: pw });
        secrets.push(b.cookie, b.cookie.split('.')[1]!);
        const signIn2 = await log.request({
          method: 'POST',
          url: '/v1/auth/sign-in',
          payload: { email: e, password: pw, transport: 'bearer', client_id: 'cli' },
        });
        const token = signIn2.json().token as string;
        secrets.push(token, token.split('.')[1]!);
        await log.request({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password: 'wrong but secret 5531' } });
        secrets.push('wrong but secret 5531');
        await log.request({ method: 'GET', url: '/v1/me/sessions', headers: { authorization: `Bearer ${token}` } });
        await b.request({
          method: 'POST',
          url: '/v1/me/password',
          payload: { current_password: pw, new_password: newPw, sign_out_others: false },
        });
        await b.request({ method: 'POST', url: '/v1/me/sessions/revoke-others' });
        await log.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } });
        await log.request({
          method: 'GET',
          url: '/v1/me/session',
          headers: { authorization: `Bearer ${token}`, cookie: `${COOKIE}=${b.cookie}x` },
        });
        await b.request({ method: 'POST', url: '/v1/auth/sign-out' });
        const text = log.logs.join('');
        expect(text).toContain('signed in'); // the capture works: events are logged
        for (const s of secrets) expect(text, `log contains ${s}`).not.toContain(s);
      } finally {
        await log.close();
      }
    });
  });
});
