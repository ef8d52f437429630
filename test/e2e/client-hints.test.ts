/**
 * Devices named from what the browser really is, in a real Chromium against the real server: the
 * sign-in page asks for client hints (Accept-CH), Chromium sends them with the sign-in, and the
 * Active sessions page shows the system and browser they tell. A User-Agent alone, whose system
 * version Chromium freezes ("Mac OS X 10_15_7", "Windows NT 10.0"), never shows that version.
 * Each test signs in its own account, so its page lists that one session.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import type { Browser, BrowserContext, CDPSession, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_HOOK_TIMEOUT_MS, WINDOWS_CHROME, launchChromium, signUp, startSessiond, type RunningServer } from './support.js';

const PASSWORD = 'correct horse battery staple';
const MAC_CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
let accounts = 0;

beforeAll(async () => {
  server = await startSessiond();
  baseUrl = server.url;
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

/** A fresh browser profile (nothing asked of it yet), with the requests it sends to the server kept. */
async function openBrowser(): Promise<{ page: Page; sent: Request[] }> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  const sent: Request[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(baseUrl)) sent.push(request);
  });
  return { page, sent };
}

/** Loads the sign-in page, signs a new account in and waits for Active sessions to list its session. */
async function signInNewAccount(page: Page): Promise<void> {
  const email = `hints-${++accounts}@example.com`;
  await signUp(baseUrl, { email, password: PASSWORD, name: 'Ada Lovelace' });
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/settings/security/sessions`);
  await page.getByText('This device').first().waitFor();
}

/** The headers of the first page load and of the sign-in request. */
async function pageLoadAndSignIn(sent: Request[]): Promise<{ pageLoad: Record<string, string>; signIn: Record<string, string> }> {
  const pageLoad = sent.find((r) => r.isNavigationRequest() && new URL(r.url()).pathname === '/sign-in');
  const signIn = sent.find((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/auth/sign-in');
  expect(pageLoad, 'the sign-in page load').toBeDefined();
  expect(signIn, 'the sign-in request').toBeDefined();
  return { pageLoad: await pageLoad!.allHeaders(), signIn: await signIn!.allHeaders() };
}

async function overrideUserAgent(page: Page, override: Record<string, unknown>): Promise<void> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setUserAgentOverride', override as { userAgent: string });
}

describe('client hints in Chromium', () => {
  it('this Chromium sends the hints the page asked for with the sign-in, and its session is named from them', async () => {
    const { page, sent } = await openBrowser();
    await signInNewAccount(page);

    const { pageLoad, signIn } = await pageLoadAndSignIn(sent);
    // A fresh profile has not been asked yet: the first page load carries only the default hints.
    expect(pageLoad['sec-ch-ua-full-version-list']).toBeUndefined();
    expect(pageLoad['sec-ch-ua-platform-version']).toBeUndefined();
    // The page's Accept-CH asked, so the sign-in carries the full version list.
    const version = browser!.version(); // e.g. 156.0.8078.129
    expect(signIn['sec-ch-ua-full-version-list'] ?? '(not sent)').toContain(`"Chromium";v="${version}"`);
    expect(signIn['sec-ch-ua-platform']).toBe('"Linux"');
    // Its User-Agent says "HeadlessChrome/<major>.0.0.0", which reads as Chrome: "Chromium" is the hints'.
    expect(signIn['user-agent']).toMatch(/HeadlessChrome\//);
    const major = version.split('.')[0];
    await page.getByText(`Linux · Chromium ${major}`, { exact: true }).waitFor();
    await page.getByText('Linux PC', { exact: true }).waitFor();
  });

  it('an emulated Chrome on Windows 11 shows "Windows 11", from Sec-CH-UA-Platform-Version', async () => {
    const { page, sent } = await openBrowser();
    // What Chrome 131 on Windows 11 reports: its User-Agent still says "Windows NT 10.0".
    await overrideUserAgent(page, {
      userAgent: WINDOWS_CHROME,
      userAgentMetadata: {
        brands: [
          { brand: 'Google Chrome', version: '131' },
          { brand: 'Chromium', version: '131' },
          { brand: 'Not_A Brand', version: '24' },
        ],
        fullVersionList: [
          { brand: 'Google Chrome', version: '131.0.6778.86' },
          { brand: 'Chromium', version: '131.0.6778.86' },
          { brand: 'Not_A Brand', version: '24.0.0.0' },
        ],
        platform: 'Windows',
        platformVersion: '15.0.0',
        architecture: 'x86',
        model: '',
        mobile: false,
      },
    });
    await signInNewAccount(page);

    const { pageLoad, signIn } = await pageLoadAndSignIn(sent);
    expect(pageLoad['sec-ch-ua-platform-version']).toBeUndefined();
    expect(signIn['sec-ch-ua-platform-version']).toBe('"15.0.0"');
    expect(signIn['user-agent']).toContain('Windows NT 10.0');
    await page.getByText('Windows 11 · Chrome 131', { exact: true }).waitFor();
    await page.getByText('Windows PC', { exact: true }).waitFor();
  });

  it('a Chrome on a Mac that sends no hints shows "macOS", never the frozen Catalina (10.15)', async () => {
    const { page, sent } = await openBrowser();
    // A User-Agent override without metadata: Chromium then sends no client hints at all.
    await overrideUserAgent(page, { userAgent: MAC_CHROME });
    await signInNewAccount(page);

    const { signIn } = await pageLoadAndSignIn(sent);
    expect(Object.keys(signIn).filter((name) => name.startsWith('sec-ch-ua'))).toEqual([]);
    expect(signIn['user-agent']).toContain('Mac OS X 10_15_7');
    await page.getByText('macOS · Chrome 131', { exact: true }).waitFor();
    await page.getByText('Mac', { exact: true }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/Catalina|10\.15/);
  });
});
