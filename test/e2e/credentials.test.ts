/**
 * sessiond as an OpenID provider, seen from a real Chromium against the real server process:
 * - a command line (openid-client's device grant in this process, as `sessiond-cli/1.0
 *   (build-server)` from Frankfurt) polls while the signed-in browser types its code at /device
 *   and allows it on the consent page; the sign-in is then listed among the signed-in sessions;
 * - a third-party web app (a small HTTP server here: its redirect URI and its back-channel logout
 *   endpoint, which verifies each logout token with `jose`) signs the person in with code + PKCE
 *   through the browser; the page lists it under Connected apps and Signed in with your account;
 * - a personal access token made on the page, its secret read once from the read-only field,
 *   active at /v1/introspect (a service key) until it is revoked on the page;
 * - "Remove access" on the page: the app's refresh token is refused and the app gets a verified
 *   logout token; signing the device sign-in out: the command line's next refresh fails;
 * - axe-core on the consent page and on the page with every section filled, light and dark
 *   (and `npm run screenshots` keeps docs/screenshots/connected-apps.png);
 * - a signed-out phone: sessiond's sign-in on the way to the consent page, and Deny.
 *
 * The clients and the service key are made with the CLI (`sessiond oauth-clients add`,
 * `sessiond service-keys create`) on the SQLite file the server then serves, as an operator would.
 * The tests run in order and share the account, like one person's afternoon.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/serve-process.js';
import { testKeyFile } from '../support/secret-key.js';
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

const EMAIL = 'katherine@example.com';
const PASSWORD = 'correct horse battery staple';
// Public addresses whose DB-IP city is stable: the browser in London, the build server in Frankfurt.
const IP_LONDON = '81.2.69.142';
const IP_FRANKFURT = '80.150.0.1';
const CLI_UA = 'sessiond-cli/1.0 (build-server)';
const APP = 'Notes Cloud';
const CLI = 'Command line';
const DEVICE_LABEL = `${CLI} · build-server · near Frankfurt am Main, DE`;

let dir = '';
let server: RunningServer | undefined;
let baseUrl = '';
let issuer = '';
let browser: Browser | undefined;
let desk: Device | undefined;
let app: Awaited<ReturnType<typeof thirdPartyApp>> | undefined;
let webClient = { id: '', secret: '' };
let deviceClientId = '';
let serviceKey = '';

/**
 * The third-party web app: `/callback` is its redirect URI (the browser lands there with the
 * code; the page says so), `/backchannel-logout` receives logout tokens and keeps those `jose`
 * verifies against sessiond's published keys (typ logout+jwt, issuer, audience: the app).
 */
