/**
 * Sign-up hardening (review "Hardening", finding 5; OWASP Authentication Cheat Sheet, ASVS 5.0
 * 6.3.x): sign-up is rate limited per IP before any password is hashed, and with mail configured
 * it answers the same for new and taken addresses; a mailed single-use link creates the account.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { harness, ORIGIN, PASSWORD, type Harness } from '../support/harness.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink.js';

let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

const linkToken = (mail: ReceivedMail) => {
  const match = new RegExp(`${ORIGIN.replace(/[.]/g, '\\.')}/sign-up/confirm\\?token=([A-Za-z0-9._%-]+)`).exec(mail.text);
  if (!match) throw new Error(`no sign-up link in:\n${mail.text}`);
  return decodeURIComponent(match[1]!);
};

const signUpFrom = (h: Harness, ip: string, payload: Record<string, unknown>) =>
  h.request({ method: 'POST', url: '/v1/auth/sign-up', headers: { origin: ORIGIN, 'x-forwarded-for': ip }, payload });

describe.each(ENGINES)('sign-up (%s)', (engine) => {
  describe('rate limit, both modes', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await harness(engine, { signUpMode: 'direct', signUpIpLimit: '5/1h' });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('per IP: the sixth sign-up from one address is 429 with Retry-After and hashes no password; other IPs and a later window are not affected', async () => {
      const ip = '198.51.100.20';
      for (let i = 0; i < 5; i++) expect((await signUpFrom(h, ip, { email: email('limit'), password: PASSWORD })).statusCode).toBe(201);
      const hash = vi.spyOn(h.registry.passwords, 'hash');
      try {
        const refused = await signUpFrom(h, ip, { email: email('limit'), password: PASSWORD });
        expectError(refused, 429, 'rate_limited');
        const retryAfter = Number(refused.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(3600);
        // A taken address is refused the same way: the limit comes before anything else.
        expectError(await signUpFrom(h, ip, { email: email('limit'), password: 'short' }), 429, 'rate_limited');
        expect(hash).not.toHaveBeenCalled();
      } finally {
        hash.mockRestore();
      }
      expect((await signUpFrom(h, '198.51.100.21', { email: email('other-ip'), password: PASSWORD })).statusCode).toBe(201);
      h.clock.advance(3600_000 + 1000);
      expect((await signUpFrom(h, ip, { email: email('limit'), password: PASSWORD })).statusCode).toBe(201);
    });

    it('150 probes from one address: no more than the limit are answered, the rest are 429', async () => {
      const ip = '198.51.100.30';
      const victim = email('probed');
      const statuses: number[] = [];
      for (let i = 0; i < 150; i++) statuses.push((await signUpFrom(h, ip, { email: victim, password: PASSWORD })).statusCode);
      expect(statuses.filter((s) => s === 429)).toHaveLength(145);
      expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    });
  });

  describe('by mail (the default with --smtp)', () => {
    let h: Harness;
    let smtp: SmtpSink;
    beforeAll(async () => {
      smtp = await startSmtpSink();
      // `auto`: mail is configured, so sign-up proves the address.
      h = await harness(engine, { smtpUrl: smtp.url, publicUrl: ORIGIN, signUpMode: 'auto', signUpIpLimit: '1000/1h' });
    });
    afterAll(async () => {
      await h?.registry.signals.idle();
      await h?.close();
      await smtp?.close();
    });

    const settle = () => h.registry.signals.idle();
    const mailTo = (to: string, subject: RegExp) => smtp.waitFor((m) => m.to.includes(to) && subject.test(m.subject));
    const confirm = (token: string) =>
      h.request({ method: 'POST', url: '/v1/auth/sign-up/confirm', headers: { origin: ORIGIN }, payload: { token } });
    const signIn = (e: string, password = PASSWORD) =>
      h.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        headers: { origin: ORIGIN },
        payload: { email: e, password, transport: 'bearer' },
      });

    it('answers 202 with the same empty body for a new and a taken address; neither creates an account yet', async () => {
      const taken = email('taken');
      await h.registry.accounts.signUp({ email: taken, password: PASSWORD });
      const fresh = email('fresh');
      const hash = vi.spyOn(h.registry.passwords, 'hash');
      const a = await signUpFrom(h, '198.51.100.40', { email: fresh, password: PASSWORD, name: 'Ada' });
      const b = await signUpFrom(h, '198.51.100.40', { email: taken.toUpperCase(), password: 'another password entirely' });
      for (const res of [a, b]) {
        expect(res.statusCode, res.body).toBe(202);
        expect(res.body).toBe('');
      }
      expect(a.headers['content-type']).toEqual(b.headers['content-type']);
      await settle();
      // The same work after the response for both: one hash each (timing says nothing either).
      expect(hash).toHaveBeenCalledTimes(2);
      hash.mockRestore();
      expect(await h.registry.store.findUserByEmailKey(fresh)).toBeNull();
      expectError(await signIn(fresh), 401, 'invalid_credentials');
    });

    it('mails a new address a single-use link that creates the account (201, no session); the password is the one chosen', async () => {
      const e = email('new');
      expect((await signUpFrom(h, '198.51.100.41', { email: e, password: PASSWORD, name: ' Grace ' })).statusCode).toBe(202);
      const mail = await mailTo(e, /confirm your sessiond account/i);
      expect(mail.text).toMatch(/works once and expires in 1440 minutes/);
      const token = linkToken(mail);
      const created = await confirm(token);
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().user).toMatchObject({ email: e, name: 'Grace' });
      expect(created.headers['set-cookie']).toBeUndefined();
      expect((await signIn(e)).statusCode).toBe(200);
      // Single use.
      expectError(await confirm(token), 400, 'invalid_token');
    });

    it('tells the owner of a taken address by mail, and changes nothing about the account', async () => {
      const e = email('owner');
      await h.registry.accounts.signUp({ email: e, password: PASSWORD });
      expect((await signUpFrom(h, '198.51.100.42', { email: e, password: 'an attacker password here' })).statusCode).toBe(202);
      const mail = await mailTo(e, /someone tried to sign up/i);
      expect(mail.text).toMatch(/already has one/);
      expect(mail.text).toMatch(/198\.51\.100\.42/);
      expect(mail.text).not.toMatch(/sign-up\/confirm/);
      expect((await signIn(e)).statusCode).toBe(200);
      expectError(await signIn(e, 'an attacker password here'), 401, 'invalid_credentials');
    });

    it('refuses a bad, altered or expired link with 400 invalid_token', async () => {
      expectError(await confirm('not-a-token'), 400, 'invalid_token');
      const e = email('expiring');
      await signUpFrom(h, '198.51.100.43', { email: e, password: PASSWORD });
      const token = linkToken(await mailTo(e, /confirm your/i));
      expectError(await confirm(`${token.slice(0, -2)}xx`), 400, 'invalid_token');
      h.clock.advance(24 * 3600_000 + 1000);
      expectError(await confirm(token), 400, 'invalid_token');
      expect(await h.registry.store.findUserByEmailKey(e)).toBeNull();
      // The expired request (and its password hash) goes with the next purge.
      expect(await h.registry.signUp.purgeStale()).toBeGreaterThan(0);
      expect(await h.registry.signUp.purgeStale()).toBe(0);
    });

    it('over the per-address limit (3/1h): still 202, but no hash and no mail', async () => {
      const e = email('flooded');
      const hash = vi.spyOn(h.registry.passwords, 'hash');
      try {
        for (let i = 0; i < 5; i++) expect((await signUpFrom(h, '198.51.100.47', { email: e, password: PASSWORD })).statusCode).toBe(202);
        await settle();
        expect(hash).toHaveBeenCalledTimes(3);
      } finally {
        hash.mockRestore();
      }
      expect(smtp.messages.filter((m) => m.to.includes(e))).toHaveLength(3);
    });

    it('still says what is wrong with the input itself, the same for every address', async () => {
      expectError(await signUpFrom(h, '198.51.100.44', { email: email('weak'), password: 'short' }), 400, 'weak_password');
      expectError(await signUpFrom(h, '198.51.100.44', { email: 'not an email', password: PASSWORD }), 400, 'invalid_request');
    });

    it('150 probes of taken addresses: never a 409, only 202s', async () => {
      const probed: string[] = [];
      for (let i = 0; i < 3; i++) {
        const e = email('probe');
        await h.registry.accounts.signUp({ email: e, password: PASSWORD });
        probed.push(e);
      }
      const statuses = new Set<number>();
      for (let i = 0; i < 150; i++)
        statuses.add((await signUpFrom(h, '198.51.100.45', { email: probed[i % 3]!, password: PASSWORD })).statusCode);
      expect([...statuses]).toEqual([202]);
      await settle();
    });

    it('is refused with 403 sign_up_disabled when sign-up is off, confirmation included', async () => {
      const closed = await harness(engine, { smtpUrl: smtp.url, signUp: false });
      try {
        expectError(await signUpFrom(closed, '198.51.100.46', { email: email('closed'), password: PASSWORD }), 403, 'sign_up_disabled');
        expectError(
          await closed.request({ method: 'POST', url: '/v1/auth/sign-up/confirm', headers: { origin: ORIGIN }, payload: { token: 'a.b' } }),
          403,
          'sign_up_disabled',
        );
      } finally {
        await closed.close();
      }
    });
  });
});
