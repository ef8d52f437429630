/**
 * The Active sessions page and sign-in in a real Chromium, against the real server process.
 * One server (SQLite in memory) and one browser for the file; each "device" is its own browser
 * context (own cookies), with its own user agent and, through X-Forwarded-For from a trusted
 * proxy, its own public IP so locations are real lookups. The tests run in order and share the
 * account: later steps depend on earlier sign-ins, the way one person's afternoon would. A second
 * account loses a phone signed in through the mobile app and replaces it from the page.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  screenshot,
  SPAWN_HOOK_TIMEOUT_MS,
  launchChromium,
  lowContrastText,
  newDevice as openDevice,
  signUp,
  startSessiond,
  type RunningServer,
} from './support.js';

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a different and longer passphrase';

// Public addresses whose DB-IP city is stable: London, Paris, Montreal, Sydney.
const IP_LONDON = '81.2.69.142';
const IP_PARIS = '89.2.0.1';
const IP_MONTREAL = '24.48.0.1';
const IP_SYDNEY = '1.1.1.1';

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;

/** Starts `sessiond serve` on a free port and resolves with the URL it prints. */
async function api(pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(baseUrl + pathname, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl, ...headers },
    body: JSON.stringify(body),
  });
}

const newDevice = (kind: 'windows' | 'iphone', ip: string) => openDevice(browser!, kind, ip);

async function signIn(page: Page, password = PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const sessionList = (page: Page) => page.getByRole('list', { name: /Signed-in sessions/ });
/** Sessions, not devices: a device with several sessions is an item holding their list. */
const rows = (page: Page) =>
  sessionList(page)
    .getByRole('listitem')
    .filter({ hasNot: page.getByRole('list') });

/** Waits for the list to show `n` rows (it refreshes on focus; the page may still be loading). */
async function expectRows(page: Page, n: number): Promise<void> {
  await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(n);
}

async function activeElementLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });
}

