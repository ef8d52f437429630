/**
 * A session's own page in a real Chromium against the real server process (issue 14, item 9):
 * a desktop and a phone signed in from two places; the phone is then used from a second address
 * (its proxy says so) and confirms it is its owner again; the desktop reaches the phone's page
 * from its row with the keyboard alone and reads its addresses, places and history; both pages
 * pass axe-core with 0 violations and the contrast check, light and dark, at 1280 and 375 px;
 * signing the phone out from its page leaves the page saying how it ended.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SPAWN_HOOK_TIMEOUT_MS,
  axeViolations,
  launchChromium,
  lowContrastText,
  newDevice,
  screenshot,
  signUp,
  startSessiond,
  type Device,
  type RunningServer,
} from './support.js';

const EMAIL = 'grace@example.com';
const PASSWORD = 'correct horse battery staple';
const IP_LONDON = '81.2.69.142';
const IP_PARIS = '89.2.0.1';
const IP_MONTREAL = '24.48.0.1';

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;

interface HistoryAnswer {
  session: { id: string };
  addresses: { ip: string }[];
  events: { kind: string }[];
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/settings/security/sessions`);
}

/** A same-origin call from the page, with its cookie, as the page's own code makes it. */
function call<T>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      return { status: res.status, json: res.status === 204 ? null : await res.json() };
    },
    { method, path, body },
  ) as Promise<{ status: number; json: T }>;
}

async function activeElementLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });
}

/** Tabs from the top of the page until the focused control's name matches; false if it never does. */
async function tabTo(page: Page, name: RegExp, limit = 60): Promise<boolean> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (name.test(await activeElementLabel(page))) return true;
  }
  return false;
}

/** axe-core and the contrast check, light and dark; no sideways scrolling at the page's width. */
async function checkPage(page: Page, what: string, width: number, shot?: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    if (shot !== undefined) await screenshot(page, `${shot}-${scheme}`);
    expect(await axeViolations(page), `${what}, ${scheme}`).toEqual([]);
    expect((await lowContrastText(page)).bad, `${what} contrast, ${scheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what} fits ${width} px`).toBeLessThanOrEqual(width);
}

beforeAll(async () => {
  server = await startSessiond({ trustProxy: true });
  baseUrl = server.url;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Grace Hopper' });
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("a session's own page in Chromium", () => {
  let desktop: Device;
  let phone: Device;
  let phoneId = '';

  it('records the second address a session is used from and its re-authentication', async () => {
    desktop = await newDevice(browser!, 'windows', IP_LONDON, { axe: true });
    phone = await newDevice(browser!, 'iphone', IP_PARIS, { axe: true });
    await signIn(desktop.page);
    await signIn(phone.page);

    // The phone moves on: its requests now come through the proxy from Montreal.
    await phone.context.setExtraHTTPHeaders({ 'X-Forwarded-For': IP_MONTREAL });
    await phone.page.reload();
    await phone.page.getByRole('list', { name: /Signed-in sessions/ }).waitFor();
    const reauth = await call<unknown>(phone.page, 'POST', '/v1/me/reauthenticate', { password: PASSWORD });
    expect(reauth.status).toBe(200);

    // The desktop sees it once the phone's node has written its batch (within a second or so).
    const sessions = await call<{ sessions: { id: string; current: boolean }[] }>(desktop.page, 'GET', '/v1/me/sessions');
    phoneId = sessions.json.sessions.find((s) => !s.current)!.id;
    await expect
      .poll(
        async () => (await call<HistoryAnswer>(desktop.page, 'GET', `/v1/me/sessions/${phoneId}/history`)).json.addresses.map((a) => a.ip),
        {
          timeout: 10_000,
        },
      )
      .toEqual([IP_MONTREAL, IP_PARIS]);
  });

  it("opens the phone's page from its row with the keyboard alone and reads its places and history", async () => {
    const { page } = desktop;
    await page.goto(`${baseUrl}/settings/security/sessions`);
    await expect.poll(() => page.getByRole('link', { name: /^Details and history of / }).count()).toBe(2);
    expect(await tabTo(page, /^Details and history of .*Paris/), 'Tab reaches the Details link of the phone row').toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/settings/security/session?id=${phoneId}`);

    const heading = page.getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent()).toMatch(/iPhone|iOS/);
    expect(await page.title()).toMatch(/· sessiond$/);

    const addresses = page.getByRole('list', { name: 'Addresses this session was used from' }).getByRole('listitem');
    await expect.poll(() => addresses.count()).toBe(2);
    const [montreal, paris] = [(await addresses.nth(0).textContent()) ?? '', (await addresses.nth(1).textContent()) ?? ''];
    expect(montreal).toContain(IP_MONTREAL);
    expect(montreal).toContain('near Montreal');
    expect(montreal).toMatch(/First seen.*Last seen/);
    expect(paris).toContain(IP_PARIS);
    expect(paris).toContain('near Paris, FR');
    // Relative times with the exact time on hover.
    expect(await addresses.nth(0).locator('time').first().getAttribute('title')).toMatch(/\d{4}/);

    const history = page.getByRole('list', { name: 'History of this session' }).locator(':scope > li');
    // Paris seconds after London: the phone's sign-in was flagged, and its page says why.
    expect(await history.evaluateAll((items) => items.map((li) => li.getAttribute('data-event-kind')))).toEqual([
      'reauthenticated',
      'suspicious_sign_in',
      'sign_in',
    ]);
    expect(await history.nth(0).textContent()).toContain('Confirmed it was you');
    expect(await history.nth(0).textContent()).toContain(IP_MONTREAL);
    expect(await history.nth(2).textContent()).toContain('Signed in');

    await checkPage(page, "the phone's page at 1280 px", 1280, 'session-page-1280');
  });

  it('works at 375 px: the phone opens its own page from its row', async () => {
    const { page } = phone;
    await page.goto(`${baseUrl}/settings/security/sessions`);
    await page.getByRole('link', { name: 'Details and history of this device' }).click();
    await page.getByRole('button', { name: 'Sign out on this device' }).waitFor();
    expect(await page.getByText('This device', { exact: true }).count()).toBeGreaterThan(0);
    await checkPage(page, 'its own page at 375 px', 375, 'session-page-375');
  });

  it('signs the phone out from its page with the keyboard; the page then says how it ended', async () => {
    const { page } = desktop;
    expect(await tabTo(page, /^Sign out this session$/), 'Tab reaches Sign out').toBe(true);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Sign out this session\?.*near Paris, FR.*will be signed out right away/);
    expect(await activeElementLabel(page)).toBe('Cancel');
    await page.keyboard.press('Tab');
    expect(await activeElementLabel(page)).toBe('Sign out');
    await page.keyboard.press('Enter');
    await page.getByText(/^Signed out .+ The history below now shows how it ended\.$/).waitFor();
    await page.getByText('Signed out from another of your sessions', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign out this session' }).count()).toBe(0);
    const history = page.getByRole('list', { name: 'History of this session' }).locator(':scope > li');
    expect(await history.first().getAttribute('data-event-kind')).toBe('session_revoked');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await checkPage(page, 'the ended session', 1280);

    // And back to Active sessions, where the phone is gone.
    expect(await tabTo(page, /^Back to Active sessions$/)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    await expect.poll(() => page.getByRole('link', { name: /^Details and history of / }).count()).toBe(1);
  });
});
