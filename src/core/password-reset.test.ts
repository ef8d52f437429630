/**
 * Password reset on real parts (SQLite store, argon2, otpauth): a reset sets the new password,
 * ends every session and every device's trust, so the next sign-in from a device that was
 * trusted asks for the code again (docs/mfa.md).
 */
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
