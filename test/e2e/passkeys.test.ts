/**
 * Passkeys in a real Chromium against the real server process (issue 15), with the DevTools
 * protocol's virtual authenticator (WebAuthn.addVirtualAuthenticator: a platform authenticator
 * with resident keys and user verification, presence simulated). The server's public URL is
 * http://localhost:<port>: a WebAuthn relying party is a domain, never an IP address.
 *
 * A person adds a passkey on Settings › Security › Passkeys (behind "Confirm it's you"), signs in
 * with it from the email field's autofill (the virtual authenticator answers a conditional
 * request at once, standing in for the person picking it from the list) and with the button,
 * uses it as the second step after a password, re-authenticates with it, and removes it; every
 * session says how it was signed in. A passkey made for one site is not offered on another.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SPAWN_HOOK_TIMEOUT_MS,
  WINDOWS_CHROME,
  axeViolations,
  launchChromium,
  screenshot,
  signUp,
  startSessiond,
  turnOnTwoStep,
  type RunningServer,
} from './support.js';

const EMAIL = 'dorothy@example.com';
const PASSWORD = 'correct horse battery staple';

let server: RunningServer | undefined;
let other: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let cdp: CDPSession;
let authenticatorId = '';

/** A Windows desktop with a platform authenticator (Windows Hello, as far as the page can tell). */
async function newBrowserWithAuthenticator(): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession; authenticatorId: string }> {
  const ctx = await browser!.newContext({ userAgent: WINDOWS_CHROME, viewport: { width: 1280, height: 900 }, bypassCSP: true });
  ctx.setDefaultTimeout(10_000);
  const p = await ctx.newPage();
  const session = await ctx.newCDPSession(p);
  await session.send('WebAuthn.enable');
  const { authenticatorId: id } = await session.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { context: ctx, page: p, cdp: session, authenticatorId: id };
}

async function credentialsInAuthenticator(): Promise<{ rpId: string; signCount: number }[]> {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials.map((c) => ({ rpId: c.rpId ?? '', signCount: c.signCount }));
}

