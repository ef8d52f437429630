/**
 * Password reset on real parts (SQLite store, argon2, otpauth): a reset sets the new password,
 * ends every session and every device's trust, so the next sign-in from a device that was
 * trusted asks for the code again (docs/mfa.md).
 */
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSessiondError } from './errors.js';
import type { RequestPlace } from './events.js';
import { describeLocation, passwordChangedMail, passwordResetMail } from './mail-templates.js';
import { context, LONDON, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
let n = 0;

beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

const NEW_PASSWORD = 'a brand new long passphrase here';
const DEVICE = 'trusted-laptop-000000001';

async function reset(email: string, newPassword: string): Promise<void> {
  await u.passwordReset.requestReset(email, LONDON);
  await u.idle();
  const link = /reset-password\/confirm\?token=([^\s"]+)/.exec(u.mail.at(-1)!.text)![1]!;
  await u.passwordReset.confirmReset(decodeURIComponent(link), newPassword, LONDON);
}

/** An account with TOTP on, signed in with the code on DEVICE, and DEVICE trusted. */
async function accountOnTrustedDevice() {
  const e = `reset-${++n}@example.com`;
  const user = await u.accounts.signUp({ email: e, password: PASSWORD });
  const { secret } = await u.mfa.startTotpEnrolment(user);
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
  const code = () => totp.generate({ timestamp: u.clock.now() });
  await u.mfa.confirmTotpEnrolment(user.id, code(), { kind: 'system' });
  u.clock.advance(30_000);
  const step = await u.signIn.withPassword(
    { email: e, password: PASSWORD, clientId: 'web', transport: 'cookie', device: null },
    context({ deviceId: DEVICE }),
  );
  if (step.kind !== 'second_factor') throw new Error('expected the code step');
  const done = await u.signIn.withSecondFactor(step.token, code(), context({ deviceId: DEVICE }));
  await u.mfa.trustDevice(done.session, { kind: 'session', sessionId: done.session.id, ip: LONDON.ip });
  return { e, user, done };
}

describe('PasswordReset', () => {
  it('ends the trust of every device: the next password sign-in from the trusted device asks for the code', async () => {
    const { e, user, done } = await accountOnTrustedDevice();
    const before = await u.signIn.withPassword(
      { email: e, password: PASSWORD, clientId: 'web', transport: 'cookie', device: null },
      context({ deviceId: DEVICE }),
    );
    expect(before).toMatchObject({ kind: 'session', session: { trusted: true } });

    await reset(e, NEW_PASSWORD);

    expect(await u.mfa.isDeviceTrusted(user.id, DEVICE)).toBe(false);
    expect(await u.sessions.validateSessionToken(done.token)).toBeNull();
    const after = await u.signIn.withPassword(
      { email: e, password: NEW_PASSWORD, clientId: 'web', transport: 'cookie', device: null },
      context({ deviceId: DEVICE }),
    );
    expect(after.kind).toBe('second_factor');
  });

  it('a password change from a signed-in session keeps device trust', async () => {
    const { user, done } = await accountOnTrustedDevice();
    await u.accounts.changePassword(
      user.id,
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, keepSessionId: done.session.id, signOutOthers: true },
      { actor: { kind: 'session', sessionId: done.session.id, ip: LONDON.ip }, place: LONDON },
    );
    expect(await u.mfa.isDeviceTrusted(user.id, DEVICE)).toBe(true);
  });
});

// The wiring in test/support/use-cases.ts: links live 30 minutes; 3 reset mails per account an
// hour; 100 requests and confirmations per IP a minute.
const TTL_MS = 30 * 60_000;
const PER_ACCOUNT = 3;
const PER_IP = 100;
const PUBLIC_URL = 'https://sessiond.test';
const NOWHERE = { city: null, region: null, country: null, latitude: null, longitude: null };
const at = (ip: string): RequestPlace => ({ ip, location: NOWHERE });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isSessiondError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

const tokenIn = (text: string) => {
  const m = /reset-password\/confirm\?token=([^\s"]+)/.exec(text)?.[1];
  return m === undefined ? undefined : decodeURIComponent(m);
};

/** Asks for a reset and returns the token of the link mailed (the last mail must be it). */
async function requestLink(email: string, place: RequestPlace = LONDON): Promise<string> {
  await u.passwordReset.requestReset(email, place);
  await u.idle();
  const token = tokenIn(u.mail.at(-1)?.text ?? '');
  if (token === undefined) throw new Error('no reset link was mailed');
  return token;
}

async function account() {
  const email = `forgot-${++n}@example.com`;
  const user = await u.accounts.signUp({ email, password: PASSWORD });
  return { email, user };
}

async function signIn(email: string, password: string) {
  const r = await u.signIn.withPassword({ email, password, clientId: 'web', transport: 'cookie', device: null }, context());
  if (r.kind !== 'session') throw new Error(`expected a session, got ${r.kind}`);
  return r;
}

describe('PasswordReset.requestReset', () => {
  it('mails a known account the reset link (the real template, with its lifetime) at its own address, and puts it on the timeline', async () => {
    const { email, user } = await account();
    const place = at('192.0.2.10');
    await u.passwordReset.requestReset(`  ${email.toUpperCase()} `, place);
    await u.idle();
    expect(u.mail).toHaveLength(1);
    const token = tokenIn(u.mail[0]!.text)!;
    expect(u.mail[0]).toEqual({
      to: email,
      ...passwordResetMail({
        product: 'sessiond',
        resetUrl: `${PUBLIC_URL}/reset-password/confirm?token=${encodeURIComponent(token)}`,
        expiresInMinutes: TTL_MS / 60_000,
      }),
    });
    expect(u.events).toEqual([{ type: 'password_reset_requested', at: u.clock.now(), userId: user.id, place }]);
    const timeline = (await u.signals.listEvents(user.id, null, 10)).events;
    expect(timeline.filter((e) => e.kind === 'password_reset_requested')).toEqual([expect.objectContaining({ ip: place.ip })]);
  });

  it('answers an unknown or implausible address the same, and mails, records and fails nothing', async () => {
    const { email } = await account();
    await expect(u.passwordReset.requestReset(`nobody-${n}@example.com`, LONDON)).resolves.toBeUndefined();
    await expect(u.passwordReset.requestReset('not an address', LONDON)).resolves.toBeUndefined();
    await expect(u.passwordReset.requestReset(email, LONDON)).resolves.toBeUndefined();
    await u.idle();
    expect(u.mail.map((m) => m.to)).toEqual([email]);
    expect(u.events.map((e) => e.type)).toEqual(['password_reset_requested']);
    expect(u.reported).toEqual([]);
  });

  it('per account: over the limit the answer is the same but no mail goes out; another account is not held', async () => {
    const { email } = await account();
    const other = await account();
    for (let i = 0; i < PER_ACCOUNT + 2; i++) await u.passwordReset.requestReset(email, at(`192.0.2.${i + 1}`));
    await u.idle();
    expect(u.mail.filter((m) => m.to === email)).toHaveLength(PER_ACCOUNT);
    expect(u.events.filter((e) => e.type === 'password_reset_requested')).toHaveLength(PER_ACCOUNT);
    await requestLink(other.email);
    expect(u.mail.at(-1)!.to).toBe(other.email);
    // The window passes.
    u.clock.advance(3_600_000);
    await requestLink(email);
    expect(u.mail.at(-1)!.to).toBe(email);
  });

  it('per IP: over the limit, 429 with when to retry, for requests and confirmations; another IP is not held', async () => {
    const { email } = await account();
    const ip = at('198.51.100.7');
    for (let i = 0; i < PER_IP; i++) await u.passwordReset.requestReset(`nobody-${i}@example.com`, ip);
    u.clock.advance(20_500);
    await expect(u.passwordReset.requestReset(email, ip)).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: Math.ceil((60_000 - 20_500) / 1000),
    });
    const token = await requestLink(email, at('198.51.100.8'));
    // A held IP cannot use a link either, and does not spend it.
    expect(await codeOf(u.passwordReset.confirmReset(token, NEW_PASSWORD, ip))).toBe('rate_limited');
    await u.passwordReset.confirmReset(token, NEW_PASSWORD, at('198.51.100.8'));
    await signIn(email, NEW_PASSWORD);
  });
});

describe('PasswordReset.confirmReset', () => {
  it('sets the new password, ends every session at once (even one this node cached), records and mails the owner', async () => {
    const { email, user } = await account();
    const first = await signIn(email, PASSWORD);
    const second = await signIn(email, PASSWORD);
    const token = await requestLink(email);
    u.events.length = 0;
    u.mail.length = 0;
    u.clock.advance(60_000);
    // Cached on this node (the cache holds an entry for 30 s): the reset must not wait for it to age out.
    for (const s of [first, second]) expect(await u.sessions.validateSessionToken(s.token)).not.toBeNull();
    const place = at('203.0.113.5');

    await u.passwordReset.confirmReset(token, NEW_PASSWORD, place);
    await u.idle();

    for (const s of [first, second]) {
      expect(await u.sessions.validateSessionToken(s.token)).toBeNull();
      expect((await u.store.findSession(s.session.id))?.session.revokeReason).toBe('password_reset');
    }
    expect(await codeOf(signIn(email, PASSWORD))).toBe('invalid_credentials');
    await signIn(email, NEW_PASSWORD);
    expect(u.events[0]).toEqual({
      type: 'password_changed',
      at: u.clock.now(),
      user: expect.objectContaining({ id: user.id, email }),
      how: 'reset',
      place,
      actor: { kind: 'link', ip: place.ip },
      revoked: 2,
    });
    expect(u.mail[0]).toEqual({
      to: email,
      ...passwordChangedMail({
        product: 'sessiond',
        how: 'reset',
        at: u.clock.now(),
        ip: place.ip,
        location: describeLocation(NOWHERE),
        resetUrl: `${PUBLIC_URL}/reset-password`,
        sessionsUrl: `${PUBLIC_URL}/settings/security/sessions`,
      }),
    });
    const timeline = (await u.signals.listEvents(user.id, null, 20)).events;
    expect(timeline.filter((e) => e.kind === 'password_reset')).toEqual([expect.objectContaining({ ip: place.ip, count: 2 })]);
  });

  it('a link works once, and using one ends every other reset link of the account', async () => {
    const { email } = await account();
    const older = await requestLink(email);
    const newer = await requestLink(email);
    await u.passwordReset.confirmReset(newer, NEW_PASSWORD, LONDON);
    expect(await codeOf(u.passwordReset.confirmReset(newer, 'yet another long passphrase', LONDON))).toBe('invalid_token');
    expect(await codeOf(u.passwordReset.confirmReset(older, 'yet another long passphrase', LONDON))).toBe('invalid_token');
    await signIn(email, NEW_PASSWORD);
  });

  it('a link expires after its lifetime', async () => {
    const { email } = await account();
    const token = await requestLink(email);
    u.clock.advance(TTL_MS);
    expect(await codeOf(u.passwordReset.confirmReset(token, NEW_PASSWORD, LONDON))).toBe('invalid_token');
    await signIn(email, PASSWORD);
  });

  it('a link one minute short of its lifetime still works', async () => {
    const { email } = await account();
    const token = await requestLink(email);
    u.clock.advance(TTL_MS - 60_000);
    await u.passwordReset.confirmReset(token, NEW_PASSWORD, LONDON);
    await signIn(email, NEW_PASSWORD);
  });

  it('refuses a made-up token or another account’s "This wasn’t me" link, and changes nothing', async () => {
    const { email, user } = await account();
    expect(await codeOf(u.passwordReset.confirmReset('not-a-token', NEW_PASSWORD, LONDON))).toBe('invalid_token');
    const { issueActionToken } = await import('./action-tokens.js');
    const { nodeCrypto } = await import('../adapters/crypto/node-crypto.js');
    const report = await issueActionToken({ store: u.store, clock: u.clock, crypto: nodeCrypto }, user.id, 'report_session', 60_000);
    expect(await codeOf(u.passwordReset.confirmReset(report, NEW_PASSWORD, LONDON))).toBe('invalid_token');
    expect(u.events).toEqual([]);
    await signIn(email, PASSWORD);
  });

  it('refuses a weak new password without spending the link', async () => {
    const { email } = await account();
    const token = await requestLink(email);
    await expect(u.passwordReset.confirmReset(token, 'too short', LONDON)).rejects.toMatchObject({
      code: 'weak_password',
      message: expect.stringContaining('15'),
    });
    await signIn(email, PASSWORD);
    await u.passwordReset.confirmReset(token, NEW_PASSWORD, LONDON);
    await signIn(email, NEW_PASSWORD);
  });
});
