/**
 * The timeline-and-mail sink and the risk gate, on real parts: which entries each domain event
 * writes, which mail it sends, and that the alert link ends exactly the session it names.
 */
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestPlace } from './events.js';
import { explain } from './security-signals.js';
import { CLIENTS, context, LONDON, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
let n = 0;

beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

const SYDNEY: RequestPlace = {
  ip: '1.128.0.1',
  location: { city: 'Sydney', region: null, country: 'AU', latitude: -33.87, longitude: 151.21 },
};

async function account() {
  const e = `signals-${++n}@example.com`;
  const user = await u.accounts.signUp({ email: e, password: PASSWORD });
  const signIn = async (deviceId: string, place: RequestPlace = LONDON, clientId = 'web') => {
    const r = await u.signIn.withPassword(
      { email: e, password: PASSWORD, clientId, transport: 'cookie', device: null },
      context({ deviceId, place }),
    );
    if (r.kind !== 'session') throw new Error('no session');
    await u.idle();
    return r;
  };
  return { e, user, signIn };
}
const kinds = async (userId: string) => (await u.signals.listEvents(userId, null, 100)).events.map((e) => e.kind);
const reportToken = (text: string) => decodeURIComponent(/report-sign-in\?token=([^\s"]+)/.exec(text)![1]!);

describe('sign-in signals', () => {
  it('sends no alert for the first sign-in; a new device gets a "new sign-in" mail with a working report link', async () => {
    const { e, user, signIn } = await account();
    await signIn('first-device-0000000001');
    expect(u.mail).toEqual([]);
    u.clock.advance(60_000);
    const second = await signIn('second-device-000000001');
    expect(u.mail).toHaveLength(1);
    expect(u.mail[0]).toMatchObject({ to: e, subject: 'New sign-in to your sessiond account' });
    expect(u.mail[0]!.text).toContain('London');
    // The sign-in and its new-device entry share a time; their order between them is the id's.
    expect((await kinds(user.id)).sort()).toEqual(['new_device', 'sign_in', 'sign_in']);
    // The link ends that session and no other.
    await u.revocation.reportSessionByLink(reportToken(u.mail[0]!.text), LONDON);
    expect(await u.sessions.validateSessionToken(second.token)).toBeNull();
    expect(await u.store.isPasswordChangeRequired(user.id)).toBe(true);
  });

  it('flags a sign-in from the other side of the world an hour later as unusual, with the reasons in the mail', async () => {
    const { user, signIn } = await account();
    await signIn('laptop-00000000000000001');
    u.clock.advance(3_600_000);
    await signIn('phone-000000000000000001', SYDNEY);
    expect(u.mail.at(-1)!.subject).toBe('Unusual sign-in to your sessiond account');
    expect(u.mail.at(-1)!.text).toContain('A country this account has not signed in from before (AU)');
    const events = (await u.signals.listEvents(user.id, null, 10)).events;
    expect(events.find((e) => e.kind === 'suspicious_sign_in')?.signals.map((s) => s.kind)).toEqual([
      'new_device',
      'new_country',
      'impossible_travel',
    ]);
  });

  it('records a wrong password only for an existing account, after the answer', async () => {
    const { e, user } = await account();
    await expect(
      u.signIn.withPassword(
        { email: e, password: 'wrong password entirely', clientId: 'web', transport: 'cookie', device: null },
        context(),
      ),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(
      u.signIn.withPassword(
        { email: 'nobody@example.com', password: 'wrong password entirely', clientId: 'web', transport: 'cookie', device: null },
        context(),
      ),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });
    await u.idle();
    const [failed] = (await u.signals.listEvents(user.id, null, 10)).events;
    expect(failed).toMatchObject({ kind: 'sign_in_failed', ip: LONDON.ip, clientId: 'web', location: { country: 'GB' } });
  });

  it('refuses sign-in while "This wasn\'t me" is unanswered, and a password reset answers it', async () => {
    const { e, user } = await account();
    await u.store.setPasswordChangeRequired(user.id, true);
    await expect(u.signals.checkSignInAllowed(user.id)).rejects.toMatchObject({ code: 'password_change_required' });
    await u.passwordReset.requestReset(e, LONDON);
    await u.idle();
    const link = /token=([^\s"]+)/.exec(u.mail.at(-1)!.text)![1]!;
    await u.passwordReset.confirmReset(decodeURIComponent(link), 'a brand new long passphrase here', LONDON);
    await expect(u.signals.checkSignInAllowed(user.id)).resolves.toBeUndefined();
  });
});

describe('the timeline sink', () => {
  it('writes a password change with its count and actor, and mails the owner', async () => {
    const { e, user, signIn } = await account();
    const a = await signIn('device-a-000000000000001');
    await signIn('device-b-000000000000001');
    u.mail.length = 0;
    u.clock.advance(1_000);
    const actor = { kind: 'session' as const, sessionId: a.session.id, ip: '203.0.113.5' };
    const revoked = await u.accounts.changePassword(
      user.id,
      { currentPassword: PASSWORD, newPassword: 'another long passphrase for this', keepSessionId: a.session.id, signOutOthers: true },
      { actor, place: LONDON },
    );
    expect(revoked).toBe(1);
    await u.idle();
    const [entry] = (await u.signals.listEvents(user.id, null, 10)).events;
    expect(entry).toMatchObject({ kind: 'password_changed', count: 1, actor, ip: LONDON.ip });
    expect(u.mail).toEqual([expect.objectContaining({ to: e, subject: 'Your sessiond password was changed' })]);
    expect(u.events.at(-1)).toMatchObject({ type: 'password_changed', how: 'changed', revoked: 1 });
  });

  it('refuses a wrong current password or a weak new one and changes nothing', async () => {
    const { user, signIn } = await account();
    const a = await signIn('device-a-000000000000002');
    const by = { actor: { kind: 'system' as const }, place: LONDON };
    const change = { keepSessionId: a.session.id, signOutOthers: true };
    await expect(
      u.accounts.changePassword(
        user.id,
        { ...change, currentPassword: 'not it at all, sorry', newPassword: 'another long passphrase for this' },
        by,
      ),
    ).rejects.toMatchObject({ code: 'incorrect_password' });
    await expect(
      u.accounts.changePassword(user.id, { ...change, currentPassword: PASSWORD, newPassword: 'short' }, by),
    ).rejects.toMatchObject({
      code: 'weak_password',
    });
    expect(u.events.filter((ev) => ev.type === 'password_changed')).toEqual([]);
    expect(await u.sessions.validateSessionToken(a.token)).not.toBeNull();
  });

  it('puts MFA changes on the timeline with the session that made them', async () => {
    const { user, signIn } = await account();
    const a = await signIn('device-a-000000000000003');
    u.clock.advance(1_000);
    await u.recorder.record({
      type: 'mfa_changed',
      at: u.clock.now(),
      userId: user.id,
      change: 'device_untrusted',
      deviceId: 'device-a-000000000000003',
      actor: { kind: 'session', sessionId: a.session.id, ip: '203.0.113.5' },
    });
    const [entry] = (await u.signals.listEvents(user.id, null, 10)).events;
    expect(entry).toMatchObject({
      kind: 'device_untrusted',
      sessionId: a.session.id,
      ip: '203.0.113.5',
      deviceId: 'device-a-000000000000003',
    });
  });
});

describe('MFA changes', () => {
  it('turning MFA on, replacing the recovery codes and turning it off each mail the owner and land on the timeline', async () => {
    const { e, user, signIn } = await account();
    const a = await signIn('device-a-000000000000004');
    u.mail.length = 0;
    const actor = { kind: 'session' as const, sessionId: a.session.id, ip: '203.0.113.5' };
    // Later than the sign-in, so the timeline's newest-first order is the order of the test.
    u.clock.advance(1_000);
    const { secret } = await u.mfa.startTotpEnrolment(user);
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: u.clock.now() });
    await u.mfa.confirmTotpEnrolment(user.id, code, actor);
    u.clock.advance(1_000);
    await u.mfa.regenerateRecoveryCodes(user.id, actor);
    u.clock.advance(1_000);
    await u.mfa.disable(user.id, actor);
    await u.idle();

    expect(u.mail.map((m) => [m.to, m.subject])).toEqual([
      [e, 'Two-step verification was turned on for your sessiond account'],
      [e, 'New recovery codes for your sessiond account'],
      [e, 'Two-step verification was turned off for your sessiond account'],
    ]);
    for (const m of u.mail) {
      expect(m.text).toContain('IP address: 203.0.113.5');
      expect(m.text).toContain('https://sessiond.test/reset-password');
    }
    const entries = (await u.signals.listEvents(user.id, null, 3)).events;
    expect(entries.map((ev) => ev.kind)).toEqual(['mfa_disabled', 'recovery_codes_replaced', 'mfa_enabled']);
    expect(entries[1]).toMatchObject({ sessionId: a.session.id, ip: '203.0.113.5', actor });
  });

  it('trusting a device sends no mail (the sign-in that earned it already told the owner)', async () => {
    const { user, signIn } = await account();
    const a = await signIn('device-a-000000000000005');
    u.mail.length = 0;
    await u.recorder.record({
      type: 'mfa_changed',
      at: u.clock.now(),
      userId: user.id,
      change: 'device_trusted',
      deviceId: 'device-a-000000000000005',
      actor: { kind: 'session', sessionId: a.session.id, ip: null },
    });
    await u.idle();
    expect(u.mail).toEqual([]);
  });
});

describe('explain', () => {
  it('puts each rule in words for the mail', () => {
    expect(explain({ kind: 'new_device', deviceId: 'x' }, CLIENTS)).toBe('A device this account has not used before.');
    expect(explain({ kind: 'new_client', clientId: 'cli' }, CLIENTS)).toBe('An app this account has not used before (CLI).');
    expect(explain({ kind: 'failures_then_success', failures: 6, windowMs: 900_000 }, CLIENTS)).toBe(
      '6 failed attempts shortly before this sign-in.',
    );
    expect(
      explain(
        { kind: 'impossible_travel', distanceKm: 16_990, hours: 1, speedKmh: 16_990, from: { city: 'London', country: 'GB', at: 0 } },
        CLIENTS,
      ),
    ).toBe('Too far from the previous sign-in (London, GB) to have travelled: 16990 km in 1 h.');
  });
});

describe('credentials past the session list', () => {
  it('an app connected, a device signed in or a token made lands on the timeline with its name and is mailed; removals only land', async () => {
    const { e, user, signIn } = await account();
    const a = await signIn('device-a-000000000000006');
    u.mail.length = 0;
    const actor = { kind: 'session' as const, sessionId: a.session.id, ip: '203.0.113.5' };
    const at = () => (u.clock.advance(1_000), u.clock.now());
    const FRANKFURT: RequestPlace = {
      ip: '5.9.0.1',
      location: { city: 'Frankfurt', region: null, country: 'DE', latitude: 50.1, longitude: 8.7 },
    };
    await u.recorder.record({
      type: 'credential_changed',
      at: at(),
      userId: user.id,
      change: 'app_connected',
      name: 'Notes Cloud',
      place: LONDON,
      actor,
    });
    await u.recorder.record({
      type: 'credential_changed',
      at: at(),
      userId: user.id,
      change: 'device_sign_in_approved',
      name: 'Build CLI · build-server',
      place: FRANKFURT,
      actor,
    });
    await u.recorder.record({
      type: 'credential_changed',
      at: at(),
      userId: user.id,
      change: 'token_created',
      name: 'ci',
      place: null,
      actor,
    });
    await u.recorder.record({
      type: 'credential_changed',
      at: at(),
      userId: user.id,
      change: 'app_removed',
      name: 'Notes Cloud',
      place: null,
      actor,
    });
    await u.recorder.record({
      type: 'credential_changed',
      at: at(),
      userId: user.id,
      change: 'token_revoked',
      name: 'ci',
      place: null,
      actor,
    });
    await u.idle();

    expect(u.mail.map((m) => [m.to, m.subject])).toEqual([
      [e, 'A new app was connected to your sessiond account'],
      [e, 'A command-line or device sign-in to your sessiond account was approved'],
      [e, 'A personal access token was made for your sessiond account'],
    ]);
    expect(u.mail[1]!.text).toContain('Name: Build CLI · build-server');
    expect(u.mail[1]!.text).toContain('Place: near Frankfurt, DE');
    expect(u.mail[1]!.text).toContain('IP address: 5.9.0.1');
    expect(u.mail[2]!.text).toContain('IP address: 203.0.113.5');
    for (const m of u.mail) expect(m.text).toContain('https://sessiond.test/settings/security/sessions');
    const entries = (await u.signals.listEvents(user.id, null, 5)).events;
    expect(entries.map((ev) => [ev.kind, ev.reason])).toEqual([
      ['token_revoked', 'ci'],
      ['app_removed', 'Notes Cloud'],
      ['token_created', 'ci'],
      ['device_sign_in_approved', 'Build CLI · build-server'],
      ['app_connected', 'Notes Cloud'],
    ]);
    expect(entries[3]).toMatchObject({ ip: '5.9.0.1', location: { city: 'Frankfurt' }, sessionId: a.session.id });

    // One made by no person (the demo's seed) is on the timeline but mailed to nobody.
    u.mail.length = 0;
    await u.recorder.record({
      type: 'credential_changed',
      at: at(),
      userId: user.id,
      change: 'token_created',
      name: 'seed',
      place: null,
      actor: { kind: 'system' },
    });
    await u.idle();
    expect(u.mail).toEqual([]);
    expect((await u.signals.listEvents(user.id, null, 1)).events[0]).toMatchObject({ kind: 'token_created', reason: 'seed' });
  });
});
