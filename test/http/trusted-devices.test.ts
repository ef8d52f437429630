/**
 * "Remember this device" at the code step, each trust's expiry on the sessions list, and the
 * trusted-device list of the two-step verification page (issue 14, item 4).
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { browserWith, harness, IP, ORIGIN, PASSWORD, UA, type Harness } from '../support/harness.js';

const COOKIE = '__Host-sessiond';
const DEVICE_COOKIE = '__Host-sessiond-device';
const DAY = 86_400_000;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

describe.each(ENGINES)('trusted devices, remembered at the code step and listed (%s)', (engine) => {
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

  /** A browser (its device cookie kept between sign-ins) going through both steps. */
  async function browserTwoSteps(
    e: string,
    secret: string,
    extra: Record<string, unknown>,
    options: { ua?: string; device?: string } = {},
  ) {
    const headers = { origin: ORIGIN, 'user-agent': options.ua ?? UA.macChrome, 'x-forwarded-for': IP.london };
    const jar = options.device === undefined ? {} : { cookie: `${DEVICE_COOKIE}=${options.device}` };
    const first = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { ...headers, ...jar },
      payload: { email: e, password: PASSWORD },
    });
    expect(first.statusCode, first.body).toBe(200);
    if (first.json().mfa_required !== true) return { first, second: null, device: options.device ?? null };
    const second = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in/mfa',
      headers: { ...headers, ...jar },
      payload: { mfa_token: first.json().mfa_token, code: codeFor(secret), ...extra },
    });
    h.clock.advance(30_000);
    const device = second.cookies.find((c) => c.name === DEVICE_COOKIE)?.value ?? options.device ?? null;
    return { first, second, device };
  }

  const browserOf = (res: { cookies: { name: string; value: string }[] }, device: string) =>
    browserWith(res.cookies.find((c) => c.name === COOKIE)!.value, h.request, [`${DEVICE_COOKIE}=${device}`]);

  it('the password step says how long a remembered device stays trusted', async () => {
    const { e, secret } = await enrolled('days');
    const { first } = await browserTwoSteps(e, secret, {});
    expect(first.json()).toMatchObject({ mfa_required: true, remember_device_days: 30 });
  });

  it('"Remember this device" at the code step trusts the browser for 30 days: the next sign-in skips the code', async () => {
    const { e, secret } = await enrolled('remember');
    const signedInAt = h.clock.now();
    const { second, device } = await browserTwoSteps(e, secret, { remember_device: true });
    expect(second!.statusCode, second!.body).toBe(200);
    const until = new Date(signedInAt + 30 * DAY).toISOString();
    expect(second!.json().session).toMatchObject({ auth_method: 'mfa', trusted: true, trusted_until: until });
    expect(second!.json().device_token).toBeUndefined();

    // The sessions list shows the trust's end.
    const list = await browserOf(second!, device!).request({ method: 'GET', url: '/v1/me/sessions' });
    expect(list.json().sessions[0]).toMatchObject({ current: true, trusted: true, trusted_until: until });

    const again = await browserTwoSteps(e, secret, {}, { device: device! });
    expect(again.second).toBeNull();
    expect(again.first.json().session).toMatchObject({ auth_method: 'password', trusted: true, trusted_until: until });
  });

  it('without it the device is not trusted, and anything but a boolean is refused', async () => {
    const { e, secret } = await enrolled('forget');
    const { second, device } = await browserTwoSteps(e, secret, { remember_device: false });
    expect(second!.json().session).toMatchObject({ trusted: false, trusted_until: null });
    expect((await browserTwoSteps(e, secret, {}, { device: device! })).second).not.toBeNull();

    const first = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { origin: ORIGIN, 'user-agent': UA.macChrome },
      payload: { email: e, password: PASSWORD },
    });
    const bad = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in/mfa',
      headers: { origin: ORIGIN, 'user-agent': UA.macChrome },
      payload: { mfa_token: first.json().mfa_token, code: codeFor(secret), remember_device: 'yes' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('a native app that asks to be remembered gets its device token, which skips the code', async () => {
    const { e, secret } = await enrolled('native');
    const headers = { 'user-agent': 'sessiond-desktop/2.1 (macOS 14.4)', 'x-forwarded-for': IP.london };
    const body = {
      email: e,
      password: PASSWORD,
      transport: 'bearer',
      client_id: 'desktop',
      device: { id: 'macbook-pro-ada', name: 'Ada’s MacBook Pro' },
    };
    const first = await h.request({ method: 'POST', url: '/v1/auth/sign-in', headers, payload: body });
    const second = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in/mfa',
      headers,
      payload: { mfa_token: first.json().mfa_token, code: codeFor(secret), remember_device: true },
    });
    expect(second.statusCode, second.body).toBe(200);
    const token = second.json().device_token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(second.json().session).toMatchObject({ trusted: true });
    const skip = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers,
      payload: { ...body, device: { ...body.device, trust_token: token } },
    });
    expect(skip.json().session, skip.body).toMatchObject({ auth_method: 'password', trusted: true });
  });

  it('lists the trusted devices with name, app, since and until; stopping trust in another needs recent authentication', async () => {
    const { e, secret } = await enrolled('list');
    const since = h.clock.now();
    const mac = await browserTwoSteps(e, secret, { remember_device: true }, { ua: UA.macChrome });
    h.clock.advance(DAY);
    const win = await browserTwoSteps(e, secret, { remember_device: true }, { ua: UA.windowsChrome });
    const winBrowser = browserOf(win.second!, win.device!);

    const list = await winBrowser.request({ method: 'GET', url: '/v1/me/trusted-devices' });
    expect(list.statusCode, list.body).toBe(200);
    const devices = list.json().devices as Array<Record<string, unknown>>;
    expect(devices).toHaveLength(2);
    expect(devices[0]).toMatchObject({ current: true, client: { id: 'web', name: 'Web' } });
    expect(devices[1]).toMatchObject({
      current: false,
      client: { id: 'web', name: 'Web' },
      trusted_since: new Date(since).toISOString(),
      trusted_until: new Date(since + 30 * DAY).toISOString(),
    });
    expect(String(devices[1]!.name)).toMatch(/Mac/);
    // Device ids (a browser's is the hash of its device cookie) never leave the server.
    const stored = (
      await h.registry.mfa.listTrustedDevices((await winBrowser.request({ method: 'GET', url: '/v1/me/session' })).json().user.id)
    ).map((d) => d.deviceId);
    for (const id of stored) expect(list.body).not.toContain(id);

    // Another device, past the re-authentication window: 403 and nothing changes.
    h.clock.advance(11 * 60_000);
    const macId = devices[1]!.id as string;
    const refused = await winBrowser.request({ method: 'DELETE', url: `/v1/me/trusted-devices/${macId}` });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('reauth_required');
    expect((await winBrowser.request({ method: 'GET', url: '/v1/me/trusted-devices' })).json().devices).toHaveLength(2);

    const reauth = await winBrowser.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: PASSWORD } });
    expect(reauth.statusCode, reauth.body).toBe(200);
    const done = await winBrowser.request({ method: 'DELETE', url: `/v1/me/trusted-devices/${macId}` });
    expect(done.statusCode, done.body).toBe(204);
    expect((await winBrowser.request({ method: 'GET', url: '/v1/me/trusted-devices' })).json().devices).toMatchObject([{ current: true }]);
    // The Mac is asked for a code again.
    expect((await browserTwoSteps(e, secret, {}, { ua: UA.macChrome, device: mac.device! })).second).not.toBeNull();

    // This device, long after signing in: no re-authentication needed.
    h.clock.advance(11 * 60_000);
    const own = (await winBrowser.request({ method: 'GET', url: '/v1/me/trusted-devices' })).json().devices[0].id as string;
    expect((await winBrowser.request({ method: 'DELETE', url: `/v1/me/trusted-devices/${own}` })).statusCode).toBe(204);
    expect((await winBrowser.request({ method: 'GET', url: '/v1/me/trusted-devices' })).json().devices).toEqual([]);
    const sessions = (await winBrowser.request({ method: 'GET', url: '/v1/me/sessions' })).json().sessions;
    expect(sessions[0]).toMatchObject({ current: true, trusted: false, trusted_until: null });
  });

  it("another person's device, or an id that names nothing: 404", async () => {
    const a = await enrolled('owner');
    const b = await enrolled('other');
    const aSignIn = await browserTwoSteps(a.e, a.secret, { remember_device: true });
    const bSignIn = await browserTwoSteps(b.e, b.secret, {});
    const aId = (await browserOf(aSignIn.second!, aSignIn.device!).request({ method: 'GET', url: '/v1/me/trusted-devices' })).json()
      .devices[0].id as string;
    const bBrowser = browserOf(bSignIn.second!, bSignIn.device!);
    expect((await bBrowser.request({ method: 'DELETE', url: `/v1/me/trusted-devices/${aId}` })).statusCode).toBe(404);
    expect((await bBrowser.request({ method: 'DELETE', url: '/v1/me/trusted-devices/nothing-here' })).statusCode).toBe(404);
    expect(
      (await browserOf(aSignIn.second!, aSignIn.device!).request({ method: 'GET', url: '/v1/me/trusted-devices' })).json().devices,
    ).toHaveLength(1);
  });
});
