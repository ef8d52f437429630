/**
 * Forms, recovery codes and trusted devices in a real Chromium against the real server process
 * (issue "Pages and operator tools", items 4, 5 and 7): the show-password toggle and a failed
 * sign-in that clears and focuses the password with its error attached; the recovery codes
 * copied and downloaded as a .txt; "Remember this device" at the code step, the trust's expiry on
 * the session, the trusted-device list on the two-step page, and "Stop trusting" from another
 * device, after which that device is asked for a code again. Keyboard where a person would use it.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_HOOK_TIMEOUT_MS, WINDOWS_CHROME, launchChromium, screenshot, signUp, startSessiond, type RunningServer } from './support.js';

const EMAIL = 'katherine@example.com';
const PASSWORD = 'correct horse battery staple';

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let secret = '';
let nextStep = 0;

/** Each code is for a later 30-second step than the last: a step is accepted once. */
function nextCode(): string {
  const step = Math.max(nextStep, Math.floor(Date.now() / 30_000));
  if (step > Math.floor(Date.now() / 30_000) + 1) throw new Error('used more than two codes within 30 s');
  nextStep = step + 1;
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: step * 30_000 });
}

async function newDevice(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({ userAgent: WINDOWS_CHROME, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(10_000);
  return { context, page: await context.newPage() };
}

async function signIn(page: Page, password = PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? null);

beforeAll(async () => {
  server = await startSessiond();
  baseUrl = server.url;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Katherine Johnson' });
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('forms, recovery codes and trusted devices in Chromium', () => {
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };

  it('shows the password on request, and after a failed sign-in clears it, focuses it and ties the error to it', async () => {
    a = await newDevice();
    const { page } = a;
    await page.goto(`${baseUrl}/sign-in`);
    const password = page.getByLabel('Password', { exact: true });
    const toggle = page.getByRole('button', { name: 'Show password' });
    await password.fill('not my password');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.focus();
    await page.keyboard.press('Space');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await password.getAttribute('type')).toBe('text');
    await page.keyboard.press('Space');
    expect(await password.getAttribute('type')).toBe('password');

    await page.getByLabel('Email').fill(EMAIL);
    await password.press('Enter');
    await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
    expect(await password.inputValue()).toBe('');
    expect(await focusedId(page)).toBe(await password.getAttribute('id'));
    const described = ((await password.getAttribute('aria-describedby')) ?? '').split(' ');
    const texts = await Promise.all(described.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(texts.join(' ')).toMatch(/incorrect|not right|wrong/i);
    await screenshot(page, 'sign-in-error-1280-light');
  });

  it('copies and downloads the recovery codes while they are shown', async () => {
    const { page, context } = a;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    await signIn(page);
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    await page.goto(`${baseUrl}/settings/security/mfa`);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    secret = ((await page.locator('.secret-key').textContent()) ?? '').replace(/\s/g, '');
    await page.getByLabel('Code from the app').fill(nextCode());
    await page.getByRole('button', { name: 'Turn on' }).click();
    const items = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await expect.poll(() => items.count()).toBe(10);
    const codes = (await items.allTextContents()).map((c) => c.trim());
    await screenshot(page, 'recovery-codes-1280-light');

    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Recovery codes copied.').waitFor();
    expect((await page.evaluate(() => navigator.clipboard.readText())).split('\n')).toEqual(codes);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download (.txt)' }).click()]);
    expect(download.suggestedFilename()).toBe('sessiond-recovery-codes.txt');
    const file = await download.createReadStream();
    let text = '';
    for await (const chunk of file) text += String(chunk);
    for (const code of codes) expect(text).toContain(code);
    await page.getByRole('button', { name: 'Print' }).waitFor();
    await page.getByRole('button', { name: 'I have saved my codes' }).click();
    await page.getByText('Two-step verification is on.').waitFor();
  });

  it('remembers a device at the code step; its session shows until when; another device stops trusting it', async () => {
    b = await newDevice();
    await signIn(b.page);
    const remember = b.page.getByRole('checkbox', { name: /^Remember this device for 30 days/ });
    await remember.waitFor();
    expect(await remember.isChecked()).toBe(false);
    await remember.focus();
    await b.page.keyboard.press('Space');
    expect(await remember.isChecked()).toBe(true);
    await b.page.getByLabel('Authentication code').fill(nextCode());
    await b.page.getByLabel('Authentication code').press('Enter');
    await b.page.waitForURL(`${baseUrl}/settings/security/sessions`);
    await b.page
      .getByText(/^Trusted until /)
      .first()
      .waitFor();

    // From the first browser: the list names the remembered device, and one click ends its trust.
    await a.page.goto(`${baseUrl}/settings/security/mfa`);
    const list = a.page.getByRole('list', { name: 'Trusted devices' });
    const stop = list.getByRole('button', { name: /^Stop trusting/ });
    await expect.poll(() => stop.count()).toBe(1);
    await list.getByText(/Trusted since .* · Trusted until /).waitFor();
    await screenshot(a.page, 'trusted-devices-1280-light');
    // The card of two-step verification's state and the trusted devices' card do not touch.
    const [state, trusted] = await Promise.all([
      a.page.getByRole('region', { name: 'Two-step verification' }).boundingBox(),
      a.page.getByRole('region', { name: 'Trusted devices' }).boundingBox(),
    ]);
    expect(trusted!.y - (state!.y + state!.height)).toBeGreaterThanOrEqual(12);
    await stop.click();
    await a.page.getByText(/is no longer trusted\. Its next sign-in asks for a code\./).waitFor();
    await a.page.getByText('No device is trusted.').waitFor();

    // The once-remembered browser is asked for a code again.
    await b.page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await b.page.waitForURL(/\/sign-in\?notice=signed_out/);
    await signIn(b.page);
    await b.page.getByLabel('Authentication code').waitFor();
    await a.context.close();
    await b.context.close();
  });
});
