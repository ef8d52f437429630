/**
 * Several sessions on one device, on the Active sessions page in a real Chromium against the real
 * server process: the desktop app and the CLI of one laptop send one `device.id`, so the page
 * lists them together under the laptop's heading, each still a row with its own Sign out; a
 * phone elsewhere and this browser are rows of their own. Keyboard only for the sign-outs; axe-core
 * at 0 violations and AA contrast in light and dark, at 1280 and 375 px.
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
  screenshot,
  newDevice,
  signUp,
  startSessiond,
  type Device,
  type RunningServer,
} from './support.js';

const EMAIL = 'grace@example.com';
const PASSWORD = 'correct horse battery staple';
const LAPTOP = 'Grace’s MacBook Pro';
const MACHINE = { id: 'grace-macbook-machine-0001', name: LAPTOP, model: 'MacBookPro18,1', os: 'macOS 15' };

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let desk: Device | undefined;
const tokens: Record<'desktop' | 'cli' | 'phone', string> = { desktop: '', cli: '', phone: '' };

/** A native app's sign-in (bearer), from `ip`. */
async function appSignIn(clientId: string, device: Record<string, string>, ip: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, client_id: clientId, transport: 'bearer', device }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

const statusWith = async (token: string) =>
  (await fetch(`${baseUrl}/v1/me/session`, { headers: { Authorization: `Bearer ${token}` } })).status;

const sessionList = (page: Page) => page.getByRole('list', { name: /Signed-in sessions/ });
/** Sessions, not devices: the items that hold no list of their own. */
const sessionRows = (page: Page) =>
  sessionList(page)
    .getByRole('listitem')
    .filter({ hasNot: page.getByRole('list') });
const laptopGroup = (page: Page) =>
  sessionList(page)
    .getByRole('listitem')
    .filter({ has: page.getByRole('list', { name: `Sessions on ${LAPTOP}` }) });

async function activeElementLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });
}

