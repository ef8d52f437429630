/**
 * Workspaces in a real Chromium against the real server process, with a real SMTP server for the
 * invitation mail: an owner creates a workspace and invites a member; the member joins through
 * the mailed link (signing in on the way); the owner sees the member's session and offboards them
 * with the keyboard while the member's Active sessions page is open on their phone; the member's
 * next action lands on sign-in with the words that say an administrator ended the session. Before
 * that, the owner asks everyone to review their sessions: the member sees the banner, signs out a
 * session they do not know, confirms with the keyboard, and the owner sees them as reviewed with
 * one sign-out. The tests run in order and share the two people, as one afternoon would.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import {
  screenshot,
  SPAWN_HOOK_TIMEOUT_MS,
  launchChromium,
  lowContrastText,
  newDevice,
  signUp,
  startSessiond,
  type Device,
  type RunningServer,
} from './support.js';

const PASSWORD = 'correct horse battery staple';
const OWNER = 'ada@example.com';
const MEMBER = 'grace@example.com';
const ADMIN_ENDED = 'An administrator of your workspace ended this session.';
const POLICY_ENDED = 'it limits how many sessions you may have at once, and this was the oldest';
const POLICY_NONE = 'No workspace limits: the product’s own apply.';

let server: RunningServer | undefined;
let smtp: SmtpSink | undefined;
let baseUrl = '';
let browser: Browser | undefined;

async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });
}

/** Signs the member in from somewhere they do not know: a Linux laptop in another country. */
async function unknownSignIn(email: string): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/auth/sign-in`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Origin: baseUrl,
      'X-Forwarded-For': '175.16.199.1',
      'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
}

const reviewBanner = (page: Page) => page.getByRole('region', { name: 'Review your sessions' });
const reviewTable = (page: Page) => page.getByRole('table', { name: 'Session reviews in Acme' });
const membersTable = (page: Page) => page.getByRole('table', { name: 'Members of Acme' });
const memberRow = (page: Page, email: string) => membersTable(page).getByRole('row').filter({ hasText: email });

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startSessiond({ trustProxy: true, extraArgs: ['--smtp', smtp.url, '--sign-up-mode', 'direct'] });
  baseUrl = server.url;
  await signUp(baseUrl, { email: OWNER, password: PASSWORD, name: 'Ada Lovelace' });
  await signUp(baseUrl, { email: MEMBER, password: PASSWORD, name: 'Grace Hopper' });
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
});

describe('workspaces in Chromium: invite, join, offboard', () => {
  let owner: Device;
  let member: Device;
  let workspaceUrl = '';

  it('an owner creates a workspace and invites a member by mail', async () => {
    owner = await newDevice(browser!, 'windows', '81.2.69.142');
    const { page } = owner;
    await page.goto(`${baseUrl}/settings/workspaces`);
    await page.waitForURL(/\/sign-in\?/);
    await signIn(page, OWNER);
    await page.waitForURL(`${baseUrl}/settings/workspaces`);
    await page.getByText(/You are not a member of any workspace yet/).waitFor();

    await page.getByLabel('Workspace name').fill('Acme');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { level: 2, name: 'Acme' }).waitFor();
    workspaceUrl = page.url();
    expect(new URL(workspaceUrl).searchParams.get('ws')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await page.locator('.security-owner-name', { hasText: `You (${OWNER})` }).waitFor();
    await memberRow(page, OWNER).waitFor();

    const invite = page.getByRole('region', { name: 'Invite a member' });
    await invite.getByLabel('Email').fill(MEMBER);
    await invite.getByLabel('Role').selectOption('member');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText(`An invitation was mailed to ${MEMBER}.`, { exact: false }).waitFor();
    // The audit trail shows both actions, newest first.
    const audit = page.getByRole('list', { name: 'Audit trail entries' }).getByRole('listitem');
    await expect.poll(() => audit.count()).toBe(2);
    expect(await audit.nth(0).textContent()).toContain(`Invited ${MEMBER} as Member`);
    expect(await audit.nth(1).textContent()).toContain('Created the workspace Acme');
  });

  it('the member opens the mailed link on their phone, signs in on the way, and joins', async () => {
    const mail = await smtp!.waitFor((m) => m.to.includes(MEMBER) && /^Join Acme/.test(m.subject), { timeoutMs: 10_000 });
    const link = mail.text.match(/https?:\/\/\S+\/workspaces\/join\?token=\S+/)?.[0];
    expect(link).toBeDefined();

    member = await newDevice(browser!, 'iphone', '89.2.0.1');
    const { page } = member;
    await page.goto(link!);
    await page.waitForURL(/\/sign-in\?/);
    await page.getByText('Sign in to accept the invitation to a workspace.', { exact: false }).waitFor();
    await signIn(page, MEMBER);
    await page.getByText('You joined Acme.').waitFor();
    // The token is out of the address bar again.
    expect(new URL(page.url()).pathname).toBe('/workspaces/join');
    expect(new URL(page.url()).search).toBe('');

    await page.getByRole('link', { name: 'Open the workspace' }).click();
    await page.getByRole('heading', { level: 2, name: 'Acme' }).waitFor();
    expect(await page.locator('.workspace-role').textContent()).toBe('Member');
    // Every member is told whom to contact, by address.
    await page.locator('.security-owner-name', { hasText: OWNER }).waitFor();
    // A plain member sees nothing of the admin's.
    expect(await page.getByRole('table').count()).toBe(0);

    // The link worked once.
    const again = await page.evaluate(
      async (token) =>
        (
          await fetch('/v1/me/workspaces/join', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ token }),
          })
        ).status,
      new URL(link!).searchParams.get('token'),
    );
    expect(again).toBe(400);

    await page.getByRole('link', { name: 'Active sessions' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    await expect
      .poll(() =>
        page
          .getByRole('list', { name: /Signed-in sessions/ })
          .getByRole('listitem')
          .count(),
      )
      .toBe(1);
  });

  it('the owner asks everyone to review their sessions and sees who is pending', async () => {
    const { page } = owner;
    await page.reload();
    const reviews = page.getByRole('region', { name: 'Session reviews' });
    await reviewTable(page).getByRole('row').filter({ hasText: MEMBER }).waitFor();
    // No "Confirm it's you" on the way: asking ends nothing.
    await reviews.getByRole('button', { name: 'Ask everyone to review their sessions' }).click();
    await reviews.getByText('2 members were asked to review their sessions.').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    const row = reviewTable(page).getByRole('row').filter({ hasText: MEMBER });
    await expect.poll(async () => (await row.getByRole('cell').allTextContents())[0]).toBe('Pending');
    // The owner is a member too: their own banner appears at once.
    await reviewBanner(page).getByText('The administrators of Acme asked you to.').waitFor();
    const audit = page.getByRole('list', { name: 'Audit trail entries' }).getByRole('listitem');
    await expect.poll(async () => (await audit.first().textContent()) ?? '').toContain('Asked 2 members to review their sessions');
  });

  it('the member sees why, signs out a session they do not know, and confirms with the keyboard', async () => {
    await unknownSignIn(MEMBER);
    const { page } = member;
    await page.reload();
    const banner = reviewBanner(page);
    await banner.waitFor();
    const reasons = await banner.getByRole('list', { name: 'Why you are asked' }).getByRole('listitem').allTextContents();
    expect(reasons).toContain('You joined Acme.');
    expect(reasons).toContain('The administrators of Acme asked you to.');
    // Fine at 375 px, light and dark, with the banner on the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await lowContrastText(page)).bad, `sessions page with the review banner, ${scheme}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    const rows = page.getByRole('list', { name: /Signed-in sessions/ }).getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(2);
    const unknown = rows.filter({ hasText: 'Firefox' });
    await unknown.getByRole('button', { name: /^Sign out/ }).click();
    await page.getByRole('dialog', { name: 'Sign out this session?' }).getByRole('button', { name: 'Sign out' }).click();
    await page.getByText(/^Signed out .+ · .+\.$/).waitFor();
    await expect.poll(() => rows.count()).toBe(1);

    // Tab from the top of the page to "I have reviewed my sessions", and press it.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let found = false;
    for (let i = 0; i < 30 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await focusedLabel(page)) === 'I have reviewed my sessions';
    }
    expect(found, 'Tab reaches "I have reviewed my sessions"').toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    const done = 'Thank you: your review is recorded. 1 session was signed out since you were asked.';
    await page.getByRole('status').filter({ hasText: done }).waitFor();
    expect(await banner.count()).toBe(0);
    expect(await focusedLabel(page)).toBe(done);
    // The timeline says so too.
    await page.getByRole('region', { name: 'Recent security activity' }).getByText('You reviewed your sessions').first().waitFor();
  });

  it('the owner sees the member as reviewed, with 1 sign-out, and confirms their own review', async () => {
    const { page } = owner;
    await page.reload();
    const row = reviewTable(page).getByRole('row').filter({ hasText: MEMBER });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[0]).toBe('Reviewed');
    expect(cells[2]).toMatch(/now|second|minute/);
    expect(cells[3]).toBe('1 session');
    await reviewBanner(page).getByRole('button', { name: 'I have reviewed my sessions' }).click();
    await page.getByText('Thank you: your review is recorded. No session was signed out since you were asked.').waitFor();
    const mine = reviewTable(page).getByRole('row').filter({ hasText: OWNER });
    await expect.poll(async () => (await mine.getByRole('cell').allTextContents())[0]).toBe('Reviewed');
  });

  it('the owner sees the member, their session, and offboards them with the keyboard alone', async () => {
    const { page } = owner;
    await page.reload();
    const row = memberRow(page, MEMBER);
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    // An owner sees the role as a selector (owners change roles there).
    expect(await row.getByRole('combobox', { name: `Role of ${MEMBER}` }).inputValue()).toBe('member');
    expect([...cells.slice(1, 3), ...cells.slice(4, 6)]).toEqual(['Active', '1', 'Off', '0']);
    expect(cells[3]).toMatch(/now|minute/);

    await row.getByRole('button', { name: `Show the sessions of ${MEMBER}` }).click();
    const sessions = page.getByRole('list', { name: `Signed-in sessions of ${MEMBER}` }).getByRole('listitem');
    await expect.poll(() => sessions.count()).toBe(1);
    const text = (await sessions.first().textContent()) ?? '';
    expect(text).toMatch(/iPhone|iOS/);
    expect(text).toContain('near Paris, FR');

    // Tab from the top of the page to the member's Offboard button.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await focusedLabel(page)) === `Offboard ${MEMBER}`;
    }
    expect(found, 'Tab reaches the Offboard button').toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Offboard ${MEMBER}?` });
    await dialog.waitFor();
    const items = await dialog.getByRole('listitem').allTextContents();
    expect(items).toEqual([
      'Their 1 active session is ended, on every device.',
      'Every device they trusted stops being trusted: their next sign-in anywhere asks for the authenticator code.',
      'Every workspace API key they made is revoked.',
      'Their membership of Acme is disabled. Only a new invitation brings them back. Their account itself is not deleted.',
    ]);
    expect(await focusedLabel(page)).toBe('Cancel');
    await page.keyboard.press('Tab');
    expect(await focusedLabel(page)).toBe('Offboard');
    await page.keyboard.press('Enter');
    await page.getByText(`${MEMBER} was offboarded: 1 session ended, 0 devices no longer trusted, membership disabled.`).waitFor();
    await expect.poll(async () => (await memberRow(page, MEMBER).getByRole('cell').allTextContents())[1]).toMatch(/^Disabled/);
    const audit = page.getByRole('list', { name: 'Audit trail entries' }).getByRole('listitem');
    await expect.poll(async () => (await audit.first().textContent()) ?? '').toContain(`Offboarded ${MEMBER}`);
  });

  it('the member’s next action lands on sign-in with the words that say an administrator ended the session', async () => {
    const { page } = member;
    await page.getByRole('link', { name: 'Password' }).click();
    await page.waitForURL(/\/sign-in\?/);
    const notice = page.getByRole('status').filter({ hasText: ADMIN_ENDED });
    await notice.waitFor();
    expect(await page.getByText(/You were signed out/).count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('next')).toBe('/settings/security/password');
    // The words come from the server's 401, never from the address.
    expect(page.url()).not.toContain('administrator');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await lowContrastText(page)).bad, `sign-in with the reason, ${scheme}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // Signing in again works (the account is not deleted), but the workspace is gone for them.
    await signIn(page, MEMBER);
    await page.waitForURL(`${baseUrl}/settings/security/password`);
    await page.goto(`${baseUrl}/settings/workspaces`);
    await page.getByText(/You are not a member of any workspace yet/).waitFor();
  });

  it('downloads the audit trail as CSV and JSON Lines with the owner’s session', async () => {
    const { page, context } = owner;
    for (const [name, type, marker] of [
      ['CSV', 'text/csv', 'member.offboarded'],
      ['JSON Lines', 'application/x-ndjson', '"action":"member.offboarded"'],
    ] as const) {
      const href = await page.getByRole('link', { name, exact: true }).getAttribute('href');
      const res = await context.request.get(`${baseUrl}${href}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toContain(type);
      expect(res.headers()['content-disposition']).toMatch(/^attachment;/);
      expect(await res.text()).toContain(marker);
    }
  });

  it('shows the workspace page at 1280 and 375 px, light and dark, in AA contrast, without sideways scrolling (and screenshots it)', async () => {
    const phone = await newDevice(browser!, 'iphone', '89.2.0.1');
    await phone.page.goto(workspaceUrl);
    await phone.page.waitForURL(/\/sign-in\?/);
    await signIn(phone.page, OWNER);
    await phone.page.waitForURL(workspaceUrl);
    for (const [page, width] of [
      [owner.page, '1280'],
      [phone.page, '375'],
    ] as const) {
      await page.goto(workspaceUrl);
      await memberRow(page, MEMBER).waitFor();
      await page.getByRole('list', { name: 'Audit trail entries' }).waitFor();
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await screenshot(page, `workspaces-${width}-${scheme}`);
        const contrast = await lowContrastText(page);
        expect(contrast.checked).toBeGreaterThan(30);
        expect(contrast.bad, `workspace page contrast at ${width} px, ${scheme}`).toEqual([]);
      }
      await page.emulateMedia({ colorScheme: 'light' });
    }
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await phone.context.close();
    await owner.context.close();
    await member.context.close();
  });

  it('an owner saves a session policy in the form; the session it ends lands on sign-in with the words that say which policy', async () => {
    const laptop = await newDevice(browser!, 'windows', '81.2.69.142');
    const { page } = laptop;
    await page.goto(workspaceUrl);
    await page.waitForURL(/\/sign-in\?/);
    await signIn(page, OWNER);
    await page.waitForURL(workspaceUrl);
    // A newer session of the owner's elsewhere: with one session allowed, this browser's (the older) ends.
    await unknownSignIn(OWNER);
    const section = page.getByRole('region', { name: 'Session policy' });
    await section.getByText(POLICY_NONE).waitFor();
    await section.getByLabel('Sessions per member at a time').fill('1');
    await section.getByRole('button', { name: 'Save policy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save the session policy?' });
    await dialog.getByRole('button', { name: 'Save policy' }).click();
    await page.waitForURL(/\/sign-in\?/);
    await page.getByRole('status').filter({ hasText: POLICY_ENDED }).waitFor();
    // Signed in again, the owner reads the rule in force.
    await signIn(page, OWNER);
    await page.waitForURL(workspaceUrl);
    await section.getByText('At most 1 session at a time; a new sign-in ends the previous one').waitFor();
    await laptop.context.close();
  });
});
