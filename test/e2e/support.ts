/**
 * What every browser suite needs: the built server as a real process, and Debian's Chromium
 * driven by playwright-core (never a downloaded browser). One of each per test file.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { spawnSessiond } from '../support/serve-process.js';

export { SPAWN_HOOK_TIMEOUT_MS } from '../support/serve-process.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.SESSIOND_CHROMIUM ?? '/usr/bin/chromium';

export const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

export type Device = { context: BrowserContext; page: Page };

/**
 * A browser context that looks like a Windows desktop or an iPhone, presenting `ip` as its public
 * address (the server trusts 127.0.0.1 as a proxy in these suites). `axe`: the page's CSP lets
 * the test inject axe-core (`axeViolations`).
 */
export async function newDevice(
  browser: Browser,
  kind: 'windows' | 'iphone',
  ip: string,
  options: { axe?: boolean } = {},
): Promise<Device> {
  const context = await browser.newContext({
    ...(options.axe ? { bypassCSP: true } : {}),
    ...(kind === 'windows'
      ? { userAgent: WINDOWS_CHROME, viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { 'X-Forwarded-For': ip } }
      : {
          userAgent: IPHONE_SAFARI,
          viewport: { width: 375, height: 812 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
          extraHTTPHeaders: { 'X-Forwarded-For': ip },
        }),
  });
  // Fail in seconds rather than at the 30 s test timeout, so one broken step does not stall the file.
  context.setDefaultTimeout(10_000);
  return { context, page: await context.newPage() };
}

export interface RunningServer {
  url: string;
  /** The last lines it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `sessiond serve` on SQLite in memory and a free port, as a user starts it. With `trustProxy`,
 * 127.0.0.1 is a trusted proxy so each browser context can present its own public IP in
 * X-Forwarded-For, as a real deployment behind a proxy would.
 */
export async function startSessiond(
  options: { trustProxy?: boolean; extraArgs?: string[]; publicHost?: string } = {},
): Promise<RunningServer> {
  if (!existsSync(path.join(REPO, 'dist/cli/main.js')) || !existsSync(path.join(REPO, 'web/dist/index.html'))) {
    throw new Error('sessiond is not built: run `npm run build` (npm test does) before the e2e suite');
  }
  const args = ['--db', 'sqlite::memory:', '--host', '127.0.0.1'];
  if (options.publicHost === undefined) args.push('--port', '0');
  else {
    // A name, not 127.0.0.1: WebAuthn relying-party ids are domains. Chromium sends `localhost`
    // and `*.localhost` to the loopback address; the port is chosen first, so the URL is known.
    const port = await freePort();
    args.push('--port', String(port), '--public-url', `http://${options.publicHost}:${port}`);
  }
  if (options.trustProxy) args.push('--trust-proxy', '127.0.0.1/32');
  // Started and tracked by test/support/serve-process.ts: ended with the file whatever happens.
  const server = await spawnSessiond({ args: [...args, ...(options.extraArgs ?? [])], env: { ...process.env, NODE_ENV: 'test' } });
  const url = options.publicHost === undefined ? server.url : `http://${options.publicHost}:${server.port}`;
  return { url, output: () => server.output(), stop: () => server.stop() };
}

/** A TCP port nothing listens on right now (the kernel's choice), for a server whose URL must be known before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Creates the suite's account through the API, as the product's own page would (same Origin). */
export async function signUp(baseUrl: string, account: { email: string; password: string; name: string }): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/auth/sign-up`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl },
    body: JSON.stringify(account),
  });
  if (res.status !== 201) throw new Error(`sign-up answered ${res.status}: ${await res.text()}`);
}

/**
 * Turns two-step verification on for an account through the API, as the two-step page does, from
 * a CLI session of its own (no browser of the test is signed out: sign_out_others false).
 * `codeFor` gives an authenticator code for the secret. Returns the secret and the recovery codes.
 */
export async function turnOnTwoStep(
  baseUrl: string,
  account: { email: string; password: string },
  codeFor: (secret: string) => string,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const json = { 'Content-Type': 'application/json', Origin: baseUrl };
  const signIn = await fetch(`${baseUrl}/v1/auth/sign-in`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...account, transport: 'bearer', client_id: 'cli' }),
  });
  const { token } = (await signIn.json()) as { token: string };
  const auth = { ...json, Authorization: `Bearer ${token}` };
  const started = await fetch(`${baseUrl}/v1/me/mfa/totp`, { method: 'POST', headers: auth, body: '{}' });
  if (started.status !== 200) throw new Error(`two-step enrolment answered ${started.status}: ${await started.text()}`);
  const { secret } = (await started.json()) as { secret: string };
  const confirmed = await fetch(`${baseUrl}/v1/me/mfa/totp/confirm`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ code: codeFor(secret), sign_out_others: false }),
  });
  if (confirmed.status !== 200) throw new Error(`two-step confirmation answered ${confirmed.status}: ${await confirmed.text()}`);
  return { secret, recoveryCodes: ((await confirmed.json()) as { recovery_codes: string[] }).recovery_codes };
}

/** Headless Chromium with this machine's flags; `launch()` gives each run a fresh temporary profile. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt install chromium; never downloaded)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/** The README's screenshots: written only by `npm run screenshots` (SESSIOND_SCREENSHOTS=1). */
const SCREENSHOTS = process.env.SESSIOND_SCREENSHOTS === '1' ? path.join(REPO, 'docs/screenshots') : undefined;

/**
 * The whole page as it is now, pointer out of the way and animations settled. Taken on every run
 * (it also settles the page before a contrast check); kept as docs/screenshots/`name`.png only
 * when `npm run screenshots` asks, so a plain test run leaves the tracked images alone.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({
    ...(SCREENSHOTS ? { path: path.join(SCREENSHOTS, `${name}.png`) } : {}),
    fullPage: true,
    scale: 'css',
    animations: 'disabled',
  });
}

/**
 * Every visible piece of text against the background it is drawn on, by WCAG 2 contrast:
 * at least 4.5:1, or 3:1 for large text. Returns the offenders ("text: ratio").
 */
export async function lowContrastText(page: Page): Promise<{ checked: number; bad: string[] }> {
  return page.evaluate(() => {
    const rgba = (c: string) => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const [r = 0, g = 0, b = 0, a = 1] = m[1]!
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [r, g, b, a];
    };
    const luminance = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = rgba(getComputedStyle(el).backgroundColor);
        if (c[3]! > 0.99) return c;
      }
      return rgba(getComputedStyle(document.documentElement).backgroundColor);
    };
    const bad: string[] = [];
    let checked = 0;
    for (const el of document.querySelectorAll('body *')) {
      const text = [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      const box = el.getBoundingClientRect();
      if (text === '' || box.width === 0 || box.height === 0 || el.closest('[aria-hidden="true"], .visually-hidden, :disabled')) continue;
      checked++;
      const style = getComputedStyle(el);
      const [l1, l2] = [luminance(rgba(style.color)), luminance(background(el))].sort((x, y) => y - x);
      const ratio = (l1! + 0.05) / (l2! + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) bad.push(`${text.slice(0, 40)}: ${ratio.toFixed(2)}`);
    }
    return { checked, bad };
  });
}

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's violations on the page as it is now, as "rule: targets" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (c: Document) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  return violations;
}
