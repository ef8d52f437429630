/**
 * Security signals through the real app and a real SMTP server started here: alerts for a new
 * device and an unusual sign-in, "This wasn't me" from the mail's link and from a session,
 * password reset end to end, and the per-account security timeline.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { harness, IP, ORIGIN, PASSWORD, UA, type Browser, type Harness } from '../support/harness.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink.js';

/** The fields the assertions read; the rest is checked by the response schema. */
interface Ev {
  id: string;
  kind: string;
  session_id: string | null;
  signals: { kind: string }[];
  [key: string]: unknown;
}

const NEW_PASSWORD = 'an entirely new and long passphrase';
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

const linkToken = (mail: ReceivedMail, path: string) => {
  const match = new RegExp(`${ORIGIN.replace(/[.]/g, '\\.')}${path}\\?token=([A-Za-z0-9._%-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in:\n${mail.text}`);
  return decodeURIComponent(match[1]!);
};

describe.each(ENGINES)('security signals (%s)', (engine) => {
  let h: Harness;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    h = await harness(engine, { smtpUrl: smtp.url, publicUrl: ORIGIN });
  });
  afterAll(async () => {
    await h?.registry.signals.idle();
    await h?.close();
    await smtp?.close();
  });

  const settle = () => h.registry.signals.idle();
  const mailTo = (to: string, subject: RegExp, after = 0) => smtp.waitFor((m) => m.to.includes(to) && subject.test(m.subject), { after });
  const me = (headers: Record<string, string>) => h.request({ method: 'GET', url: '/v1/me/session', headers });
  const post = (url: string, payload: unknown) =>
    h.request({ method: 'POST', url, headers: { origin: ORIGIN }, payload: payload as object });
  const events = async (b: Browser, query = '') => {
    const res = await b.request({ method: 'GET', url: `/v1/me/security-events${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { events: Ev[]; next_cursor: string | null };
  };

  describe('sign-in alerts', () => {
    it('sends no alert for an account’s first sign-in, then one for a new device with its details and links', async () => {
      const e = email('alert');
      await h.signUp(e);
      const before = smtp.messages.length;
      await h.browserSignIn(e, { ua: UA.windowsChrome, ip: IP.london });
      await settle();
      expect(smtp.messages.slice(before).filter((m) => m.to.includes(e))).toEqual([]);

      // A second browser (no device cookie) in the same city: a new device, nothing suspicious.
      await h.browserSignIn(e, { ua: UA.macChrome, ip: IP.london });
      const mail = await mailTo(e, /^New sign-in/);
      // The frozen "Mac OS X 10_15_7" names no version: none is invented.
      expect(mail.text, mail.text).toMatch(/^Device: Chrome 124 on macOS$/m);
      expect(mail.text).toContain('App: Web');
      expect(mail.text).toMatch(/Approximate location: .*GB \(approximate\)/);
      expect(mail.text).toContain('IP address: 81.2.69.160');
      expect(mail.text).toContain('Time: 2026-03-01 09:00 UTC');
      expect(mail.text).toContain(`${ORIGIN}/settings/security/sessions`);
      expect(linkToken(mail, '/report-sign-in')).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expect(mail.html).toContain(">This wasn't me</a>");
    });

    it('flags impossible travel and a new country as an unusual sign-in, with the reasons', async () => {
      const e = email('travel');
      await h.signUp(e);
      await h.browserSignIn(e, { ip: IP.london });
      const b = await h.browserSignIn(e, { ip: IP.mountainView });
      const mail = await mailTo(e, /^Unusual sign-in/);
      expect(mail.text).toContain('A country this account has not signed in from before (US)');
      expect(mail.text).toMatch(/Too far from the previous sign-in \(.*GB\) to have travelled: \d+ km in 0 h/);
      const { events: list } = await events(b);
      const suspicious = list.find((ev) => ev.kind === 'suspicious_sign_in');
      expect(suspicious?.signals.map((s) => s.kind)).toEqual(['new_device', 'new_country', 'impossible_travel']);
      expect(JSON.stringify(list)).not.toMatch(/latitude|longitude|device_id/);
    });

    it('flags a success after a burst of failures', async () => {
      const e = email('burst');
      await h.signUp(e);
      await h.browserSignIn(e);
      h.clock.advance(60_000);
      for (let i = 0; i < 5; i++) {
        const res = await post('/v1/auth/sign-in', { email: e, password: 'wrong password, again and again' });
        expectError(res, 401, 'invalid_credentials');
      }
      await settle();
      const b = await h.browserSignIn(e);
      const mail = await mailTo(e, /^Unusual sign-in/);
      expect(mail.text).toContain('5 failed attempts shortly before this sign-in.');
      const kinds = (await events(b, '?limit=100')).events.map((ev) => ev.kind);
      expect(kinds.filter((k) => k === 'sign_in_failed')).toHaveLength(5);
      expect(kinds).toContain('suspicious_sign_in');
    });
  });

  describe('"This wasn\'t me"', () => {
    it('from the mail link: GET changes nothing, the POST ends that session, and sign-in then needs a new password', async () => {
      const e = email('report');
      await h.signUp(e);
      const mine = await h.browserSignIn(e, { ip: IP.london });
      const intruder = await h.browserSignIn(e, { ua: UA.iphoneSafari, ip: IP.london });
      const token = linkToken(await mailTo(e, /^New sign-in/), '/report-sign-in');

      const page = await h.request({ method: 'GET', url: `/report-sign-in?token=${encodeURIComponent(token)}` });
      expect([200, 404]).toContain(page.statusCode); // 404 only when the pages are not built
      expect((await intruder.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);

      const res = await post('/v1/auth/report-sign-in', { token });
      expect(res.statusCode, res.body).toBe(204);
      expect(res.cookies.find((c) => c.name === '__Host-sessiond')).toBeUndefined();
      expectError(await intruder.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expect((await mine.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      // Single use.
      expectError(await post('/v1/auth/report-sign-in', { token }), 400, 'invalid_token');
      // The right password no longer signs in until it is changed.
      expectError(await post('/v1/auth/sign-in', { email: e, password: PASSWORD }), 403, 'password_change_required');

      const kinds = (await events(mine)).events.map((ev) => ev.kind);
      expect(kinds).toContain('session_reported');

      // Changing the password from the session that is still mine answers the report.
      const change = await mine.request({
        method: 'POST',
        url: '/v1/me/password',
        payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
      });
      if (change.statusCode === 204) {
        expect((await post('/v1/auth/sign-in', { email: e, password: NEW_PASSWORD })).statusCode).toBe(200);
        await mailTo(e, /password was changed$/);
      }
    });

    it('refuses a malformed, unknown or cross-site report', async () => {
      expectError(await post('/v1/auth/report-sign-in', { token: 'nope' }), 400, 'invalid_token');
      expectError(await post('/v1/auth/report-sign-in', { token: `${'A'.repeat(22)}.${'B'.repeat(43)}` }), 400, 'invalid_token');
      const res = await h.request({
        method: 'POST',
        url: '/v1/auth/report-sign-in',
        headers: { origin: 'https://evil.example' },
        payload: { token: `${'A'.repeat(22)}.${'B'.repeat(43)}` },
      });
      expectError(res, 403, 'csrf_failed');
    });

    it('from a session: ends the reported session; another user’s id is a 404', async () => {
      const e = email('report-me');
      await h.signUp(e);
      const mine = await h.browserSignIn(e);
      const other = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      const stranger = email('stranger');
      await h.signUp(stranger);
      const theirs = await h.browserSignIn(stranger);

      expectError(await mine.request({ method: 'POST', url: `/v1/me/sessions/${theirs.sessionId}/report`, payload: {} }), 404, 'not_found');
      expect((await theirs.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);

      const res = await mine.request({ method: 'POST', url: `/v1/me/sessions/${other.sessionId}/report`, payload: {} });
      expect(res.statusCode, res.body).toBe(204);
      expectError(await other.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expectError(await post('/v1/auth/sign-in', { email: e, password: PASSWORD }), 403, 'password_change_required');
      const reported = (await events(mine)).events.find((ev) => ev.kind === 'session_reported');
      expect(reported).toMatchObject({
        session_id: other.sessionId,
        actor: { kind: 'session', session_id: mine.sessionId, current: true },
      });
    });
  });

  describe('"This wasn\'t me" from a session needs recent authentication and holds the reporter', () => {
    const MINUTE = 60_000;

    it('refuses to report another session from a stale one (403 reauth_required), like DELETE: nothing ends, nothing is flagged', async () => {
      const e = email('report-stale');
      await h.signUp(e);
      const thief = await h.browserSignIn(e);
      const owner = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      h.clock.advance(11 * MINUTE);

      expectError(await thief.request({ method: 'DELETE', url: `/v1/me/sessions/${owner.sessionId}` }), 403, 'reauth_required');
      expectError(
        await thief.request({ method: 'POST', url: `/v1/me/sessions/${owner.sessionId}/report`, payload: {} }),
        403,
        'reauth_required',
      );
      expect((await owner.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      // Not flagged: the owner can still sign in with the password.
      expect((await post('/v1/auth/sign-in', { email: e, password: PASSWORD })).statusCode).toBe(200);
      // Reporting your own session is signing it out: no re-authentication.
      expect((await thief.request({ method: 'POST', url: `/v1/me/sessions/${thief.sessionId}/report`, payload: {} })).statusCode).toBe(204);
      expectError(await thief.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
    });

    it('after a report the reporter reads but changes nothing until it changes the password (403 password_change_required)', async () => {
      const e = email('report-hold');
      await h.signUp(e);
      const mine = await h.browserSignIn(e);
      const intruder = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      const bystander = await h.browserSignIn(e, { ua: UA.macChrome });
      const res = await mine.request({ method: 'POST', url: `/v1/me/sessions/${intruder.sessionId}/report`, payload: {} });
      expect(res.statusCode, res.body).toBe(204);

      // Reads still work: the reporter can see what happened.
      expect((await mine.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      expect((await mine.request({ method: 'GET', url: '/v1/me/sessions' })).statusCode).toBe(200);
      expect((await mine.request({ method: 'GET', url: '/v1/me/security-events' })).statusCode).toBe(200);
      // Every other change is refused until the password changes.
      for (const req of [
        { method: 'POST' as const, url: '/v1/me/sessions/revoke-others', payload: {} },
        { method: 'POST' as const, url: '/v1/me/sessions/revoke-all', payload: {} },
        { method: 'DELETE' as const, url: `/v1/me/sessions/${bystander.sessionId}` },
        { method: 'POST' as const, url: `/v1/me/sessions/${bystander.sessionId}/report`, payload: {} },
        { method: 'POST' as const, url: '/v1/me/mfa/totp', payload: {} },
        { method: 'POST' as const, url: '/v1/me/devices/current/trust', payload: {} },
      ])
        expectError(await mine.request(req), 403, 'password_change_required');
      expect((await bystander.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      // Only the reporter is held: the other session of the account is not.
      expect((await bystander.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} })).statusCode).toBe(200);

      // Re-authenticating is allowed (the password change needs a recent authentication) ...
      h.clock.advance(11 * MINUTE);
      expect((await mine.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: PASSWORD } })).statusCode).toBe(200);
      // ... and changing the password lifts the hold and the account's flag.
      const change = await mine.request({
        method: 'POST',
        url: '/v1/me/password',
        payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
      });
      expect(change.statusCode, change.body).toBe(204);
      expect((await mine.request({ method: 'POST', url: '/v1/me/sessions/revoke-others', payload: {} })).statusCode).toBe(200);
      expect((await post('/v1/auth/sign-in', { email: e, password: NEW_PASSWORD })).statusCode).toBe(200);
    });

    it('a held reporter can still sign out', async () => {
      const e = email('report-sign-out');
      await h.signUp(e);
      const mine = await h.browserSignIn(e);
      const intruder = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      expect((await mine.request({ method: 'POST', url: `/v1/me/sessions/${intruder.sessionId}/report`, payload: {} })).statusCode).toBe(
        204,
      );
      expect((await mine.request({ method: 'POST', url: '/v1/auth/sign-out', payload: {} })).statusCode).toBe(204);
      expectError(await mine.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
    });
  });

  describe('password reset', () => {
    it('request → mail → confirm: every old session refused, old password refused, new one accepted, no sign-in', async () => {
      const e = email('reset');
      await h.signUp(e);
      const a = await h.browserSignIn(e);
      const bToken = await h.bearerSignIn(e);
      const after = smtp.messages.length;

      const res = await post('/v1/auth/password-reset', { email: e });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.body).toBe('');
      const mail = await mailTo(e, /^Reset your/, after);
      expect(mail.text).toContain('expires in 30 minutes');
      const token = linkToken(mail, '/reset-password/confirm');

      const confirm = await post('/v1/auth/password-reset/confirm', { token, new_password: NEW_PASSWORD });
      expect(confirm.statusCode, confirm.body).toBe(204);
      expect(confirm.cookies.find((c) => c.name === '__Host-sessiond')).toBeUndefined();

      expectError(await a.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expectError(await me({ authorization: `Bearer ${bToken}` }), 401, 'unauthenticated');
      expectError(await post('/v1/auth/sign-in', { email: e, password: PASSWORD }), 401, 'invalid_credentials');
      const fresh = await h.browserSignIn(e, { password: NEW_PASSWORD });

      const changed = await mailTo(e, /password was reset$/, after);
      expect(changed.text).toContain('Every session was signed out.');
      // Reused: refused.
      expectError(
        await post('/v1/auth/password-reset/confirm', { token, new_password: 'yet another long passphrase' }),
        400,
        'invalid_token',
      );
      const kinds = (await events(fresh)).events.map((ev) => ev.kind);
      expect(kinds).toEqual(expect.arrayContaining(['password_reset_requested', 'password_reset']));
    });

    it('refuses an expired token (30 minutes, injected clock), and a weak password does not spend the token', async () => {
      const e = email('expired');
      await h.signUp(e);
      const after = smtp.messages.length;
      expect((await post('/v1/auth/password-reset', { email: e })).statusCode).toBe(202);
      const token = linkToken(await mailTo(e, /^Reset your/, after), '/reset-password/confirm');
      expectError(await post('/v1/auth/password-reset/confirm', { token, new_password: 'short' }), 400, 'weak_password');
      h.clock.advance(30 * 60_000);
      expectError(await post('/v1/auth/password-reset/confirm', { token, new_password: NEW_PASSWORD }), 400, 'invalid_token');
      expect((await post('/v1/auth/sign-in', { email: e, password: PASSWORD })).statusCode).toBe(200);
    });

    it('answers 202 for an unknown email and sends nothing', async () => {
      const ghost = email('ghost');
      const after = smtp.messages.length;
      const res = await post('/v1/auth/password-reset', { email: ghost });
      expect(res.statusCode).toBe(202);
      expect(res.body).toBe('');
      await settle();
      expect(smtp.messages.slice(after).filter((m) => m.to.includes(ghost))).toEqual([]);
      // Not even an address: the same answer.
      expect((await post('/v1/auth/password-reset', { email: 'not an address' })).statusCode).toBe(202);
    });

    it('sends at most 3 reset mails per account per hour, still answering 202', async () => {
      const e = email('flood');
      await h.signUp(e);
      const after = smtp.messages.length;
      for (let i = 0; i < 5; i++) expect((await post('/v1/auth/password-reset', { email: e })).statusCode).toBe(202);
      await settle();
      expect(smtp.messages.slice(after).filter((m) => m.to.includes(e))).toHaveLength(3);
    });
  });

  describe('security events', () => {
    it('lists what happened, newest first, pages with an opaque cursor, and never shows another user’s events', async () => {
      const e = email('timeline');
      await h.signUp(e);
      const a = await h.browserSignIn(e);
      const b = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      h.clock.advance(1_000);
      expect((await a.request({ method: 'DELETE', url: `/v1/me/sessions/${b.sessionId}` })).statusCode).toBe(204);
      h.clock.advance(1_000);
      const c = await h.browserSignIn(e, { ua: UA.macChrome });
      h.clock.advance(1_000);
      await c.request({ method: 'POST', url: '/v1/auth/sign-out', payload: {} });

      const all = await events(a, '?limit=100');
      expect(all.next_cursor).toBeNull();
      const kinds = all.events.map((ev) => ev.kind);
      expect(kinds[0]).toBe('session_revoked');
      expect(all.events[0]).toMatchObject({
        reason: 'sign_out',
        session_id: c.sessionId,
        actor: { kind: 'session', session_id: c.sessionId },
      });
      expect(kinds.filter((k) => k === 'sign_in')).toHaveLength(3);
      expect(kinds).toContain('new_device');
      const signIn = all.events.find((ev) => ev.kind === 'sign_in' && ev.session_id === a.sessionId);
      expect(signIn).toMatchObject({ ip: IP.london, client: { id: 'web', name: 'Web' }, location: { country: 'GB', approximate: true } });

      // Paging: every event exactly once, in the same order.
      const seen: string[] = [];
      let cursor: string | null = '';
      do {
        const page = await events(a, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.events.length).toBeLessThanOrEqual(2);
        seen.push(...page.events.map((ev) => ev.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual(all.events.map((ev) => ev.id));

      // Another user sees only their own.
      const other = email('timeline-other');
      await h.signUp(other);
      const o = await h.browserSignIn(other);
      const theirs = await events(o, '?limit=100');
      expect(theirs.events.map((ev) => ev.kind)).toEqual(['sign_in']);
      expect(theirs.events.some((ev) => seen.includes(ev.id))).toBe(false);
    });

    it('refuses a bad cursor or page size with 400, and needs a session', async () => {
      const e = email('cursor');
      await h.signUp(e);
      const a = await h.browserSignIn(e);
      for (const q of [
        '?cursor=garbage!',
        '?cursor=AAAA',
        '?limit=0',
        '?limit=101',
        '?limit=-1',
        '?limit=1.5',
        '?limit=ten',
        '?limit=1&limit=2',
        '?sort=at',
      ]) {
        const res = await a.request({ method: 'GET', url: `/v1/me/security-events${q}` });
        expect(res.statusCode, `${q}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe('invalid_request');
      }
      expectError(await h.request({ method: 'GET', url: '/v1/me/security-events' }), 401, 'unauthenticated');
    });

    it('names the session a revocation ended (device, app, place, address) and who ended it', async () => {
      const e = email('named');
      await h.signUp(e);
      const a = await h.browserSignIn(e);
      const phone = await h.bearerSignIn(e, {
        clientId: 'mobile',
        device: { id: 'pixel-8-ada', name: 'Pixel 8', os: 'Android 15' },
        ip: IP.mountainView,
      });
      const phoneId = ((await me({ authorization: `Bearer ${phone}` })).json() as { session: { id: string } }).session.id;
      h.clock.advance(1_000);
      const res = await a.request({ method: 'DELETE', url: `/v1/me/sessions/${phoneId}`, headers: { 'x-forwarded-for': IP.london } });
      expect(res.statusCode, res.body).toBe(204);
      const [latest] = (await events(a)).events;
      expect(latest).toMatchObject({
        kind: 'session_revoked',
        reason: 'revoked_by_user',
        session_id: phoneId,
        // The ended session: not the address of the session that ended it.
        ip: IP.mountainView,
        device: { name: 'Pixel 8', os: 'Android 15' },
        client: { id: 'mobile' },
        location: { country: 'US', approximate: true },
        actor: { kind: 'session', session_id: a.sessionId, current: true },
      });
    });

    it('records revoke-others and revoke-all with their counts and who did it', async () => {
      const e = email('bulk');
      await h.signUp(e);
      const a = await h.browserSignIn(e);
      await h.browserSignIn(e, { ua: UA.iphoneSafari });
      await h.browserSignIn(e, { ua: UA.macChrome });
      h.clock.advance(1_000);
      const others = await a.request({ method: 'POST', url: '/v1/me/sessions/revoke-others', payload: {} });
      expect(others.statusCode, others.body).toBe(200);
      expect(others.json()).toEqual({ revoked: 2 });
      const afterOthers = (await events(a)).events;
      expect(afterOthers[0]).toMatchObject({
        kind: 'sessions_revoked',
        reason: 'revoke_others',
        count: 2,
        actor: { kind: 'session', session_id: a.sessionId, current: true },
      });
      // A second browser, so the timeline can still be read after revoke-all ends the first.
      const reader = await h.browserSignIn(e, { ua: UA.macChrome });
      h.clock.advance(1_000);
      const all = await a.request({ method: 'POST', url: '/v1/me/sessions/revoke-all', payload: {} });
      expect(all.statusCode, all.body).toBe(200);
      expect(all.json()).toEqual({ revoked: 2 });
      const signedBackIn = await h.browserSignIn(e, { ua: UA.macChrome });
      expect(reader.sessionId).not.toBe(signedBackIn.sessionId);
      const list = (await events(signedBackIn)).events;
      const bulk = list.filter((ev) => ev.kind === 'sessions_revoked');
      expect(bulk.map((ev) => [ev.reason, ev.count])).toEqual([
        ['revoke_all', 2],
        ['revoke_others', 2],
      ]);
      expect(bulk[0]).toMatchObject({ actor: { kind: 'session', session_id: a.sessionId, current: false } });
    });
  });
});
