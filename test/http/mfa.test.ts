/** MFA (TOTP, recovery codes), the code step at sign-in, recent authentication and trusted devices. */
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { browserWith, harness, IP, ORIGIN, PASSWORD, UA, type Browser, type Harness } from '../support/harness.js';

const COOKIE = '__Host-sessiond';
const DEVICE_COOKIE = '__Host-sessiond-device';
const MINUTE = 60_000;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

describe.each(ENGINES)('MFA and trusted devices (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine, { signInAccountLimit: '5/15m' });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A code for the step after the last one used: each step is accepted once. */
  const codeFor = (secret: string, offsetSteps = 0) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: h.clock.now() + offsetSteps * 30_000 });

  /** Signs up, signs in, enrols TOTP; returns the browser, the secret and the recovery codes. */
  async function enrolled(tag: string): Promise<{ e: string; b: Browser; secret: string; codes: string[] }> {
    const e = email(tag);
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const start = await b.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} });
    expect(start.statusCode, start.body).toBe(200);
    const { secret, otpauth_uri, qr_code } = start.json();
    expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\/sessiond:/);
    expect(qr_code).toMatch(/^data:image\/png;base64,/);
    const confirm = await b.request({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code: codeFor(secret) } });
    expect(confirm.statusCode, confirm.body).toBe(200);
    const codes = confirm.json().recovery_codes as string[];
    h.clock.advance(30_000); // the next code is a new step
    return { e, b, secret, codes };
  }

  async function passwordStep(e: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
    return h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { origin: ORIGIN, 'user-agent': UA.macChrome, 'x-forwarded-for': IP.london, ...headers },
      payload: { email: e, password: PASSWORD, ...extra },
    });
  }

  async function codeStep(token: string, code: string, headers: Record<string, string> = {}) {
    return h.request({
      method: 'POST',
      url: '/v1/auth/sign-in/mfa',
      headers: { origin: ORIGIN, 'user-agent': UA.macChrome, 'x-forwarded-for': IP.london, ...headers },
      payload: { mfa_token: token, code },
    });
  }

  /** A browser holding `cookie` (and its device cookie, when given); a rotated token replaces the one held. */
  const asBrowser = (cookie: string, device?: string): Browser =>
    browserWith(cookie, (o) => h.request(o), device ? [`${DEVICE_COOKIE}=${device}`] : []);

  it('enrols TOTP: status on, ten distinct recovery codes, the secret never shown again', async () => {
    const { b, codes } = await enrolled('enrol');
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const status = await b.request({ method: 'GET', url: '/v1/me/mfa' });
    expect(status.json()).toMatchObject({ enabled: true, recovery_codes_remaining: 10, methods: ['totp'] });
    expect(status.body).not.toMatch(/secret/);
    expectError(await b.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} }), 409, 'mfa_already_enabled');
  });

  it('refuses a wrong code at enrolment and keeps MFA off', async () => {
    const e = email('enrol-wrong');
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const { secret } = (await b.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} })).json();
    const wrong = codeFor(secret) === '000000' ? '111111' : '000000';
    expectError(await b.request({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code: wrong } }), 401, 'invalid_code');
    expect((await b.request({ method: 'GET', url: '/v1/me/mfa' })).json().enabled).toBe(false);
  });

  it('asks for a code after the password: no session, no cookie, then a session with auth_method "mfa"', async () => {
    const { e, secret } = await enrolled('two-step');
    const first = await passwordStep(e);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({
      mfa_required: true,
      mfa_token: expect.any(String),
      expires_at: expect.any(String),
      remember_device_days: 30,
      // No passkey on this account: the code step offers none.
      passkeys: false,
    });
    expect(first.cookies.find((c) => c.name === COOKIE)).toBeUndefined();
    const second = await codeStep(first.json().mfa_token, codeFor(secret));
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().session.auth_method).toBe('mfa');
    const cookie = second.cookies.find((c) => c.name === COOKIE)!.value;
    expect((await asBrowser(cookie).request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
    // The token is single use.
    h.clock.advance(30_000);
    expectError(await codeStep(first.json().mfa_token, codeFor(secret)), 401, 'mfa_token_invalid');
  });

  it('puts MFA changes and sign-ins that passed the code step on the security timeline', async () => {
    const { e, secret } = await enrolled('timeline');
    const first = await passwordStep(e, { 'x-forwarded-for': IP.mountainView });
    const second = await codeStep(first.json().mfa_token, codeFor(secret), { 'x-forwarded-for': IP.mountainView });
    const cookie = second.cookies.find((c) => c.name === COOKIE)!.value;
    const events = await asBrowser(cookie).request({ method: 'GET', url: '/v1/me/security-events' });
    expect(events.statusCode, events.body).toBe(200);
    const kinds = (events.json().events as { kind: string }[]).map((ev) => ev.kind);
    expect(kinds).toContain('mfa_enabled');
    // The code-step sign-in is assessed like any other: a new country for this account.
    expect(kinds.filter((k) => k === 'sign_in')).toHaveLength(2);
    expect(kinds).toContain('suspicious_sign_in');
  });

  it('puts new recovery codes on the timeline with the session that asked for them', async () => {
    const { b } = await enrolled('codes-timeline');
    const res = await b.request({ method: 'POST', url: '/v1/me/mfa/recovery-codes', payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    const events = await b.request({ method: 'GET', url: '/v1/me/security-events' });
    expect(events.statusCode, events.body).toBe(200);
    const [latest] = events.json().events as { kind: string; actor: { kind: string; current: boolean } }[];
    expect(latest).toMatchObject({ kind: 'recovery_codes_replaced', actor: { kind: 'session', current: true } });
  });

  it('gives a bearer token at the code step when the password step asked for one', async () => {
    const { e, secret } = await enrolled('bearer');
    const first = await passwordStep(e, { 'user-agent': 'sessiond-cli/1.0' }, { transport: 'bearer', client_id: 'cli' });
    const second = await codeStep(first.json().mfa_token, codeFor(secret), { 'user-agent': 'sessiond-cli/1.0' });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(second.json().session.client.id).toBe('cli');
  });

  it('cannot reach the code step without the password step (ASVS 2.3.1)', async () => {
    const { secret } = await enrolled('no-password');
    for (const token of ['', 'x', 'AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB']) {
      const res = await codeStep(token, codeFor(secret));
      expect([400, 401]).toContain(res.statusCode);
      expect(res.cookies.find((c) => c.name === COOKIE)).toBeUndefined();
    }
    expectError(
      await codeStep('AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', codeFor(secret)),
      401,
      'mfa_token_invalid',
    );
  });

  it('expires the password step after five minutes', async () => {
    const { e, secret } = await enrolled('expiry');
    const token = (await passwordStep(e)).json().mfa_token as string;
    h.clock.advance(5 * MINUTE + 1000);
    expectError(await codeStep(token, codeFor(secret)), 401, 'mfa_token_invalid');
  });

  it('refuses a wrong code and counts it toward the per-account limit: 429 with Retry-After, even with the right code', async () => {
    const { e, secret } = await enrolled('limit');
    const token = (await passwordStep(e)).json().mfa_token as string;
    const wrong = (c: string) => String((Number(c) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) expectError(await codeStep(token, wrong(codeFor(secret))), 401, 'invalid_code');
    const limited = await codeStep(token, codeFor(secret));
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // A right password does not clear the count: the code is what is being guessed.
    expectError(await passwordStep(e), 429, 'rate_limited');
    h.clock.advance(15 * MINUTE + 1000);
    const again = (await passwordStep(e)).json().mfa_token as string;
    expect((await codeStep(again, codeFor(secret))).statusCode).toBe(200);
  });

  it('accepts a TOTP code once: the same code again is refused', async () => {
    const { e, secret } = await enrolled('replay');
    const code = codeFor(secret);
    expect((await codeStep((await passwordStep(e)).json().mfa_token, code)).statusCode).toBe(200);
    expectError(await codeStep((await passwordStep(e)).json().mfa_token, code), 401, 'invalid_code');
  });

  it('accepts a recovery code once, in any case and spacing', async () => {
    const { e, b, codes } = await enrolled('recovery');
    const code = codes[3]!;
    const ok = await codeStep((await passwordStep(e)).json().mfa_token, ` ${code.toUpperCase()} `);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().session.auth_method).toBe('mfa');
    expectError(await codeStep((await passwordStep(e)).json().mfa_token, code), 401, 'invalid_code');
    expect((await b.request({ method: 'GET', url: '/v1/me/mfa' })).json().recovery_codes_remaining).toBe(9);
  });

  describe('recent authentication', () => {
    async function stale(tag: string) {
      const e = email(tag);
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const other = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      h.clock.advance(11 * MINUTE);
      return { e, b, other };
    }

    it('guards every sensitive route with 403 reauth_required after 10 minutes, and lets them through after a reauth', async () => {
      const { b, other } = await stale('guarded');
      const guarded = [
        { method: 'DELETE' as const, url: `/v1/me/sessions/${other.sessionId}` },
        { method: 'POST' as const, url: '/v1/me/sessions/revoke-others', payload: {} },
        { method: 'POST' as const, url: '/v1/me/sessions/revoke-all', payload: {} },
        { method: 'POST' as const, url: '/v1/me/password', payload: { current_password: PASSWORD, new_password: PASSWORD } },
        { method: 'POST' as const, url: '/v1/me/mfa/totp', payload: {} },
        { method: 'POST' as const, url: '/v1/me/mfa/totp/confirm', payload: { code: '123456' } },
        { method: 'POST' as const, url: '/v1/me/mfa/recovery-codes', payload: {} },
        { method: 'DELETE' as const, url: '/v1/me/mfa' },
      ];
      for (const r of guarded) expectError(await b.request(r), 403, 'reauth_required');
      // Nothing happened.
      expect((await other.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      // Signing out (this session) needs no reauth.
      const wrong = await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: 'not my password at all' } });
      expectError(wrong, 400, 'incorrect_password');
      const reauth = await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: PASSWORD } });
      expect(reauth.statusCode, reauth.body).toBe(200);
      expect(reauth.json().authenticated_at).toBe(new Date(h.clock.now()).toISOString());
      expect((await b.request(guarded[0]!)).statusCode).toBe(204);
      expect((await b.request(guarded[1]!)).statusCode).toBe(200);
      // The window runs from the reauth.
      h.clock.advance(11 * MINUTE);
      expectError(await b.request(guarded[1]!), 403, 'reauth_required');
    });

    it('lets a stale session sign itself out without reauth', async () => {
      const { b } = await stale('self');
      expect((await b.request({ method: 'DELETE', url: `/v1/me/sessions/${b.sessionId}` })).statusCode).toBe(204);
    });

    it('accepts a TOTP code for reauth when MFA is on, and refuses a code when it is off', async () => {
      const { b, secret } = await enrolled('reauth-code');
      h.clock.advance(11 * MINUTE);
      expectError(await b.request({ method: 'DELETE', url: '/v1/me/mfa' }), 403, 'reauth_required');
      const ok = await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { code: codeFor(secret) } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await b.request({ method: 'DELETE', url: '/v1/me/mfa' })).statusCode).toBe(204);
      expect((await b.request({ method: 'GET', url: '/v1/me/mfa' })).json().enabled).toBe(false);
      expectError(await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { code: '123456' } }), 409, 'mfa_not_enabled');
    });

    it('counts wrong reauth passwords toward the sign-in limit', async () => {
      const { b } = await stale('reauth-limit');
      for (let i = 0; i < 5; i++)
        expectError(
          await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: 'wrong password, again' } }),
          400,
          'incorrect_password',
        );
      expectError(await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: PASSWORD } }), 429, 'rate_limited');
    });
  });

  describe('trusted devices', () => {
    async function mfaBrowser(e: string, secret: string, deviceCookie?: string) {
      const headers: Record<string, string> = deviceCookie ? { cookie: `${DEVICE_COOKIE}=${deviceCookie}` } : {};
      const first = await passwordStep(e, headers);
      expect(first.json().mfa_required).toBe(true);
      const second = await codeStep(first.json().mfa_token, codeFor(secret), headers);
      expect(second.statusCode, second.body).toBe(200);
      h.clock.advance(30_000);
      const cookie = second.cookies.find((c) => c.name === COOKIE)!.value;
      const device = deviceCookie ?? second.cookies.find((c) => c.name === DEVICE_COOKIE)!.value;
      return { b: asBrowser(cookie, device), device };
    }

    it('trusts the device after an MFA sign-in; its sessions show trusted; its next sign-in skips the code', async () => {
      const { e, secret, b: passwordSession } = await enrolled('trust');
      // A password-only session cannot trust its device.
      expectError(await passwordSession.request({ method: 'POST', url: '/v1/me/devices/current/trust', payload: {} }), 403, 'aal_required');
      const { b, device } = await mfaBrowser(e, secret);
      const trust = await b.request({ method: 'POST', url: '/v1/me/devices/current/trust', payload: {} });
      expect(trust.statusCode, trust.body).toBe(200);
      expect(Date.parse(trust.json().trusted_until) - h.clock.now()).toBe(30 * 24 * 3600_000);
      const listed = (await b.request({ method: 'GET', url: '/v1/me/sessions' })).json().sessions as { id: string; trusted: boolean }[];
      expect(listed.find((s) => s.id === b.sessionId)?.trusted).toBe(true);
      expect(listed.find((s) => s.id === passwordSession.sessionId)?.trusted).toBe(false);
      expect((await b.request({ method: 'GET', url: '/v1/me/session' })).json().session.trusted).toBe(true);

      // Same device: password only. Another browser: still asked for a code.
      const skip = await passwordStep(e, { cookie: `${DEVICE_COOKIE}=${device}` });
      expect(skip.statusCode, skip.body).toBe(200);
      expect(skip.json().session).toMatchObject({ auth_method: 'password' });
      expect(skip.cookies.find((c) => c.name === COOKIE)).toBeDefined();
      expect((await passwordStep(e)).json().mfa_required).toBe(true);

      // Untrust from the list (by session id): the next sign-in asks for a code again.
      expect((await passwordSession.request({ method: 'DELETE', url: `/v1/me/sessions/${b.sessionId}/trust` })).statusCode).toBe(204);
      expect((await passwordStep(e, { cookie: `${DEVICE_COOKIE}=${device}` })).json().mfa_required).toBe(true);
      const after = (await b.request({ method: 'GET', url: '/v1/me/sessions' })).json().sessions as { id: string; trusted: boolean }[];
      expect(after.every((s) => !s.trusted)).toBe(true);
    });

    it('needs recent authentication to trust, ends trust after the period, and ends all trust when MFA is turned off', async () => {
      const { e, secret } = await enrolled('trust-period');
      const { b, device } = await mfaBrowser(e, secret);
      h.clock.advance(11 * MINUTE);
      expectError(await b.request({ method: 'POST', url: '/v1/me/devices/current/trust', payload: {} }), 403, 'reauth_required');
      await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { code: codeFor(secret) } });
      expect((await b.request({ method: 'POST', url: '/v1/me/devices/current/trust', payload: {} })).statusCode).toBe(200);
      h.clock.advance(30 * 24 * 3600_000 + 1000);
      expect((await passwordStep(e, { cookie: `${DEVICE_COOKIE}=${device}` })).json().mfa_required).toBe(true);

      const again = await mfaBrowser(e, secret, device);
      expect((await again.b.request({ method: 'POST', url: '/v1/me/devices/current/trust', payload: {} })).statusCode).toBe(200);
      expect((await again.b.request({ method: 'DELETE', url: '/v1/me/mfa' })).statusCode).toBe(204);
      const list = (await again.b.request({ method: 'GET', url: '/v1/me/sessions' })).json().sessions as { trusted: boolean }[];
      expect(list.every((s) => !s.trusted)).toBe(true);
    });

    it('answers 404 for untrusting another user’s session', async () => {
      const mine = await enrolled('trust-own');
      const e2 = email('trust-other');
      await h.signUp(e2);
      const theirs = await h.browserSignIn(e2);
      expectError(await mine.b.request({ method: 'DELETE', url: `/v1/me/sessions/${theirs.sessionId}/trust` }), 404, 'not_found');
    });
  });

  it('never logs a TOTP secret, recovery code or mfa_token', async () => {
    const { e, secret, codes } = await enrolled('logs');
    const token = (await passwordStep(e)).json().mfa_token as string;
    await codeStep(token, codes[0]!);
    const text = h.logs.join('');
    for (const s of [secret, token, ...codes]) expect(text).not.toContain(s);
  });
});
