/**
 * axe-core on every page of the web app and on every kind of dialog it opens, in a real Chromium
 * against the real server process: each at 1280 px (a Windows desktop) and at 375 px (an iPhone),
 * light and dark, 0 violations. The pages are the ones web/src/page-routes.json lists (the one list
 * the server serves the app at), signed out and signed in, plus Page not found; the dialogs are
 * the sign-out confirmations of Active sessions and of a session's own page, turning two-step
 * verification off, a workspace's "End all sessions" and its session policy. ("Confirm it's you"
 * and the code step are checked in pages.test.ts, where the re-authentication window is short.)
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import { Secret, TOTP } from 'otpauth';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pageRoutes from '../../web/src/page-routes.json' with { type: 'json' };
import {
  SPAWN_HOOK_TIMEOUT_MS,
  axeViolations,
  launchChromium,
  newDevice,
  signUp,
  startSessiond,
  type Device,
  type RunningServer,
} from './support.js';

const EMAIL = 'mary@example.com';
const PASSWORD = 'correct horse battery staple';

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let desktop: Device | undefined;
let phone: Device | undefined;
const devices = (): [Device, string][] => [
  [desktop!, '1280 px'],
  [phone!, '375 px'],
];

/** Shown when two-step verification is turned on; the phone signs in again with one. */
let recoveryCodes: string[] = [];
/** Every page this suite opened, by route name: the last test checks none of page-routes.json was left out. */
const visited = new Set<string>();

