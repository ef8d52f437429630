/**
 * Sign-up by mail in a real Chromium, against the real server process with `--smtp` (so the
 * default `auto` mode is `email`) and a real SMTP server: the API answers 202 for a new and a
 * taken address alike; the new address gets a link that, opened in the browser, creates the
 * account on a button press; the owner of the taken address is told someone tried.
 *
 * Needs `npm run build` (npm test does it) and Debian's chromium at /usr/bin/chromium.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../support/smtp-sink.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { SPAWN_HOOK_TIMEOUT_MS, launchChromium, newDevice, startSessiond, type RunningServer } from './support.js';

const PASSWORD = 'correct horse battery staple';
const NEW = 'ada@example.com';
const TAKEN = 'grace@example.com';

let server: RunningServer | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let smtp: SmtpSink | undefined;

const post = (path: string, body: unknown) =>
  fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startSessiond({ extraArgs: ['--smtp', smtp.url] });
  baseUrl = server.url;
  browser = await launchChromium();
}, SPAWN_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
});

describe('sign-up by mail in Chromium', () => {
  it('the mailed link creates the account in the browser; a taken address answers the same and its owner is told', async () => {
    // The taken address: created through a first sign-up by mail, as any account is.
    expect((await post('/v1/auth/sign-up', { email: TAKEN, password: PASSWORD })).status).toBe(202);
    const first = await smtp!.waitFor((m) => m.to.includes(TAKEN) && /^Confirm your/.test(m.subject), { timeoutMs: 10_000 });
    const firstToken = new URL(first.text.match(/https?:\/\/\S+\/sign-up\/confirm\S*/)![0]).searchParams.get('token')!;
    expect((await post('/v1/auth/sign-up/confirm', { token: firstToken })).status).toBe(201);

    const fresh = await post('/v1/auth/sign-up', { email: NEW, password: PASSWORD, name: 'Ada Lovelace' });
    const taken = await post('/v1/auth/sign-up', { email: TAKEN, password: 'someone else entirely here' });
    expect([fresh.status, taken.status]).toEqual([202, 202]);
    expect([await fresh.text(), await taken.text()]).toEqual(['', '']);

    const tried = await smtp!.waitFor((m) => m.to.includes(TAKEN) && /^Someone tried to sign up/.test(m.subject), { timeoutMs: 10_000 });
    expect(tried.text).not.toContain('/sign-up/confirm');
    const mail = await smtp!.waitFor((m) => m.to.includes(NEW) && /^Confirm your/.test(m.subject), { timeoutMs: 10_000 });
    const link = mail.text.match(/https?:\/\/\S+\/sign-up\/confirm\S*/)?.[0];
    expect(link).toBeDefined();

    const { page } = await newDevice(browser!, 'windows', '81.2.69.142');
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    // The token leaves the address bar at once; opening the page created nothing.
    expect(new URL(page.url()).search).toBe('');
    expect((await post('/v1/auth/sign-in', { email: NEW, password: PASSWORD, transport: 'bearer' })).status).toBe(401);

    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByText('Your account was created.', { exact: false }).waitFor();
    expect((await post('/v1/auth/sign-in', { email: NEW, password: PASSWORD, transport: 'bearer' })).status).toBe(200);

    // The link worked once: opening it again and pressing the button says so.
    await page.goto(link!);
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('alert').waitFor();
    // The taken account still has its own password.
    expect((await post('/v1/auth/sign-in', { email: TAKEN, password: PASSWORD, transport: 'bearer' })).status).toBe(200);
  });
});
