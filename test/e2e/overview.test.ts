/**
 * The security overview in a real Chromium against the real server process, on a SQLite file
 * whose built-in history the test seeds with chosen values (test/support/telemetry-seed.ts, as the
 * nodes' rollers would have written them): this period's and the same hours one week earlier. An
 * owner who is also an instance administrator opens the workspace's overview from the workspace
 * page and the instance's from the navigation: every figure on the page is the one the API
 * answered the page, the week-over-week changes are right, the charts are drawn (uPlot canvases
 * with this period's line on them), the period switch asks for 7 days, and axe-core finds nothing
 * in light or dark. `npm run screenshots` keeps docs/screenshots/security-overview.png.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES } from '../../src/core/ports/telemetry-store.js';
import type { OverviewReport as Overview } from '../../src/core/overview.js';
import { seedTelemetry, type SeedValue } from '../support/telemetry-seed.js';
import {
  SPAWN_HOOK_TIMEOUT_MS,
  axeViolations,
  launchChromium,
  newDevice,
  screenshot,
  signUp,
  startSessiond,
  type Device,
  type RunningServer,
} from './support.js';

const OWNER = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

let dir = '';
let dbUrl = '';
let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let owner: Device;
let workspaceId = '';
/** The time the history is seeded around. */
const now = Date.now();

/**
 * A workspace's history: this period 9 sign-ins and 3 wrong passwords (12), last week 9 and 1
 * (10); sessions ended by an admin 2 (none last week), by the person 4 (5 last week); spread
 * over a few hours so the charts have a shape.
 */
function workspaceHistory(scope: string): SeedValue[] {
  const values: SeedValue[] = [];
  const at = (hoursAgo: number, week: 0 | 1) => now - hoursAgo * HOUR - week * WEEK;
  const success = { outcome: 'success' };
  const wrong = { outcome: 'invalid_credentials' };
  for (const [hoursAgo, n] of [
    [2, 4],
    [5, 3],
    [9, 2],
  ] as const) {
    values.push({ at: at(hoursAgo, 0), series: SERIES.signIns, label: success, value: n, scope });
    values.push({ at: at(hoursAgo + 1, 1), series: SERIES.signIns, label: success, value: n, scope });
  }
  values.push({ at: at(3, 0), series: SERIES.signIns, label: wrong, value: 3, scope });
  values.push({ at: at(3, 1), series: SERIES.signIns, label: wrong, value: 1, scope });
  values.push({ at: at(4, 0), series: SERIES.revocations, label: { actor: 'admin' }, value: 2, scope });
  values.push({ at: at(4, 0), series: SERIES.revocations, label: { actor: 'user' }, value: 4, scope });
  values.push({ at: at(6, 1), series: SERIES.revocations, label: { actor: 'user' }, value: 5, scope });
  values.push({ at: at(7, 0), series: SERIES.suspiciousSignIns, value: 1, scope });
  // Only in the last 7 days: 5 more sign-ins three days ago.
  values.push({ at: now - 3 * 24 * HOUR, series: SERIES.signIns, label: success, value: 5, scope });
  return values;
}

/** The instance's node figures: validation latency, revocation lag and alert mails, both weeks. */
function instanceHistory(): SeedValue[] {
  const values: SeedValue[] = [];
  for (const week of [0, 1] as const) {
    for (const hoursAgo of [1, 4, 8]) {
      const at = now - hoursAgo * HOUR - week * WEEK;
      // Cumulative per upper bound, as Prometheus keeps a histogram; last week was slower.
      const validation =
        week === 0 ? { '0.001': 60, '0.005': 95, '0.01': 99, '+Inf': 100 } : { '0.001': 40, '0.005': 90, '0.01': 98, '+Inf': 100 };
      for (const [le, value] of Object.entries(validation)) {
        values.push({ at, series: SERIES.validationDuration, label: { operation: 'validation', le }, value });
      }
      const lag = week === 0 ? { '0.01': 8, '0.05': 10, '+Inf': 10 } : { '0.01': 5, '0.05': 9, '+Inf': 10 };
      for (const [le, value] of Object.entries(lag)) values.push({ at, series: SERIES.revocationLag, label: { le }, value });
      values.push({ at, series: SERIES.mails, label: { kind: 'suspicious_sign_in', outcome: 'sent' }, value: week === 0 ? 2 : 1 });
    }
  }
  values.push({ at: now - 2 * HOUR - WEEK, series: SERIES.mails, label: { kind: 'new_device', outcome: 'failed' }, value: 1 });
  return values;
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Email').fill(OWNER);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens a page and returns the overview the page itself was answered (`range`). */
async function answerOf(page: Page, range: '24h' | '7d', open: () => Promise<unknown>): Promise<Overview> {
  const answered = page.waitForResponse(
    (res) => /\/overview\?range=/.test(res.url()) && res.url().endsWith(`range=${range}`) && res.request().method() === 'GET',
  );
  await open();
  const res = await answered;
  expect(res.status()).toBe(200);
  return (await res.json()) as Overview;
}

/** Each row of the figures table: its id, the exact numbers it holds (<data value>) and its cells' text. */
async function figureRows(page: Page): Promise<{ id: string; values: (number | null)[]; cells: string[] }[]> {
  return page
    .locator('table.overview-table')
    .first()
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => {
        const tds = [...row.querySelectorAll('td')];
        return {
          id: row.getAttribute('data-figure') ?? '',
          values: tds.slice(0, 2).map((td) => {
            const data = td.querySelector('data');
            return data === null ? null : Number(data.value);
          }),
          cells: tds.map((td) => (td.textContent ?? '').trim()),
        };
      }),
    );
}

