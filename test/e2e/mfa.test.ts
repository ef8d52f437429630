/**
 * Two-step verification in a real Chromium against the real server process: enrol an
 * authenticator app from the QR page, sign in with a code on another browser, trust that
 * device, see the badge, and sign in there again without a code. Codes are computed here with
 * otpauth from the key the page shows, as an authenticator app would.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_HOOK_TIMEOUT_MS, WINDOWS_CHROME, launchChromium, signUp, startSessiond, type RunningServer } from './support.js';
const EMAIL = 'grace@example.com';
const PASSWORD = 'correct horse battery staple';
const CHROME = WINDOWS_CHROME;

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let secret = '';
/** Each code is for a later 30-second step than the last: a step is accepted once. */
let nextStep = 0;

function nextCode(): string {
  const step = Math.max(nextStep, Math.floor(Date.now() / 30_000));
  // One step ahead is inside the server's ±1 step window.
  if (step > Math.floor(Date.now() / 30_000) + 1) throw new Error('used more than two codes within 30 s');
  nextStep = step + 1;
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: step * 30_000 });
}

async function newDevice(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({ userAgent: CHROME, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  return { context, page: await context.newPage() };
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const currentRow = (page: Page) =>
  page
    .getByRole('list', { name: /Signed-in sessions/ })
    .getByRole('listitem')
    // The badge, exactly: "Lost this device?" on the other rows contains the words too.
    .filter({ has: page.getByText('This device', { exact: true }) });

beforeAll(async () => {
  server = await startSessiond();
  baseUrl = server.url;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Grace Hopper' });
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('two-step verification and trusted devices in Chromium', () => {
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };

  it('enrols an authenticator app from the QR page and shows the recovery codes once', async () => {
    a = await newDevice();
    const { page } = a;
    await signIn(page);
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    await page.getByRole('link', { name: 'Two-step verification' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/mfa`);
    await page.getByText('Two-step verification is off.').waitFor();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();

    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    // The QR code is a real, decoded image (CSP allows data: images), not a broken one.
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100)).toBe(true);
    secret = ((await page.locator('.secret-key').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    await page.getByLabel('Code from the app').fill(nextCode());
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await expect.poll(() => codes.count()).toBe(10);
    await page.getByRole('button', { name: 'I have saved my codes' }).click();
    await page.getByText('Two-step verification is on.').waitFor();
    await page.getByText('10 recovery codes left.').waitFor();
  });

  it('signs in on another browser with a code, trusts that device, and shows the badge', async () => {
    b = await newDevice();
    const { page } = b;
    await signIn(page);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    const field = page.getByLabel('Authentication code');
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
    await field.fill(nextCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);

    const row = currentRow(page);
    await row.waitFor();
    expect(await row.getByText('Trusted device').count()).toBe(0);
    await row.getByRole('button', { name: 'Trust this device' }).click();
    await page.getByText('This device is trusted: its sign-ins skip the authenticator code.').waitFor();
    await row.getByText('Trusted device').waitFor();
    await row.getByRole('button', { name: /^Stop trusting/ }).waitFor();

    // The desktop sees the phone's session as trusted too.
    await a.page.goto(`${baseUrl}/settings/security/sessions`);
    const others = a.page
      .getByRole('list', { name: /Signed-in sessions/ })
      .getByRole('listitem')
      .filter({ hasNot: a.page.getByText('This device', { exact: true }) });
    await others.getByText('Trusted device').waitFor();
  });

  it('signs in again on the trusted device without a code; an untrusted browser is still asked', async () => {
    const { page } = b;
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in\?notice=signed_out/);
    await signIn(page);
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    await currentRow(page).getByText('Trusted device').waitFor();

    const c = await newDevice();
    await signIn(c.page);
    await c.page.getByLabel('Authentication code').waitFor();
    await c.context.close();
  });

  it('counts a fresh sign-in as recent authentication: ending other sessions asks for nothing more', async () => {
    // The 10-minute window cannot be waited out here; "Confirm it’s you" itself is covered by the
    // component tests and the API tests (which move the server's clock).
    const { page } = a;
    await page.getByRole('button', { name: 'Sign out of all other sessions' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out other sessions' }).click();
    // "Signed out 2 sessions." or, for one, its name: "Signed out Windows PC · Web."
    await page.getByText(/^Signed out (\d+ sessions|.+ · .+)\.$/).waitFor();
    expect(await page.getByRole('dialog', { name: 'Confirm it’s you' }).count()).toBe(0);
    await a.context.close();
    await b.context.close();
  });
});
