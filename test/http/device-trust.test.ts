/**
 * Trusted devices rest on a secret the server issued (outside review "Hardening", finding 2):
 * a native app's `device.id` is chosen by the app, so it proves nothing on its own. Trust is
 * honoured only with the device token given when the device was trusted, from the same client.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { harness, IP, ORIGIN, PASSWORD, UA, type Harness } from '../support/harness.js';

const COOKIE = '__Host-sessiond';
const DEVICE_COOKIE = '__Host-sessiond-device';
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

describe.each(ENGINES)('device trust rests on a server-issued secret (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine, { signInAccountLimit: '50/15m' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const codeFor = (secret: string) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: h.clock.now() });

  async function enrolled(tag: string): Promise<{ e: string; secret: string }> {
    const e = email(tag);
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const { secret } = (await b.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} })).json();
    const confirm = await b.request({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code: codeFor(secret) } });
    expect(confirm.statusCode, confirm.body).toBe(200);
    h.clock.advance(30_000);
    return { e, secret };
  }

  const native = (e: string, extra: Record<string, unknown>, headers: Record<string, string> = {}) =>
    h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { 'user-agent': 'sessiond-desktop/2.1 (macOS 14.4)', 'x-forwarded-for': IP.london, ...headers },
      payload: { email: e, password: PASSWORD, transport: 'bearer', client_id: 'desktop', ...extra },
    });

  /** The desktop app signs in with its code and trusts its device: the answer carries the device token. */
  async function trustedDesktop(e: string, secret: string): Promise<string> {
    const first = await native(e, { device: { id: 'macbook-pro-ada', name: 'Ada’s MacBook Pro' } });
    expect(first.json().mfa_required, first.body).toBe(true);
    const second = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in/mfa',
      headers: { 'user-agent': 'sessiond-desktop/2.1 (macOS 14.4)', 'x-forwarded-for': IP.london },
      payload: { mfa_token: first.json().mfa_token, code: codeFor(secret) },
    });
    expect(second.statusCode, second.body).toBe(200);
    h.clock.advance(30_000);
    const trust = await h.request({
      method: 'POST',
      url: '/v1/me/devices/current/trust',
      headers: { authorization: `Bearer ${second.json().token}` },
      payload: {},
    });
    expect(trust.statusCode, trust.body).toBe(200);
    return trust.json().device_token as string;
  }

  it('a native device.id alone does not skip the code, from another client, address and user agent', async () => {
    const { e, secret } = await enrolled('forged-id');
    await trustedDesktop(e, secret);
    const forged = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { 'user-agent': 'curl/8.5.0', 'x-forwarded-for': IP.mountainView },
      payload: { email: e, password: PASSWORD, transport: 'bearer', client_id: 'cli', device: { id: 'macbook-pro-ada' } },
    });
    expect(forged.statusCode, forged.body).toBe(200);
    expect(forged.json().mfa_required).toBe(true);
    // The same app without its token is asked too.
    expect((await native(e, { device: { id: 'macbook-pro-ada' } })).json().mfa_required).toBe(true);
  });

  it('the device token skips the code for the client it was granted to, and only for it', async () => {
    const { e, secret } = await enrolled('device-token');
    const token = await trustedDesktop(e, secret);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);

    const skip = await native(e, { device: { id: 'macbook-pro-ada', trust_token: token } });
    expect(skip.statusCode, skip.body).toBe(200);
    expect(skip.json().session).toMatchObject({ auth_method: 'password', trusted: true });

    // Another client with the stolen token, another device id, or a token one letter off: a code.
    expect((await native(e, { client_id: 'cli', device: { id: 'macbook-pro-ada', trust_token: token } })).json().mfa_required).toBe(true);
    expect((await native(e, { device: { id: 'other-device-01', trust_token: token } })).json().mfa_required).toBe(true);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await native(e, { device: { id: 'macbook-pro-ada', trust_token: flipped } })).json().mfa_required).toBe(true);
    expect((await native(e, { device: { id: 'macbook-pro-ada', trust_token: 'not-a-token' } })).json().mfa_required).toBe(true);
  });

  it('a browser’s trust is bound to the browser client, and its device cookie is stored hashed', async () => {
    const { e, secret } = await enrolled('browser-trust');
    const first = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { origin: ORIGIN, 'user-agent': UA.macChrome, 'x-forwarded-for': IP.london },
      payload: { email: e, password: PASSWORD },
    });
    const second = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in/mfa',
      headers: { origin: ORIGIN, 'user-agent': UA.macChrome, 'x-forwarded-for': IP.london },
      payload: { mfa_token: first.json().mfa_token, code: codeFor(secret) },
    });
    expect(second.statusCode, second.body).toBe(200);
    h.clock.advance(30_000);
    const session = second.cookies.find((c) => c.name === COOKIE)!.value;
    const device = second.cookies.find((c) => c.name === DEVICE_COOKIE)!.value;
    const trust = await h.request({
      method: 'POST',
      url: '/v1/me/devices/current/trust',
      headers: { origin: ORIGIN, cookie: `${COOKIE}=${session}; ${DEVICE_COOKIE}=${device}` },
      payload: {},
    });
    expect(trust.statusCode, trust.body).toBe(200);
    expect(trust.json().device_token).toBeUndefined();

    // The database holds no device cookie in clear: neither the session's device nor the trusted device.
    const stored = (await h.registry.store.findSession(session.split('.')[0]!))!.session;
    expect(stored.deviceId).not.toBeNull();
    expect(stored.deviceId).not.toBe(device);
    expect([...(await h.registry.mfa.trustedDeviceIds(stored.userId))]).toEqual([stored.deviceId]);

    // The browser skips the code; a native app presenting the cookie value as its id does not.
    const skip = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { origin: ORIGIN, 'user-agent': UA.macChrome, 'x-forwarded-for': IP.london, cookie: `${DEVICE_COOKIE}=${device}` },
      payload: { email: e, password: PASSWORD },
    });
    expect(skip.json().session, skip.body).toMatchObject({ auth_method: 'password', trusted: true });
    expect((await native(e, { client_id: 'cli', device: { id: device } })).json().mfa_required).toBe(true);
  });
});