beforeAll(async () => {
  server = await startSessiond({ trustProxy: true });
  baseUrl = server.url;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Ada Lovelace' });
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('sign-in and Active sessions in Chromium', () => {
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };

  it('sends a signed-out visitor to sign-in, shows bad credentials in words, then returns to the page', async () => {
    a = await newDevice('windows', IP_LONDON);
    const { page } = a;
    await page.goto(`${baseUrl}/settings/security/sessions`);
    await page.waitForURL(/\/sign-in\?/);
    expect(new URL(page.url()).searchParams.get('next')).toBe('/settings/security/sessions');
    await page.getByText('Sign in to continue.').waitFor();

    await signIn(page, 'not the right password at all');
    // The reason is tied to the password field, which is cleared and focused for another try.
    const password = page.getByLabel('Password', { exact: true });
    await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => password.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await password.inputValue()).toBe('');
    const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`#${describedBy.split(' ')[0]}`).textContent()).toContain('The email or password is incorrect.');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await lowContrastText(page)).bad, `sign-in page contrast, ${scheme}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await signIn(page);
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    await expectRows(page, 1);
  });

  it('lists both devices with the right names, this device first, after a second sign-in', async () => {
    b = await newDevice('iphone', IP_PARIS);
    await b.page.goto(`${baseUrl}/sign-in`);
    await signIn(b.page);
    await b.page.waitForURL(`${baseUrl}/settings/security/sessions`);

    const { page } = a;
    await page.evaluate(() => window.dispatchEvent(new Event('focus'))); // as when the window regains focus
    await expectRows(page, 2);
    const [first, second] = [rows(page).nth(0), rows(page).nth(1)];
    const firstText = (await first.textContent()) ?? '';
    const secondText = (await second.textContent()) ?? '';
    expect(firstText).toContain('This device');
    expect(firstText).toMatch(/Windows/);
    expect(firstText).toMatch(/Chrome/);
    expect(firstText).toContain('near London, GB');
    expect(firstText).toContain('(approximate)');
    expect(secondText).not.toContain('This device');
    expect(secondText).toMatch(/iPhone|iOS/);
    expect(secondText).toMatch(/Safari/);
    expect(secondText).toContain('near Paris, FR');
    expect(secondText).toContain(IP_PARIS);
    // The boundary text comes from the server's configuration.
    const config = (await (await fetch(`${baseUrl}/v1/ui/config`)).json()) as { sessions_page: { covers: string; excludes: string } };
    await page.getByText(config.sessions_page.covers).waitFor();
    await page.getByText(config.sessions_page.excludes).waitFor();
    await page.getByRole('link', { name: 'IP Geolocation by DB-IP' }).waitFor();

    // And the phone sees itself first.
    await expectRows(b.page, 2);
    expect(await rows(b.page).nth(0).textContent()).toContain('This device');
    expect(await rows(b.page).nth(0).textContent()).toContain('near Paris, FR');
  });

  it('signs the phone out from the desktop with the keyboard alone: Tab, Enter, Escape, focus returns', async () => {
    const { page } = a;
    const phoneButton = /^Sign out .*Paris/;
    // Tab through the page from the top until the phone row's button has focus.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = phoneButton.test(await activeElementLabel(page));
    }
    expect(found, 'Tab reaches the Sign out button of the phone row').toBe(true);
    // The focus is visible.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');

    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Sign out this session\?.*near Paris, FR.*will be signed out right away/);
    expect(await activeElementLabel(page)).toBe('Cancel');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => activeElementLabel(page)).toMatch(phoneButton);

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    expect(await activeElementLabel(page)).toBe('Sign out');
    await page.keyboard.press('Enter');
    // The notice names what was signed out: the phone, by its device and app.
    await page.getByText(/^Signed out iPhone · .+\.$/).waitFor();
    await expectRows(page, 1);
    // The row is gone, so focus goes to the list heading rather than getting lost.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('sessions-heading');
  });

  it('sends the phone to sign-in on its next action, and back where it was going after', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'Password' }).click();
    await page.waitForURL(/\/sign-in\?/);
    await page.getByText(/You were signed out/).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/settings/security/password');

    await signIn(page);
    await page.waitForURL(`${baseUrl}/settings/security/password`);
  });

  it('changing the password on the desktop ends the phone’s session', async () => {
    const { page } = a;
    await page.getByRole('link', { name: 'Password' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/password`);
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('too short');
    expect(await page.getByLabel('Sign out of all other sessions').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Change password' }).click();
    // The server's policy explains itself, under the new password, which takes focus.
    const weak = page.locator('#new-password-error');
    await weak.waitFor();
    expect(((await weak.textContent()) ?? '').length).toBeGreaterThan('Too short.'.length);
    expect(await page.getByLabel('New password').evaluate((el) => el === document.activeElement)).toBe(true);

    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed and every other session was signed out.').waitFor();

    // The phone, still on the password page, finds out on its next request.
    await b.page.getByRole('link', { name: 'Active sessions' }).click();
    await b.page.waitForURL(/\/sign-in\?/);
    // It says why: the 401 of a session ended by a password change says so.
    await b.page.getByText('This session ended because your password was changed. Sign in with the new password to continue.').waitFor();
    await signIn(b.page, PASSWORD);
    await b.page.locator('#password-error').getByText('The email or password is incorrect.').waitFor();
    await signIn(b.page, NEW_PASSWORD);
    await b.page.waitForURL(`${baseUrl}/settings/security/sessions`);
  });

  it('shows the page with several sessions at 1280 and 375 px, light and dark, in AA contrast (and screenshots it)', async () => {
    // More sessions from the other first-party apps, made the way those apps sign in.
    const others: [string, Record<string, unknown>, string][] = [
      ['desktop', { name: 'Ada’s MacBook Pro', model: 'MacBookPro18,1', os: 'macOS 15' }, IP_MONTREAL],
      ['cli', { name: 'build-server', os: 'Linux' }, IP_SYDNEY],
    ];
    for (const [clientId, device, ip] of others) {
      const res = await api(
        '/v1/auth/sign-in',
        { email: EMAIL, password: NEW_PASSWORD, client_id: clientId, device, transport: 'bearer' },
        { 'X-Forwarded-For': ip },
      );
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const shots: [Page, string][] = [
      [a.page, '1280'],
      [b.page, '375'],
    ];
    for (const [page, width] of shots) {
      await page.goto(`${baseUrl}/settings/security/sessions`);
      await expectRows(page, 4);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await screenshot(page, `sessions-${width}-${scheme}`);
        const contrast = await lowContrastText(page);
        expect(contrast.checked).toBeGreaterThan(40);
        expect(contrast.bad, `text below WCAG AA contrast at ${width} px, ${scheme}`).toEqual([]);
      }
      await page.emulateMedia({ colorScheme: 'light' });
    }
    // Nothing wider than the phone's screen: no sideways scrolling at 375 px.
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });

  it('signs out everywhere from the desktop and lands on sign-in; the phone is out too', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('All 4 sessions, including this device, will be signed out');
    await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(/\/sign-in\?/);
    await page.getByText('You signed out everywhere: 4 sessions ended.').waitFor();

    await b.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await b.page.waitForURL(/\/sign-in\?/);
    await b.page.getByText(/You were signed out/).waitFor();
  });

  it('has a Sign out button on signed-in pages', async () => {
    const { page } = b;
    await signIn(page, NEW_PASSWORD);
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${baseUrl}/sign-in?notice=signed_out`);
    await page.getByText('You signed out.').waitFor();
    const me = await page.evaluate(async () => (await fetch('/v1/me/session')).status);
    expect(me).toBe(401);
    await a.context.close();
    await b.context.close();
  });
});

describe('a lost phone, from the Active sessions page in Chromium', () => {
  const LOST = 'lin@example.com';
  const PHONE = 'Lin’s Pixel 8';

  /** A sign-in of the mobile app on the phone (bearer tokens, the same device id each time). */
  async function phoneSignIn(): Promise<string> {
    const res = await api(
      '/v1/auth/sign-in',
      {
        email: LOST,
        password: PASSWORD,
        client_id: 'mobile',
        transport: 'bearer',
        device: { id: 'lin-pixel-8-0000000001', name: PHONE, model: 'Pixel 8', os: 'Android 15' },
      },
      { 'X-Forwarded-For': IP_PARIS },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { token: string }).token;
  }

  const sessionWith = (token: string) => fetch(`${baseUrl}/v1/me/session`, { headers: { Authorization: `Bearer ${token}` } });

  it('ends every session of the phone with the keyboard at 375 px; the phone’s tokens are refused after', async () => {
    await signUp(baseUrl, { email: LOST, password: PASSWORD, name: 'Lin' });
    // The app signed in twice on the phone (say, after a reinstall): two sessions, one device.
    const tokens = [await phoneSignIn(), await phoneSignIn()];
    for (const token of tokens) expect((await sessionWith(token)).status).toBe(200);

    const desk = await newDevice('windows', IP_LONDON);
    const { page } = desk;
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(LOST);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    await expectRows(page, 3);
    // Three actions fit a row at 375 px: nothing scrolls sideways, and every text keeps AA contrast.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect((await lowContrastText(page)).bad).toEqual([]);
    // Not offered for the device in use.
    expect(
      await rows(page)
        .nth(0)
        .getByRole('button', { name: /^Lost this device\?/ })
        .count(),
    ).toBe(0);

    // Its two sessions are listed under the phone's heading, which offers the device's sign-out once.
    const lostButton = new RegExp(`^Sign out of device: ${PHONE} \\(2 sessions\\)`);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let found = false;
    for (let i = 0; i < 50 && !found; i++) {
      await page.keyboard.press('Tab');
      found = lostButton.test(await activeElementLabel(page));
    }
    expect(found, 'Tab reaches "Sign out of device" on the phone’s heading').toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');

    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Sign out of ${PHONE}?` });
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('All 2 of its sessions are signed out right away, and any other session on that device.');
    expect(text).toContain('signing in on it again takes two-step verification');
    expect(await activeElementLabel(page)).toBe('Cancel');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.keyboard.press('Tab');
    expect(await activeElementLabel(page)).toBe('Sign out that device');
    await page.keyboard.press('Enter');

    await page.getByText('Signed out 2 sessions on that device.').waitFor();
    await expectRows(page, 1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('sessions-heading');
    // The phone's tokens no longer work; this browser's session still does.
    for (const token of tokens) expect((await sessionWith(token)).status).toBe(401);
    expect(await page.evaluate(async () => (await fetch('/v1/me/session')).status)).toBe(200);
    await desk.context.close();
  });
});
