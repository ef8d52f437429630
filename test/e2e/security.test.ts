/**
 * Security signals in a real Chromium, against the real server process and a real SMTP server:
 * an unusual sign-in from a second device in another country mails an alert; its "This wasn't
 * me" link, opened in the owner's browser, ends that session; the Security activity page shows
 * both; then the whole password reset in the browser ("Forgot password?" → mail → new password)
 * ends every old session and the new password signs in.
 *
 * One server (SQLite in memory, `--smtp` to the in-test sink, 127.0.0.1 trusted as a proxy so
 * each browser context presents its own public IP in X-Forwarded-For) and one browser for the
 * file. The tests run in order, as one person's bad afternoon would.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../support/smtp-sink.js';
import type { ReceivedMail, SmtpSink } from '../support/smtp-sink.js';
import {
  SPAWN_HOOK_TIMEOUT_MS,
  launchChromium,
  lowContrastText,
  newDevice as openDevice,
  signUp,
  startSessiond,
  type Device,
  type RunningServer,
} from './support.js';

const EMAIL = 'grace@example.com';
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a different and much longer passphrase';

// Public addresses whose DB-IP city is stable: London (the owner) and Paris (the intruder).
const IP_LONDON = '81.2.69.142';
const IP_PARIS = '89.2.0.1';

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let smtp: SmtpSink | undefined;

const newDevice = (kind: 'windows' | 'iphone', ip: string) => openDevice(browser!, kind, ip);

async function signIn(page: Page, password: string): Promise<void> {
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The first link in a mail's text part that goes to `pathname` on this server. */
function linkIn(mail: ReceivedMail, pathname: string): string {
  const url = mail.text.match(/https?:\/\/\S+/g)?.find((u) => new URL(u).pathname === pathname);
  if (url === undefined) throw new Error(`no ${pathname} link in mail "${mail.subject}":\n${mail.text}`);
  return url;
}

const mailFor = (subject: RegExp, after = 0) =>
  smtp!.waitFor((m) => m.to.includes(EMAIL) && subject.test(m.subject), { after, timeoutMs: 10_000 });

/** Status of GET /v1/me/session from inside the page, i.e. with that browser's cookies. */
const sessionStatus = (page: Page) => page.evaluate(async () => (await fetch('/v1/me/session')).status);

beforeAll(async () => {
  smtp = await startSmtpSink();
  // --port 0: serve picks the port before it builds, so links in mail carry the real one.
  server = await startSessiond({ trustProxy: true, extraArgs: ['--smtp', smtp.url, '--sign-up-mode', 'direct'] });
  baseUrl = server.url;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Grace Hopper' });
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
});