async function expectAccessible(what: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page), `${what}, ${scheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The session this browser is signed in with, as the API describes it. */
async function currentSession(): Promise<{ auth_method: string }> {
  return page.evaluate(async () => ((await (await fetch('/v1/me/session')).json()) as { session: { auth_method: string } }).session);
}

async function signOut(): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in\?notice=signed_out/);
}

/** "Confirm it's you", when the server asks for it (the re-authentication window is 2 s here). */
async function confirmWithPasswordIfAsked(): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
  if (await dialog.isVisible()) {
    await dialog.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Confirm', exact: true }).click();
  }
}

beforeAll(async () => {
  server = await startSessiond({ publicHost: 'localhost', extraArgs: ['--reauth-window', '2s'] });
  baseUrl = server.url;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Dorothy Vaughan' });
  browser = await launchChromium();
  ({ context, page, cdp, authenticatorId } = await newBrowserWithAuthenticator());
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await other?.stop();
  await server?.stop();
});

describe('passkeys in Chromium with a virtual authenticator', () => {
  it('adds a passkey on the Passkeys page, behind Confirm it’s you', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    expect((await currentSession()).auth_method).toBe('password');

    await page.getByRole('link', { name: 'Passkeys' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/passkeys`);
    await page.getByText('You have no passkeys yet.').waitFor();
    await expectAccessible('Passkeys, none yet');
    await page.getByLabel('Name of the new passkey').fill('Work laptop');
    // A fresh sign-in counts as recent authentication for 2 s here; later, the server asks first.
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page
      .getByRole('dialog', { name: 'Confirm it’s you' })
      .or(page.getByText('The passkey “Work laptop” was added.', { exact: false }))
      .first()
      .waitFor();
    await confirmWithPasswordIfAsked();
    await page.getByText('The passkey “Work laptop” was added.', { exact: false }).waitFor();

    const list = page.getByRole('list', { name: 'Your passkeys' });
    const item = list.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Work laptop' }) });
    await item.waitFor();
    expect(await item.textContent()).toMatch(/Added/);
    expect(await item.textContent()).toMatch(/Never used|Last used/);
    expect(await credentialsInAuthenticator()).toEqual([{ rpId: 'localhost', signCount: expect.any(Number) as number }]);
    await expectAccessible('Passkeys, one');
    await screenshot(page, 'passkeys-1280-light');
  });

  it('signs in from the email field’s autofill: the session says Passkey', async () => {
    await signOut();
    // The sign-in page's conditional request is answered by the authenticator without a click.
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    expect((await currentSession()).auth_method).toBe('passkey');
    const current = page
      .getByRole('list', { name: /Signed-in sessions/ })
      .locator(':scope > li')
      .first();
    await current.getByText('This device', { exact: true }).waitFor();
    expect(await current.textContent()).toContain('Passkey');
  });

  it('signs in with the “Sign in with a passkey” button when autofill found nothing to offer', async () => {
    // With user verification failing, the page's autofill request ends quietly; the button then works.
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    await signOut();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await expectAccessible('Sign in, with its passkey button');
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    expect((await currentSession()).auth_method).toBe('passkey');
  });

  it('uses the passkey as the second step after the password', async () => {
    await turnOnTwoStep(baseUrl, { email: EMAIL, password: PASSWORD }, (secret) =>
      new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate(),
    );

    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    await signOut();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Authentication code').waitFor();
    await expectAccessible('the code step with a passkey offered');
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    await page.getByRole('button', { name: 'Use a passkey instead' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);
    expect((await currentSession()).auth_method).toBe('mfa');
    // Its own page says the second step was the passkey.
    await page.getByRole('link', { name: 'Details and history of this device' }).click();
    await page.getByText('Password + passkey').first().waitFor();
  });

  it('re-authenticates with the passkey to remove it; the passkey then no longer signs in', async () => {
    await page.goto(`${baseUrl}/settings/security/passkeys`);
    const item = page.getByRole('list', { name: 'Your passkeys' }).getByRole('listitem').first();
    await item.getByText(/Last used/).waitFor();
    // Wait out the 2 s window so the server asks to confirm it's you.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const res = await fetch('/v1/me/passkeys/registration-options', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: '{}',
            });
            return res.status;
          }),
        { timeout: 10_000 },
      )
      .toBe(403);
    await item.getByRole('button', { name: 'Remove Work laptop' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove the passkey “Work laptop”?' });
    await remove.waitFor();
    await expectAccessible('the remove dialog');
    await remove.getByRole('button', { name: 'Remove passkey' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it’s you' });
    await reauth.waitFor();
    await expectAccessible('Confirm it’s you, with a passkey');
    await reauth.getByRole('button', { name: 'Use a passkey', exact: true }).click();
    await page.getByText('The passkey “Work laptop” was removed.', { exact: false }).waitFor();
    await page.getByText('You have no passkeys yet.').waitFor();

    // The authenticator still holds it; the server refuses it.
    expect(await credentialsInAuthenticator()).toHaveLength(1);
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    await signOut();
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    // Refused like a wrong password; the email field's autofill is offered again (stopped here).
    const refused = page.getByRole('alert');
    await refused.waitFor();
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    expect(((await refused.textContent()) ?? '').length).toBeGreaterThan(10);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.evaluate(async () => (await fetch('/v1/me/session')).status)).toBe(401);
  });

  it('does not offer a passkey made for one site on another', async () => {
    // The passkey made at localhost is still in the authenticator; another deployment runs at other.localhost.
    other = await startSessiond({ publicHost: 'other.localhost' });
    // (Chromium sends *.localhost to the loopback address; Node's resolver does not, so no API call here.)
    await page.goto(`${other.url}/sign-in`);
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    // The browser has no passkey for other.localhost: nothing is sent, and the page says so calmly.
    await page.getByText(/^No passkey was used\./).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect((await credentialsInAuthenticator()).map((c) => c.rpId)).toEqual(['localhost']);
    await context?.close();
  });
});