async function thirdPartyApp() {
  const callbacks: URL[] = [];
  const logouts: JWTPayload[] = [];
  const rejected: unknown[] = [];
  const waiters: (() => void)[] = [];
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/callback') {
      callbacks.push(new URL(req.url!, origin));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html lang="en"><title>${APP}</title><h1>${APP}</h1><p>Signing you in…</p></html>`);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/backchannel-logout') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        jwks ??= createRemoteJWKSet(new URL(`${issuer}/jwks`));
        const token = new URLSearchParams(body).get('logout_token') ?? '';
        jwtVerify(token, jwks, { issuer, audience: webClient.id, typ: 'logout+jwt' })
          .then(({ payload }) => {
            logouts.push(payload);
            res.writeHead(200).end();
          })
          .catch((err: unknown) => {
            rejected.push(err);
            res.writeHead(400).end();
          })
          .finally(() => waiters.splice(0).forEach((wake) => wake()));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    redirectUri: `${origin}/callback`,
    logoutUri: `${origin}/backchannel-logout`,
    callbacks,
    logouts,
    rejected,
    /** Resolves once `count` logout tokens have arrived (verified or not): an event, not a sleep. */
    async logoutsReach(count: number): Promise<void> {
      while (logouts.length + rejected.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

/** The command line's HTTP: its own User-Agent, and its public address through the trusted proxy. */
const cliFetch: oidc.CustomFetch = (url, options) => {
  const headers = new Headers(options.headers);
  headers.set('user-agent', CLI_UA);
  headers.set('x-forwarded-for', IP_FRANKFURT);
  // openid-client's body type is wider than lib.dom's RequestInit (a Uint8Array view); fetch takes it.
  return fetch(url, { ...options, headers } as RequestInit);
};

/** The command line's client (public: no secret); discovery keeps `cliFetch` for every later call. */
function cliConfig(): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), deviceClientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: cliFetch,
  });
}

async function appConfig(): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), webClient.id, webClient.secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

/** A service's question to /v1/introspect about a token, with the service key. */
async function introspect(token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}/v1/introspect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serviceKey}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** 0 axe-core violations in light and in dark. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page), `${what}, ${scheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** A section of the Active sessions page, by its heading. */
const section = (page: Page, heading: string | RegExp) => page.getByRole('region', { name: heading });

async function openSessionsPage(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/settings/security/sessions`);
  await page.getByRole('list', { name: /Signed-in sessions/ }).waitFor();
  await expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sessiond-e2e-credentials-'));
  const db = `sqlite:${path.join(dir, 'sessiond.db')}`;
  app = await thirdPartyApp();
  // The operator's steps, on the database the server is about to serve, with the server's key.
  const cli = async (...args: string[]) => {
    const run = await runCli([...args, '--db', db], { SESSIOND_SECRET_KEY_FILE: testKeyFile() });
    expect(run.code, run.stderr).toBe(0);
    return run.stdout;
  };
  const web = await cli(
    'oauth-clients',
    'add',
    '--name',
    APP,
    '--kind',
    'web',
    '--redirect-uri',
    app.redirectUri,
    '--backchannel-logout-uri',
    app.logoutUri,
  );
  webClient = { id: /^client_id: (\S+)$/m.exec(web)![1]!, secret: /^client_secret: (\S+)$/m.exec(web)![1]! };
  deviceClientId = /^client_id: (\S+)$/m.exec(await cli('oauth-clients', 'add', '--name', CLI, '--kind', 'device'))![1]!;
  serviceKey = (await cli('service-keys', 'create', '--name', 'billing-api')).trim();

  // The last --db wins over the suite default (SQLite in memory). The public URL is the issuer's
  // base, so the port is chosen first (publicHost). Re-authentication is not what this suite is
  // about: an hour's window keeps "Confirm it's you" out of a slow run.
  server = await startSessiond({ trustProxy: true, publicHost: '127.0.0.1', extraArgs: ['--db', db, '--reauth-window', '1h'] });
  baseUrl = server.url;
  issuer = `${baseUrl}/oidc`;
  await signUp(baseUrl, { email: EMAIL, password: PASSWORD, name: 'Katherine Johnson' });
  browser = await launchChromium();
  desk = await newDevice(browser, 'windows', IP_LONDON, { axe: true });
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await app?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('connected apps, device sign-ins and personal tokens in Chromium', () => {
  let cli: oidc.Configuration;
  let cliTokens: oidc.TokenEndpointResponse;
  let appTokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

  it('a command line signs in with a code typed at /device and allowed on the consent page; it shows among the signed-in sessions', async () => {
    const { page } = desk!;
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/settings/security/sessions`);

    cli = await cliConfig();
    const started = await oidc.initiateDeviceAuthorization(cli, { scope: 'openid offline_access' });
    expect(started.verification_uri).toBe(`${issuer}/device`);
    // The command line polls from now on, as it would while its user goes to the browser.
    const polling = oidc.pollDeviceAuthorizationGrant(cli, started);
    polling.catch(() => {}); // awaited below; a failure there is the test's

    // The short address the command line prints.
    await page.goto(`${baseUrl}/device`);
    await page.getByRole('heading', { level: 1, name: 'Sign in a device' }).waitFor();
    // The field the person sees, by its placeholder: the page's "Code" label is (for now) tied to
    // the form's hidden xsrf input, not to this one (reported; src/oauth/provider.ts).
    await page.getByPlaceholder('Enter code').fill(started.user_code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Confirm the sign-in' }).waitFor();
    expect(await page.locator('main').textContent()).toContain(`${CLI} is asking to sign in from ${IP_FRANKFURT}.`);
    expect(await page.locator('code').textContent()).toBe(started.user_code);
    await page.getByRole('button', { name: 'Continue' }).click();

    // sessiond's consent page: which app, which device from about where, and what it may do.
    await page.waitForURL(/\/oauth\/consent\?uid=/);
    await page.getByRole('heading', { level: 1, name: `${CLI} wants to use your account` }).waitFor();
    await page.getByText('A sign-in on build-server near Frankfurt am Main, DE is asking for access.').waitFor();
    await page.getByText('Allow it only if you started this sign-in yourself, just now.').waitFor();
    const asks = page.getByRole('list', { name: 'It will be able to' }).getByRole('listitem');
    expect(await asks.allTextContents()).toEqual(['Confirm it’s you', 'Stay connected when you’re away']);
    await expectAccessible(page, 'the consent page of a device sign-in');
    // The app's logo (here its initial) stays square beside a heading that wraps.
    const logo = (await page.locator('.consent-app .app-logo').boundingBox())!;
    expect(logo.width).toBeCloseTo(logo.height, 0);
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.getByRole('heading', { level: 1, name: 'Device signed in' }).waitFor();
    await page.getByText(`${CLI} is signed in.`, { exact: false }).waitFor();
    cliTokens = await polling;
    expect(cliTokens.refresh_token).toBeDefined();

    // Listed with the sessions, as its owner knows it: app, device, place of its last use (the
    // token request just made, noted in the background: waited for rather than raced).
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const { apps } = (await (await fetch('/v1/me/connected-apps')).json()) as { apps: { last_used_at: string | null }[] };
          return apps[0]?.last_used_at ?? null;
        }),
      )
      .not.toBeNull();
    await openSessionsPage(page);
    const devices = section(page, 'Command-line and device sign-ins');
    await devices.getByRole('heading', { name: DEVICE_LABEL }).waitFor();
    expect(await devices.getByRole('listitem').count()).toBe(1);
    expect(await devices.textContent()).toMatch(/Approved .* · Last used /);
    // Not under Connected apps: a device sign-in is a session of the person's own.
    await section(page, /^Connected apps/)
      .getByText('No app is connected to your account.')
      .waitFor();
  });

  it('a third-party web app signs in with code + PKCE through the browser; the page lists it under Connected apps and Signed in with your account', async () => {
    const { page } = desk!;
    const config = await appConfig();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authorize = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app!.redirectUri,
      scope: 'openid email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      prompt: 'consent',
    });
    // The app sends the browser to sessiond, already signed in: straight to the consent page.
    await page.goto(authorize.href);
    await page.waitForURL(/\/oauth\/consent\?uid=/);
    await page.getByRole('heading', { level: 1, name: `${APP} wants to use your account` }).waitFor();
    await page.getByText('A third-party app, not made by us. Allow it only if you trust it.').waitFor();
    const asks = page.getByRole('list', { name: 'It will be able to' }).getByRole('listitem');
    expect(await asks.allTextContents()).toEqual(['Confirm it’s you', 'Your email address', 'Stay connected when you’re away']);
    await expectAccessible(page, 'the consent page of a third-party app');
    await page.getByRole('button', { name: 'Allow' }).click();

    // Back at the app with the code, which the app exchanges (its secret, the PKCE verifier).
    await page.waitForURL(`${app!.redirectUri}?**`);
    await page.getByRole('heading', { level: 1, name: APP }).waitFor();
    expect(app!.callbacks).toHaveLength(1);
    appTokens = await oidc.authorizationCodeGrant(config, app!.callbacks[0]!, { pkceCodeVerifier: verifier, expectedState: state });
    expect(appTokens.refresh_token).toBeDefined();
    const claims = appTokens.claims()!;
    expect(claims.sid).toBeTruthy();
    expect((await oidc.fetchUserInfo(config, appTokens.access_token, claims.sub)).email).toBe(EMAIL);

    await openSessionsPage(page);
    const apps = section(page, /^Connected apps/);
    const row = apps.getByRole('listitem').filter({ has: page.getByRole('heading', { name: APP }) });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Third-party app');
    expect(await row.getByRole('list', { name: 'It may' }).getByRole('listitem').allTextContents()).toEqual([
      'Confirm it’s you',
      'Your email address',
      'Stay connected when you’re away',
    ]);
    expect(text).toMatch(/Connected .* · Last used /);
    // The device sign-in stays apart, with the sessions.
    expect(await apps.getByText(CLI).count()).toBe(0);
    const signedIn = section(page, /^Signed in with your account/);
    await signedIn.getByRole('heading', { name: APP }).waitFor();
    expect(await signedIn.textContent()).toMatch(/Signed in /);
  });

  it('a personal access token made on the page: its secret shown once, active at /v1/introspect, inactive once revoked on the page', async () => {
    const { page, context } = desk!;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const tokens = section(page, /^Personal access tokens/);
    await tokens.getByText('You have no personal access tokens.').waitFor();
    await tokens.getByLabel('Token name').fill('deploy script');
    await tokens.getByRole('checkbox', { name: 'api:read' }).check();
    await tokens.getByLabel('Expires after').selectOption({ label: '90 days' });
    await tokens.getByRole('button', { name: 'Create token' }).click();

    await tokens.getByRole('heading', { name: 'Token “deploy script” created' }).waitFor();
    const field = tokens.getByRole('textbox', { name: 'Your new token' });
    expect(await field.getAttribute('readonly')).not.toBeNull();
    const secret = await field.inputValue();
    expect(secret).toMatch(/^sdpat_/);
    await tokens.getByRole('button', { name: 'Copy' }).click();
    await tokens.getByText('Token copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    const active = await introspect(secret);
    expect(active).toMatchObject({
      active: true,
      client_id: 'personal-token',
      token_type: 'personal_access_token',
      scope: 'api:read',
    });
    expect(typeof active.exp).toBe('number');

    // Once dismissed, the secret is nowhere on the page; the token is listed by name.
    await tokens.getByRole('button', { name: 'I have copied it' }).click();
    await field.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    const row = tokens.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'deploy script' }) });
    await row.waitFor();
    expect(await row.textContent()).toContain('api:read');

    // Every section has something in it now: axe on the whole page, and the README's picture.
    await openSessionsPage(page);
    await section(page, /^Personal access tokens/)
      .getByRole('heading', { name: 'deploy script' })
      .waitFor();
    await section(page, /^Signed in with your account/)
      .getByRole('heading', { name: APP })
      .waitFor();
    await expectAccessible(page, 'Active sessions with a device sign-in, a connected app, a "Sign in with" session and a token');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await lowContrastText(page)).bad, `text below WCAG AA contrast, ${scheme}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'connected-apps');

    const listed = section(page, /^Personal access tokens/);
    await listed.getByRole('button', { name: 'Revoke deploy script' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke “deploy script”?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await listed.getByText('“deploy script” was revoked.').waitFor();
    await listed.getByText('You have no personal access tokens.').waitFor();
    expect(await introspect(secret)).toEqual({ active: false });
  });

  it('Remove access ends the app’s refresh token and tells the app (a verified logout token); signing the device sign-in out ends the command line’s', async () => {
    const { page } = desk!;
    const config = await appConfig();
    // Still working before.
    const rotated = await oidc.refreshTokenGrant(config, appTokens.refresh_token!);
    expect(rotated.refresh_token).toBeDefined();

    const apps = section(page, /^Connected apps/);
    await apps.getByRole('button', { name: `Remove access for ${APP}` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove access for ${APP}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`This ends ${APP}’s access to your account right away and signs you out there.`);
    await dialog.getByRole('button', { name: 'Remove access' }).click();
    await apps.getByText(`${APP} can no longer use your account.`).waitFor();
    await apps.getByText('No app is connected to your account.').waitFor();

    await app!.logoutsReach(1);
    expect(app!.rejected).toEqual([]);
    expect(app!.logouts[0]).toMatchObject({
      sid: appTokens.claims()!.sid,
      sub: appTokens.claims()!.sub,
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    await expect(oidc.refreshTokenGrant(config, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Signed out there, so no longer listed as signed in with the account.
    const signedIn = section(page, /^Signed in with your account/);
    await signedIn.getByRole('heading', { name: APP }).waitFor({ state: 'detached' });

    // The command line still works until its sign-in is ended from the page.
    const refreshed = await oidc.refreshTokenGrant(cli, cliTokens.refresh_token!);
    const devices = section(page, 'Command-line and device sign-ins');
    await devices.getByRole('button', { name: `Sign out ${DEVICE_LABEL}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Sign out this device sign-in?' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`${DEVICE_LABEL} will be signed out right away`);
    await confirm.getByRole('button', { name: 'Sign out' }).click();
    await devices.getByText('No command-line or device sign-in is active.').waitFor();
    // The command line's own OpenID session ended with it.
    await signedIn.getByText('You are not signed in to any app with this account.').waitFor();
    await expect(oidc.refreshTokenGrant(cli, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  // After sign-in the page loads `next` (/oauth/interaction/…) from the server: it is not one of
  // the app's own pages (web/src/router.ts).
  it('a signed-out browser goes through sessiond’s sign-in on the way to the consent page, and Deny sends the app access_denied', async () => {
    const phone = await newDevice(browser!, 'iphone', IP_LONDON, { axe: true });
    const { page } = phone;
    const config = await appConfig();
    const state = oidc.randomState();
    const authorize = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app!.redirectUri,
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state,
    });
    await page.goto(authorize.href);
    await page.waitForURL(/\/sign-in\?/);
    expect(new URL(page.url()).searchParams.get('next')).toMatch(/^\/oauth\/interaction\//);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Signed in, the browser carries on with the app's request: the consent page, at 375 px.
    await page.waitForURL(/\/oauth\/consent\?uid=/);
    await page.getByRole('heading', { level: 1, name: `${APP} wants to use your account` }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expectAccessible(page, 'the consent page at 375 px');
    const before = app!.callbacks.length;
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(`${app!.redirectUri}?**`);
    expect(app!.callbacks).toHaveLength(before + 1);
    const back = app!.callbacks[before]!;
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('code')).toBeNull();
    await phone.context.close();
  });
});