describe('security signals in Chromium', () => {
  let owner: Device;
  let intruder: Device;
  let alert: ReceivedMail;

  it('mails an alert when a second device signs in from another country', async () => {
    owner = await newDevice('windows', IP_LONDON);
    await owner.page.goto(`${baseUrl}/sign-in`);
    await signIn(owner.page, PASSWORD);
    await owner.page.waitForURL(`${baseUrl}/settings/security/sessions`);

    const before = smtp!.messages.length;
    intruder = await newDevice('iphone', IP_PARIS);
    await intruder.page.goto(`${baseUrl}/sign-in`);
    await signIn(intruder.page, PASSWORD);
    await intruder.page.waitForURL(`${baseUrl}/settings/security/sessions`);

    alert = await mailFor(/^Unusual sign-in/, before);
    expect(alert.text).toContain('(FR)');
    expect(alert.text).toContain(IP_PARIS);
    // The account's first sign-in (the owner's) raised nothing: this is the only mail.
    expect(smtp!.messages.filter((m) => m.to.includes(EMAIL))).toHaveLength(1);
    expect(await sessionStatus(intruder.page)).toBe(200);
  });

  it('"This wasn\'t me" from the mail, opened in the owner\'s browser, ends that session', async () => {
    const { page } = owner;
    await page.goto(linkIn(alert, '/report-sign-in'));
    await page.getByRole('heading', { name: 'Was this sign-in not you?' }).waitFor();
    // The token leaves the address bar at once; opening the page changed nothing.
    expect(new URL(page.url()).search).toBe('');
    expect(await sessionStatus(intruder.page)).toBe(200);

    await page.getByRole('button', { name: 'Sign that session out' }).click();
    await page.getByText('That session was signed out.', { exact: false }).waitFor();

    // The intruder's next request is refused, and the page sends it to sign-in.
    expect(await sessionStatus(intruder.page)).toBe(401);
    await intruder.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await intruder.page.waitForURL(/\/sign-in\?/);
    // The sign-in page says why: the 401 of a reported session says so.
    await intruder.page.getByText(/its sign-in was reported as not made by the account’s owner/).waitFor();
    // The owner's own session was not touched.
    expect(await sessionStatus(page)).toBe(200);
  });

  it('shows the unusual sign-in and the report on the Security activity page', async () => {
    const { page } = owner;
    await page.goto(`${baseUrl}/settings/security/sessions`);
    // The short section on Active sessions, with a link to the full page.
    const recent = page.getByRole('region', { name: 'Recent security activity' });
    await recent.getByText('Unusual sign-in').first().waitFor();
    await recent.getByRole('link', { name: 'See all security activity' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/activity`);
    expect(
      await page
        .getByRole('navigation', { name: 'Security settings' })
        .getByRole('link', { name: 'Security activity' })
        .getAttribute('aria-current'),
    ).toBe('page');

    const events = page.getByRole('list', { name: 'Security events' }).locator(':scope > li');
    await expect.poll(() => events.count()).toBeGreaterThanOrEqual(4);
    const texts = await events.allTextContents();

    // The report names the session it ended, as its owner would recognise it.
    const reported = texts.findIndex((t) => t.includes('iPhone · Web · near Paris, FR was reported as not you and signed out'));
    expect(reported, texts.join('\n')).toBeGreaterThanOrEqual(0);
    expect(texts[reported]).toContain('With the link from an email sent to you');

    const unusual = events.filter({ hasText: 'Unusual sign-in' });
    expect(await unusual.count()).toBe(1);
    const unusualText = (await unusual.textContent()) ?? '';
    expect(unusualText).toContain('Check this');
    expect(unusualText).toContain('A country this account has not signed in from before (FR)');
    expect(unusualText).toContain('near Paris, FR (approximate)');
    expect(unusualText).toContain(IP_PARIS);
    expect(unusualText).toMatch(/iPhone|iOS/);
    // Newest first: the report comes before the sign-in it reports.
    expect(reported).toBeLessThan(texts.findIndex((t) => t.includes('Unusual sign-in')));
    // The owner's own sign-in is marked as this device.
    expect(texts.some((t) => t.startsWith('Signed in') && t.includes('This device') && t.includes('near London, GB'))).toBe(true);

    const time = unusual.locator('time');
    expect(await time.textContent()).toMatch(/now|minute/);
    expect(await time.getAttribute('title')).toMatch(/\d{4}/);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await lowContrastText(page)).bad, `activity page contrast, ${scheme}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 900 });

    await unusual.getByRole('link', { name: 'Review your sessions' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
  });

  it('resets the password in the browser: old sessions are refused, the new password signs in', async () => {
    const { page } = intruder; // on the sign-in page; now played by the owner on their phone
    const oldPasswordRefused = page.getByRole('alert');
    await signIn(page, PASSWORD);
    await oldPasswordRefused.waitFor(); // the account was reported: the old password no longer signs in
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL(`${baseUrl}/reset-password`);
    const before = smtp!.messages.length;
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(/If an account exists for that address, we sent it a link/).waitFor();

    const resetMail = await mailFor(/^Reset your/, before);
    await page.goto(linkIn(resetMail, '/reset-password/confirm'));
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password was changed and every session was signed out.').waitFor();

    // The owner's desktop session ended with the reset: refused on its next request.
    expect(await sessionStatus(owner.page)).toBe(401);
    await owner.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await owner.page.waitForURL(/\/sign-in\?/);
    await mailFor(/password was reset$/, before);

    // The old password is refused; the new one signs in.
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(/\/sign-in/);
    await signIn(page, PASSWORD);
    await page.locator('#password-error').getByText('The email or password is incorrect.').waitFor();
    await signIn(page, NEW_PASSWORD);
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    expect(await sessionStatus(page)).toBe(200);

    await owner.context.close();
    await intruder.context.close();
  });
});
