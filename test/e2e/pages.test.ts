/**
 * What a new user meets first, in a real Chromium against the real server process: a mistyped
 * address, the favicon, the Active sessions page on a 375 px phone, buttons that must not touch,
 * and where focus goes when "Confirm it's you" is cancelled with Escape. axe-core checks every
 * page this file opens (0 violations). The tests run in order and share one account.
 *
 * The server runs with a 2-second re-authentication window, so "Confirm it's you" can be reached
 * without waiting ten minutes: the test polls until the server asks for it.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IPHONE_SAFARI,
  SPAWN_HOOK_TIMEOUT_MS,
  WINDOWS_CHROME,
  axeViolations,
  launchChromium,
  signUp,
  startSessiond,
  turnOnTwoStep,
  type RunningServer,
  screenshot,
} from './support.js';

const EMAIL = 'katherine@example.com';
const PASSWORD = 'correct horse battery staple';

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let secret = '';
/** Each code is for a later 30-second step than the last: a step is accepted once. */
let nextStep = 0;
/** The phone signs in with one of these: only two authenticator codes fit in 30 seconds. */
let recoveryCodes: string[] = [];

function nextCode(): string {
  const step = Math.max(nextStep, Math.floor(Date.now() / 30_000));
  if (step > Math.floor(Date.now() / 30_000) + 1) throw new Error('used more than two codes within 30 s');
  nextStep = step + 1;
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: step * 30_000 });
}

type Kind = 'desktop' | 'phone';
const SIZES: Record<Kind, { width: number; height: number }> = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 375, height: 667 },
};

interface Device {
  context: BrowserContext;
  page: Page;
  /** Every response this device's pages got with status 404, and every console error. */
  notFound: string[];
  consoleErrors: string[];
}

/**
 * A desktop at 1280 px or a phone at 375×667. CSP is bypassed only so axe-core can be injected;
 * the pages' own CSP is tested in test/http.
 */
async function newDevice(kind: Kind): Promise<Device> {
  const context = await browser!.newContext(
    kind === 'desktop'
      ? { userAgent: WINDOWS_CHROME, viewport: SIZES.desktop, bypassCSP: true }
      : { userAgent: IPHONE_SAFARI, viewport: SIZES.phone, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true },
  );
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const device: Device = { context, page, notFound: [], consoleErrors: [] };
  context.on('response', (res) => {
    if (res.status() === 404) device.notFound.push(new URL(res.url()).pathname);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') device.consoleErrors.push(`${message.location().url} ${message.text()}`);
  });
  return device;
}

