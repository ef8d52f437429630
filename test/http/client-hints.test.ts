/**
 * The pages ask browsers for the client hints (Accept-CH), and a sign-in that carries them
 * records the device they describe: the real system version where the User-Agent froze it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_ROUTES } from '../../src/http/web/routes.js';
import { ENGINES } from '../support/databases.js';
import { harness, IP, ORIGIN, PASSWORD, UA, browserWith, type Harness } from '../support/harness.js';

const ASKED = ['Sec-CH-UA-Platform-Version', 'Sec-CH-UA-Model', 'Sec-CH-UA-Full-Version-List'];

const acceptCh = (value: unknown) =>
  String(value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);

describe('the pages ask for client hints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('sqlite');
  });
  afterAll(async () => h.close());

  it.each(PAGE_ROUTES)('%s answers with Accept-CH for the platform version, model and full version list', async (url) => {
    const res = await h.request({ method: 'GET', url, headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(acceptCh(res.headers['accept-ch'])).toEqual(expect.arrayContaining(ASKED.map((a) => a.toLowerCase())));
  });

  it('so does the Page not found document, from which the app can still lead to sign-in', async () => {
    const res = await h.request({ method: 'GET', url: '/settings/nope', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(acceptCh(res.headers['accept-ch'])).toEqual(expect.arrayContaining(ASKED.map((a) => a.toLowerCase())));
  });
});

describe.each(ENGINES)('a sign-in with client hints (%s)', (engine) => {
  let h: Harness;
  let n = 0;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => h?.close());

  async function deviceAfterSignIn(headers: Record<string, string>): Promise<Record<string, unknown>> {
    const email = `hints-${engine}-${++n}@example.com`;
    await h.signUp(email);
    const res = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { origin: ORIGIN, 'x-forwarded-for': IP.london, ...headers },
      payload: { email, password: PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === '__Host-sessiond')!.value;
    const list = await browserWith(cookie, h.request).request({ method: 'GET', url: '/v1/me/sessions' });
    expect(list.statusCode, list.body).toBe(200);
    const [session] = list.json().sessions as { device: Record<string, unknown> }[];
    return session!.device;
  }

  it('records Windows 11 and the real brand from Chrome’s hints', async () => {
    const device = await deviceAfterSignIn({
      'user-agent': UA.windowsChrome,
      'sec-ch-ua': '"Google Chrome";v="124", "Chromium";v="124", "Not-A.Brand";v="99"',
      'sec-ch-ua-mobile': '?0',
      'sec-ch-ua-platform': '"Windows"',
      'sec-ch-ua-platform-version': '"15.0.0"',
      'sec-ch-ua-full-version-list': '"Google Chrome";v="124.0.6367.91", "Chromium";v="124.0.6367.91", "Not-A.Brand";v="99.0.0.0"',
    });
    expect(device).toMatchObject({ name: 'Windows PC', os: 'Windows 11', browser: 'Chrome 124', type: 'desktop' });
  });

  it('records macOS 14 from the hints of Chrome on a Mac', async () => {
    const device = await deviceAfterSignIn({
      'user-agent': UA.macChrome,
      'sec-ch-ua': '"Google Chrome";v="124", "Chromium";v="124", "Not-A.Brand";v="99"',
      'sec-ch-ua-platform': '"macOS"',
      'sec-ch-ua-platform-version': '"14.5.0"',
    });
    expect(device).toMatchObject({ name: 'Mac', os: 'macOS 14', browser: 'Chrome 124' });
  });

  it('without hints shows the system without the version the User-Agent froze', async () => {
    expect(await deviceAfterSignIn({ 'user-agent': UA.windowsChrome })).toMatchObject({ os: 'Windows', browser: 'Chrome 124' });
    expect(await deviceAfterSignIn({ 'user-agent': UA.macChrome })).toMatchObject({ os: 'macOS', browser: 'Chrome 124' });
  });

  it('ignores malformed hints rather than failing the sign-in', async () => {
    const device = await deviceAfterSignIn({
      'user-agent': UA.windowsChrome,
      'sec-ch-ua-platform': 'Windows',
      'sec-ch-ua-platform-version': '"15.0.0',
      'sec-ch-ua-full-version-list': `"${'x'.repeat(2_000)}`,
      'sec-ch-ua-model': '"\\q"',
    });
    expect(device).toMatchObject({ name: 'Windows PC', os: 'Windows', browser: 'Chrome 124' });
  });
});