/** Every figure the API answered the page is on it, in its order, this period's and last week's (null: "—"). */
async function expectFiguresMatch(page: Page, answer: Overview): Promise<Map<string, string[]>> {
  const rows = await figureRows(page);
  expect(rows.map((r) => r.id)).toEqual(answer.figures.map((f) => f.id));
  for (const f of answer.figures) {
    const row = rows.find((r) => r.id === f.id)!;
    expect(row.values, f.id).toEqual([f.current, f.previous]);
    if (f.current === null) expect(row.cells[0], f.id).toBe('—');
    if (f.previous === null) expect(row.cells[1], f.id).toBe('—');
  }
  return new Map(rows.map((r) => [r.id, r.cells]));
}

/** For each chart: pixels drawn at all, and pixels in this period's colour (the line itself). */
async function chartPixels(page: Page): Promise<{ drawn: number; line: number }[]> {
  return page.locator('.chart-plot').evaluateAll((plots) =>
    plots.map((plot) => {
      const canvas = plot.querySelector('canvas');
      if (canvas === null) return { drawn: 0, line: 0 };
      const hex = getComputedStyle(plot).getPropertyValue('--chart-1').trim().replace('#', '');
      const want = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      let line = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! === 0) continue;
        drawn++;
        if (Math.abs(data[i]! - want[0]!) + Math.abs(data[i + 1]! - want[1]!) + Math.abs(data[i + 2]! - want[2]!) < 30) line++;
      }
      return { drawn, line };
    }),
  );
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page), `${what}, ${scheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sessiond-overview-'));
  dbUrl = `sqlite:${path.join(dir, 'sessiond.db')}`;
  // The instance's history first (it migrates the file), then the server on the same file.
  await seedTelemetry(dbUrl, instanceHistory(), { now });
  server = await startSessiond({ trustProxy: true, extraArgs: ['--db', dbUrl, '--instance-admins', OWNER] });
  baseUrl = server.url;
  await signUp(baseUrl, { email: OWNER, password: PASSWORD, name: 'Ada Lovelace' });
  browser = await launchChromium();
  owner = await newDevice(browser, 'windows', '81.2.69.142', { axe: true });
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('the security overview in Chromium, with seeded history', () => {
  it('an owner opens the workspace’s overview from its page: the API’s figures, last week’s and the changes', async () => {
    const { page } = owner;
    await page.goto(`${baseUrl}/settings/workspaces`);
    await page.waitForURL(/\/sign-in\?/);
    await signIn(page);
    await page.waitForURL(`${baseUrl}/settings/workspaces`);
    await page.getByLabel('Workspace name').fill('Acme');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { level: 2, name: 'Acme' }).waitFor();
    workspaceId = new URL(page.url()).searchParams.get('ws')!;
    await seedTelemetry(dbUrl, workspaceHistory(workspaceId), { now });

    const answer = await answerOf(page, '24h', () => page.getByRole('link', { name: 'Security overview' }).click());
    expect(answer.scope).toBe('workspace');
    await page.getByRole('heading', { level: 1, name: 'Security overview: Acme' }).waitFor();
    await page.locator('table.overview-table tbody tr').first().waitFor();
    const rows = await expectFiguresMatch(page, answer);

    // What was seeded, and its change against last week, better or worse by the figure.
    expect(rows.get('sign_ins')).toEqual(['12', '10', '▲ up 20%', 'Neither']);
    expect(rows.get('sign_in_success_rate')).toEqual(['75%', '90%', '▼ down 15 pts worse', 'Higher']);
    expect(rows.get('sign_in_failures')).toEqual(['3', '1', '▲ up 200% worse', 'Lower']);
    expect(rows.get('revocations')).toEqual(['6', '5', '▲ up 20%', 'Neither']);
    // Nothing to compare with: no review of an alert in either week.
    expect(rows.get('median_alert_to_review_ms')?.slice(0, 3)).toEqual(['—', '—', '—No figure for last week to compare with']);
    // The instance's node figures, marked so: last week's validation was slower.
    expect(rows.get('validation_p50_seconds')?.[0]).toMatch(/^[\d.]+ ms$/);
    expect(rows.get('validation_p50_seconds')?.[2]).toMatch(/^▼ down \d+(\.\d)?% better$/);
    await page.getByText(/measured per node for the whole instance/).waitFor();

    const reasons = page.getByRole('table', { name: /^Failed sign-ins by the reason/ });
    expect(
      await reasons
        .getByRole('row', { name: /^Wrong email or password/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['3', '1', '▲ up 200% worse']);
    const actors = page.getByRole('table', { name: /^Sessions ended by who ended them/ });
    expect(
      await actors
        .getByRole('row', { name: /^A workspace administrator/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['2', '0', '▲ up from 0']);
    expect(
      await actors
        .getByRole('row', { name: /^The person themselves/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['4', '5', '▼ down 20%']);

    // Seven charts, each drawn, this period's line on each; and a sentence each for screen readers.
    await expect.poll(async () => (await chartPixels(page)).length).toBe(7);
    const pixels = await chartPixels(page);
    for (const [i, p] of pixels.entries()) {
      expect(p.drawn, `chart ${i}`).toBeGreaterThan(500);
      expect(p.line, `chart ${i}`).toBeGreaterThan(20);
    }
    expect(
      await page
        .getByRole('figure', { name: /^Sign-ins, per 15 minutes/ })
        .getByRole('img')
        .getAttribute('aria-label'),
    ).toBe('Sign-ins: 12 in this period, 10 last week. Failed sign-ins: 3 in this period, 1 last week.');

    await expectAccessible(page, 'a workspace’s security overview');
    await screenshot(page, 'security-overview');
  });

  it('the period switch asks for the last 7 days and shows what that answers', async () => {
    const { page } = owner;
    const week = await answerOf(page, '7d', () => page.getByRole('button', { name: 'Last 7 days' }).click());
    expect(week.range).toBe('7d');
    await page.getByRole('table', { name: /^Every figure for the last 7 days/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('range')).toBe('7d');
    const rows = await expectFiguresMatch(page, week);
    // Three days ago's 5 sign-ins are in this week, not in the last 24 hours.
    expect(rows.get('sign_ins')?.slice(0, 3)).toEqual(['17', '10', '▲ up 70%']);
    await page.getByRole('figure', { name: /^Sign-ins, per hour/ }).waitFor();
    expect((await chartPixels(page)).every((p) => p.line > 20)).toBe(true);
  });

  it('an instance administrator finds the instance’s overview in the navigation', async () => {
    const { page } = owner;
    await page.goto(`${baseUrl}/settings/security/sessions`);
    const link = page.getByRole('navigation', { name: 'Security settings' }).getByRole('link', { name: 'Instance' });
    const answer = await answerOf(page, '24h', () => link.click());
    expect(answer.scope).toBe('instance');
    await page.getByRole('heading', { level: 1, name: 'Instance security overview' }).waitFor();
    await page.locator('table.overview-table tbody tr').first().waitFor();
    const rows = await expectFiguresMatch(page, answer);
    expect(rows.get('alert_mails_sent')).toEqual(['6', '3', '▲ up 100%', 'Neither']);
    expect(rows.get('alert_mails_failed')?.slice(0, 3)).toEqual(['0', '1', '▼ down 100% better']);
    // Seven charts; the instance's seeded latency, revocation lag and mails are drawn in this period's colour.
    await expect.poll(async () => (await chartPixels(page)).length).toBe(7);
    const pixels = await chartPixels(page);
    expect(pixels.every((p) => p.drawn > 500)).toBe(true);
    expect(pixels.slice(4).map((p) => p.line > 20)).toEqual([true, true, true]);
    await expectAccessible(page, 'the instance’s security overview');
  });

  it('under the pages’ own Content-Security-Policy (not bypassed for axe), the charts load and draw and nothing is refused', async () => {
    const strict = await newDevice(browser!, 'windows', '81.2.69.144');
    try {
      const { page } = strict;
      const refused: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') refused.push(message.text());
      });
      await page.goto(`${baseUrl}/sign-in`);
      await signIn(page);
      await page.waitForURL(`${baseUrl}/settings/security/sessions`);
      await page.goto(`${baseUrl}/settings/workspaces/overview?ws=${workspaceId}`);
      await page.getByRole('heading', { level: 1, name: 'Security overview: Acme' }).waitFor();
      await expect.poll(async () => (await chartPixels(page)).filter((p) => p.line > 20).length).toBe(7);
      expect(refused.filter((text) => /Content Security Policy|Refused/i.test(text))).toEqual([]);
    } finally {
      await strict.context.close();
    }
  });

  it('a member who is not an instance administrator has no such link and is refused the page', async () => {
    const other = await newDevice(browser!, 'windows', '81.2.69.143');
    try {
      await signUp(baseUrl, { email: 'grace@example.com', password: PASSWORD, name: 'Grace Hopper' });
      const { page } = other;
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel('Email').fill('grace@example.com');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${baseUrl}/settings/security/sessions`);
      const probed = page.waitForResponse((res) => res.url().endsWith('/v1/admin/overview?range=24h'));
      await page.reload();
      expect((await probed).status()).toBe(403);
      await page.getByRole('heading', { level: 1, name: 'Active sessions' }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Security settings' }).getByRole('link', { name: 'Instance' }).count()).toBe(0);
      await page.goto(`${baseUrl}/settings/instance`);
      await page.getByRole('alert').filter({ hasText: 'Only the instance’s administrators' }).waitFor();
    } finally {
      await other.context.close();
    }
  });
});