/** 0 axe-core violations in light and in dark. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page), `${what}, ${scheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Opens `path`, waits for its main heading (`heading`) and checks it. */
async function checkPage(
  device: Device,
  width: string,
  route: keyof typeof pageRoutes.pages,
  query: string,
  heading: RegExp,
): Promise<void> {
  const { page } = device;
  await page.goto(`${baseUrl}${pageRoutes.pages[route]}${query}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  // Anything still loading says so in a status line: wait until it has gone.
  await expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);
  await expectAccessible(page, `${route} at ${width}`);
  visited.add(route);
}

/** Opens a dialog with `open`, checks it (the page behind it is inert), and closes it with Escape. */
async function checkDialog(page: Page, open: Locator, title: string, what: string): Promise<void> {
  await open.click();
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await expectAccessible(page, what);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
}

async function signIn(page: Page, code?: () => string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (code) {
    await page.getByLabel('Authentication code').fill(code());
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.waitForURL(`${baseUrl}/settings/security/sessions`);
}

beforeAll(async () => {
  // Mary is an instance administrator, so the instance's security overview is hers to check too.
  server = await startSessiond({ trustProxy: true, extraArgs: ['--instance-admins', EMAIL] });
  baseUrl = server.url;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Mary Jackson' });
  browser = await launchChromium();
  desktop = await newDevice(browser, 'windows', '81.2.69.142', { axe: true });
  phone = await newDevice(browser, 'iphone', '89.2.0.1', { axe: true });
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('axe-core on every page and dialog, 1280 and 375 px, light and dark', () => {
  it('signed out: sign-in, password reset, the mail-link pages without a link, joining a workspace, Page not found', async () => {
    for (const [device, width] of devices()) {
      await checkPage(device, width, 'signIn', '', /^Sign in$/);
      await checkPage(device, width, 'resetPassword', '', /^Reset your password$/);
      await checkPage(device, width, 'resetPasswordConfirm', '', /^Choose a new password$/);
      await checkPage(device, width, 'reportSignIn', '', /^Was this sign-in not you\?$/);
      await checkPage(device, width, 'signUpConfirm', '', /^Create your account$/);
      const { page } = device;
      const res = await page.goto(`${baseUrl}/settings/security/sesions`);
      expect(res?.status()).toBe(404);
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      await expectAccessible(page, `Page not found at ${width}`);
    }
  });

  it('signed in: Active sessions, a session’s page, activity, password, two-step verification, passkeys, workspaces, the instance’s security overview', async () => {
    for (const [device] of devices()) await signIn(device.page);
    const sessions = await desktop!.page.evaluate(
      async () => (await (await fetch('/v1/me/sessions')).json()) as { sessions: { id: string }[] },
    );
    const ids = sessions.sessions.map((s) => s.id);
    expect(ids).toHaveLength(2);
    for (const [device, width] of devices()) {
      await checkPage(device, width, 'sessions', '', /^Active sessions$/);
      await device.page.getByRole('list', { name: /Signed-in sessions/ }).waitFor();
      await checkPage(device, width, 'session', `?id=${ids[0]}`, /·/);
      await checkPage(device, width, 'activity', '', /^Recent security activity$/);
      await checkPage(device, width, 'password', '', /^Change password$/);
      await checkPage(device, width, 'mfa', '', /^Two-step verification$/);
      // At 127.0.0.1 the page says why passkeys cannot work there (passkeys.test.ts checks it at localhost).
      await checkPage(device, width, 'passkeys', '', /^Passkeys$/);
      await checkPage(device, width, 'workspaces', '', /^Workspaces$/);
      await checkPage(device, width, 'instance', '', /^Instance security overview$/);
      // An invitation link that is not one: the page says so.
      await checkPage(device, width, 'workspaceJoin', '', /^Join a workspace$/);
      // A consent request that has expired (credentials.test.ts checks it with a real app's request).
      await checkPage(device, width, 'oauthConsent', '?uid=expired-or-unknown', /^Allow access\?$/);
    }
  });

  it('the sign-out dialogs of Active sessions and of a session’s own page', async () => {
    for (const [device, width] of devices()) {
      const { page } = device;
      await page.goto(`${baseUrl}/settings/security/sessions`);
      const other = page
        .getByRole('list', { name: /Signed-in sessions/ })
        .locator(':scope > li')
        .nth(1);
      await checkDialog(page, other.getByRole('button', { name: /^Sign out / }), 'Sign out this session?', `sign out one, ${width}`);
      await checkDialog(
        page,
        page.getByRole('button', { name: 'Sign out of all other sessions' }),
        'Sign out of all other sessions?',
        `sign out others, ${width}`,
      );
      await checkDialog(
        page,
        page.getByRole('button', { name: 'Sign out everywhere' }),
        'Sign out everywhere?',
        `sign out everywhere, ${width}`,
      );
      await checkDialog(page, other.getByRole('button', { name: /^Lost this device/ }), 'Lost this device?', `lost device, ${width}`);

      await other.getByRole('link', { name: /^Details and history of / }).click();
      await page.getByRole('heading', { level: 1, name: /·/ }).waitFor();
      await checkDialog(
        page,
        page.getByRole('button', { name: 'Sign out this session' }),
        'Sign out this session?',
        `a session’s page, ${width}`,
      );
    }
  });

  it('two-step verification: the QR code, the recovery codes, its state with trusted devices, and turning it off', async () => {
    const { page } = desktop!;
    await page.goto(`${baseUrl}/settings/security/mfa`);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await expectAccessible(page, 'the QR code step');
    const secret = ((await page.locator('.secret-key').textContent()) ?? '').replace(/\s/g, '');
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    await page.getByLabel('Code from the app').fill(totp.generate());
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await expect.poll(() => codes.count()).toBe(10);
    recoveryCodes = (await codes.allTextContents()).map((c) => c.trim());
    await expectAccessible(page, 'the recovery codes');
    await page.getByRole('button', { name: 'I have saved my codes' }).click();
    await page.getByText('Two-step verification is on.').waitFor();
    await page.getByRole('region', { name: 'Trusted devices' }).waitFor();
    await expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);
    await expectAccessible(page, 'two-step verification on, with trusted devices');
    await checkDialog(
      page,
      page.getByRole('button', { name: 'Turn off two-step verification' }),
      'Turn off two-step verification?',
      'turning two-step verification off',
    );
  });

  it('a workspace: its page, its security overview, ending a member’s sessions and saving a session policy', async () => {
    let workspaceUrl = '';
    for (const [device, width] of devices()) {
      const { page } = device;
      if (workspaceUrl === '') {
        await page.goto(`${baseUrl}/settings/workspaces`);
        await page.getByLabel('Workspace name').fill('Acme');
        await page.getByRole('button', { name: 'Create workspace' }).click();
        await page.waitForURL(/\?ws=/);
        workspaceUrl = page.url();
      } else {
        // Turning two-step verification on signed the phone out: back in, with a recovery code.
        await page.goto(workspaceUrl);
        await page.waitForURL(/\/sign-in\?/);
        await signIn(page, () => recoveryCodes.pop()!);
        await page.goto(workspaceUrl);
      }
      await page.getByRole('heading', { level: 2, name: 'Acme' }).waitFor();
      await page.getByRole('region', { name: 'Audit trail' }).waitFor();
      await expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);
      await expectAccessible(page, `a workspace at ${width}`);
      await checkPage(
        device,
        width,
        'workspaceOverview',
        `?ws=${new URL(workspaceUrl).searchParams.get('ws')}`,
        /^Security overview: Acme$/,
      );
      await page.goto(workspaceUrl);
      await page.getByRole('heading', { level: 2, name: 'Acme' }).waitFor();

      await page.getByRole('button', { name: `Show the sessions of ${EMAIL}` }).click();
      await page.getByRole('list', { name: `Signed-in sessions of ${EMAIL}` }).waitFor();
      await checkDialog(
        page,
        page.getByRole('button', { name: 'End all sessions' }),
        'End all of this member’s sessions?',
        `end all, ${width}`,
      );

      const policy = page.getByRole('region', { name: 'Session policy' });
      await policy.getByLabel('Sessions per member at a time').fill('5');
      await checkDialog(page, policy.getByRole('button', { name: 'Save policy' }), 'Save the session policy?', `save a policy, ${width}`);
    }
  });

  it('left no page of the app unchecked', () => {
    expect([...visited].sort()).toEqual(Object.keys(pageRoutes.pages).sort());
  });
});