/** In light and dark. */
async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page), `${what}, ${scheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The empty space between two controls' boxes (negative when they overlap). */
async function gap(first: Locator, second: Locator): Promise<number> {
  const a = await first.boundingBox();
  const b = await second.boundingBox();
  if (a === null || b === null) throw new Error('a control is not on screen');
  const horizontal = Math.max(b.x - (a.x + a.width), a.x - (b.x + b.width));
  const vertical = Math.max(b.y - (a.y + a.height), a.y - (b.y + b.height));
  return Math.max(horizontal, vertical);
}

async function signInWithCode(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').waitFor();
}

const sessionRows = (page: Page) => page.getByRole('list', { name: /Signed-in sessions/ }).getByRole('listitem');

beforeAll(async () => {
  server = await startSessiond({ extraArgs: ['--reauth-window', '2s'] });
  baseUrl = server.url;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Katherine Johnson' });
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('pages as a new user finds them, in Chromium', () => {
  let desktop: Device;
  let phone: Device;

  it('shows the app’s Page not found for a mistyped address (HTML, 404, 0 axe violations) and leads /settings to Active sessions', async () => {
    desktop = await newDevice('desktop');
    const { page } = desktop;
    const res = await page.goto(`${baseUrl}/settings/security/sesions`);
    expect(res?.status()).toBe(404);
    expect(res?.headers()['content-type']).toMatch(/^text\/html/);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    expect(await page.title()).toContain('Page not found');
    await expectNoAxeViolations(page, 'Page not found at 1280 px');
    await screenshot(page, 'not-found-1280-light');
    await page.setViewportSize(SIZES.phone);
    await expectNoAxeViolations(page, 'Page not found at 375 px');
    await page.setViewportSize(SIZES.desktop);

    // Its link leads somewhere real: sign-in first, then the page.
    await page.getByRole('link', { name: 'Go to Active sessions' }).click();
    await page.waitForURL(/\/sign-in\?/);

    for (const address of ['/settings', '/settings/security', '/settings/security/']) {
      await page.goto(`${baseUrl}${address}`);
      await page.waitForURL(/\/sign-in\?/);
      expect(new URL(page.url()).searchParams.get('next'), address).toBe('/settings/security/sessions');
    }
    const slash = await page.goto(`${baseUrl}/sign-in/`);
    expect(slash?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('turns on two-step verification through the API, as the MFA page does', async () => {
    ({ secret, recoveryCodes } = await turnOnTwoStep(baseUrl, { email: EMAIL, password: PASSWORD }, (s) => {
      secret = s;
      return nextCode();
    }));
  });

  it('keeps "Verify" and "Back to email and password" apart, at 1280 and at 375', async () => {
    phone = await newDevice('phone');
    for (const { page } of [desktop, phone]) {
      await signInWithCode(page);
      const verify = page.getByRole('button', { name: 'Verify' });
      const back = page.getByRole('button', { name: 'Back to email and password' });
      expect(await gap(verify, back), `at ${page.viewportSize()?.width}`).toBeGreaterThanOrEqual(8);
      await expectNoAxeViolations(page, `code step at ${page.viewportSize()?.width}`);
      await page.getByLabel('Authentication code').fill(page === phone.page ? recoveryCodes.pop()! : nextCode());
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    }
  });

  it('on a 375×667 phone, shows the first session on the first screen, the boundary compact but there', async () => {
    const { page } = phone;
    await page.goto(`${baseUrl}/settings/security/sessions`);
    const first = sessionRows(page).first();
    await first.waitFor();
    const box = await first.boundingBox();
    expect(box, 'the first session row').not.toBeNull();
    expect(box!.y, 'top of the first session row').toBeGreaterThanOrEqual(0);
    expect(box!.y, 'top of the first session row').toBeLessThan(SIZES.phone.height);
    // Its name is readable without scrolling too, not just the row's border.
    const name = await first.getByRole('heading', { level: 3 }).boundingBox();
    expect(name!.y + name!.height).toBeLessThanOrEqual(SIZES.phone.height);
    // The boundary is still on the page, one tap away.
    const boundary = page.locator('summary', { hasText: 'What this list includes, and what it does not' });
    const summary = await boundary.boundingBox();
    expect(summary!.y + summary!.height).toBeLessThanOrEqual(box!.y);
    await boundary.click();
    await page.getByRole('heading', { name: 'What it does not include' }).waitFor();
    await expectNoAxeViolations(page, 'Active sessions at 375 px');
  });

  it('keeps "Trust this device" over "Sign out", and "Stop trusting" | "Sign out", apart at 375 and 1280', async () => {
    for (const { page } of [phone, desktop]) {
      const width = page.viewportSize()?.width;
      await page.goto(`${baseUrl}/settings/security/sessions`);
      const row = sessionRows(page).filter({ has: page.getByText('This device', { exact: true }) });
      await row.getByRole('button', { name: 'Trust this device' }).waitFor();
      const signOut = row.getByRole('button', { name: 'Sign out this device' });
      const trustGap = await gap(row.getByRole('button', { name: 'Trust this device' }), signOut);
      expect(trustGap, `Trust this device | Sign out at ${width}`).toBeGreaterThanOrEqual(8);
      await row.getByRole('button', { name: 'Trust this device' }).click();
      const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
      // The 2-second window may have passed since the sign-in: confirm when asked.
      await Promise.race([dialog.waitFor(), row.getByRole('button', { name: /^Stop trusting/ }).waitFor()]);
      if (await dialog.isVisible()) {
        await dialog.getByLabel('Password').fill(PASSWORD);
        await dialog.getByRole('button', { name: 'Confirm' }).click();
      }
      const stop = row.getByRole('button', { name: /^Stop trusting/ });
      await stop.waitFor();
      expect(await gap(stop, signOut), `Stop trusting | Sign out at ${width}`).toBeGreaterThanOrEqual(8);
      await expectNoAxeViolations(page, `Active sessions with a trusted device at ${width}`);
    }
  });

  it('keeps "Set new password" and "Ask for a new link" apart, at 1280 and at 375', async () => {
    for (const { page } of [desktop, phone]) {
      await page.goto(`${baseUrl}/reset-password/confirm?token=not-a-real-token`);
      await page.getByRole('button', { name: 'Set new password' }).waitFor();
      const save = page.getByRole('button', { name: 'Set new password' });
      expect(
        await gap(save, page.getByRole('link', { name: 'Ask for a new link' })),
        `at ${page.viewportSize()?.width}`,
      ).toBeGreaterThanOrEqual(8);
      await expectNoAxeViolations(page, `reset confirm at ${page.viewportSize()?.width}`);
    }
  });

  it('after Escape in "Confirm it’s you", puts focus back on the control that opened it (keyboard only)', async () => {
    const { page } = desktop;
    await page.goto(`${baseUrl}/settings/security/password`);
    // Wait until the sign-in is older than the re-authentication window: the server then asks.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const res = await fetch('/v1/me/sessions/revoke-others', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: '{}',
            });
            return res.status === 403 ? ((await res.json()) as { error: { code: string } }).error.code : String(res.status);
          }),
        { timeout: 10_000, interval: 250 },
      )
      .toBe('reauth_required');

    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill('a different and longer passphrase');
    const submit = page.getByRole('button', { name: 'Change password' });
    await submit.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
    await dialog.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await expectNoAxeViolations(page, 'Confirm it’s you');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')).toBe('Change password');

    // From a confirmation dialog: Escape in "Confirm it’s you" returns to that dialog, not to <body>.
    await page.goto(`${baseUrl}/settings/security/sessions`);
    const everywhere = page.getByRole('button', { name: 'Sign out everywhere' });
    await everywhere.focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Sign out everywhere?' });
    await confirm.getByRole('button', { name: 'Sign out everywhere' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('dialog')?.getAttribute('aria-labelledby') ?? 'body'))
      .not.toBe('body');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')).toBe('Sign out everywhere');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')).toBe('Sign out everywhere');
  });

  it('logs no 404 on any page it opened, the favicon included, except the mistyped address itself', async () => {
    for (const device of [desktop, phone]) {
      const icon = await device.page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? null);
      expect(icon).toMatch(/\/assets\/favicon-[\w-]+\.svg$/);
      expect((await device.page.request.get(icon!)).status()).toBe(200);
      expect(device.notFound.filter((p) => p !== '/settings/security/sesions')).toEqual([]);
      expect(device.consoleErrors.filter((e) => /404|favicon/i.test(e) && !e.startsWith(`${baseUrl}/settings/security/sesions `))).toEqual(
        [],
      );
    }
  });
});