/** Tabs from the top of the page until the focused control's name matches; fails after 60 stops. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (name.test(await activeElementLabel(page))) {
      // Where focus is must show.
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
      return;
    }
  }
  throw new Error(`Tab never reached ${name}`);
}

/** axe-core and text contrast, in light and dark. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page), `${what}, ${scheme}`).toEqual([]);
    expect((await lowContrastText(page)).bad, `${what} contrast, ${scheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

beforeAll(async () => {
  server = await startSessiond({ trustProxy: true });
  baseUrl = server.url;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Grace Hopper' });
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await desk?.context.close();
  await browser?.close();
  await server?.stop();
});

describe('sessions grouped by device in Chromium', () => {
  it('lists the laptop’s two sessions under its heading, the phone and this browser as rows, at 1280 px', async () => {
    // London: the laptop's desktop app, then its CLI, both with the laptop's device id. Paris: the phone.
    tokens.desktop = await appSignIn('desktop', MACHINE, '81.2.69.142');
    tokens.cli = await appSignIn('cli', MACHINE, '81.2.69.142');
    tokens.phone = await appSignIn('mobile', { id: 'grace-pixel-0000000001', name: 'Pixel 8', os: 'Android 15' }, '89.2.0.1');

    desk = await newDevice(browser!, 'windows', '24.48.0.1', { axe: true });
    const { page } = desk;
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);

    await expect.poll(() => sessionRows(page).count(), { timeout: 10_000 }).toBe(4);
    // Counts stay counts of sessions.
    await page.getByRole('heading', { level: 2, name: 'Signed-in sessions (4)' }).waitFor();
    // This browser first, then the phone (most recent), then the laptop's group.
    const top = sessionList(page).locator(':scope > li');
    expect(await top.count()).toBe(3);
    expect(await top.nth(0).textContent()).toContain('This device');
    expect(await top.nth(1).getByRole('heading', { level: 3 }).textContent()).toBe('Pixel 8');

    const group = laptopGroup(page);
    expect(await group.getByRole('heading', { level: 3 }).textContent()).toBe(LAPTOP);
    const groupText = (await group.textContent()) ?? '';
    expect(groupText).toContain('macOS 15');
    expect(groupText).toContain('2 sessions');
    const inGroup = group.getByRole('list', { name: `Sessions on ${LAPTOP}` }).getByRole('listitem');
    expect(await inGroup.count()).toBe(2);
    // Both sessions visible, each its own row with its own Sign out, the newest first.
    expect(await inGroup.nth(0).textContent()).toContain('Command line');
    expect(await inGroup.nth(1).textContent()).toContain('Desktop app');
    await inGroup
      .nth(0)
      .getByRole('button', { name: `Sign out ${LAPTOP} (Command line, near London, GB)` })
      .waitFor();
    await inGroup
      .nth(1)
      .getByRole('button', { name: `Sign out ${LAPTOP} (Desktop app, near London, GB)` })
      .waitFor();
    await group.getByRole('button', { name: `Sign out of device: ${LAPTOP} (2 sessions)` }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await expectAccessible(page, 'grouped sessions at 1280 px');
    await screenshot(page, 'device-groups-1280-light');
  });

  it('fits 375 px with no sideways scrolling, every control on screen, and stays accessible', async () => {
    const { page } = desk!;
    await page.setViewportSize({ width: 375, height: 812 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const buttons = laptopGroup(page).getByRole('button');
    expect(await buttons.count()).toBe(3);
    for (const button of await buttons.all()) {
      const box = (await button.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
    }
    await expectAccessible(page, 'grouped sessions at 375 px');
  });

  it('signs out one session of the group with the keyboard only; the other stays signed in', async () => {
    const { page } = desk!;
    await tabTo(page, new RegExp(`^Sign out ${LAPTOP} \\(Command line`));
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Sign out this session?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`${LAPTOP} (Command line, near London, GB) will be signed out right away.`);
    expect(await activeElementLabel(page)).toBe('Cancel');
    await page.keyboard.press('Tab');
    expect(await activeElementLabel(page)).toBe('Sign out');
    await page.keyboard.press('Enter');

    await page.getByText(`Signed out ${LAPTOP} · Command line.`).waitFor();
    await expect.poll(() => sessionRows(page).count()).toBe(3);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('sessions-heading');
    // One session left on the laptop: a plain row again, with its own "Lost this device?".
    expect(await laptopGroup(page).count()).toBe(0);
    await page.getByRole('button', { name: `Lost this device? ${LAPTOP} (Desktop app, near London, GB)` }).waitFor();
    expect(await statusWith(tokens.cli)).toBe(401);
    expect(await statusWith(tokens.desktop)).toBe(200);
    expect(await statusWith(tokens.phone)).toBe(200);
  });

  it('signs the whole laptop out from its heading with the keyboard: both sessions end, the rest stay', async () => {
    const { page } = desk!;
    tokens.cli = await appSignIn('cli', MACHINE, '81.2.69.142');
    await page.evaluate(() => window.dispatchEvent(new Event('focus'))); // as when the window regains focus
    await expect.poll(() => sessionRows(page).count(), { timeout: 10_000 }).toBe(4);

    await tabTo(page, new RegExp(`^Sign out of device: ${LAPTOP} \\(2 sessions\\)`));
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Sign out of ${LAPTOP}?` });
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('All 2 of its sessions are signed out right away');
    expect(text).toContain('signing in on it again takes two-step verification');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await activeElementLabel(page)).toBe('Cancel');
    await page.keyboard.press('Tab');
    expect(await activeElementLabel(page)).toBe('Sign out that device');
    await page.keyboard.press('Enter');

    await page.getByText('Signed out 2 sessions on that device.').waitFor();
    await expect.poll(() => sessionRows(page).count()).toBe(2);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('sessions-heading');
    expect(await statusWith(tokens.cli)).toBe(401);
    expect(await statusWith(tokens.desktop)).toBe(401);
    expect(await statusWith(tokens.phone)).toBe(200);
    expect(await page.evaluate(async () => (await fetch('/v1/me/session')).status)).toBe(200);
  });
});
