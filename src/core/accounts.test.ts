/**
 * Accounts.changePassword on real parts (SQLite store, argon2 at a test cost, the memory
 * limiter); only time is faked. A wrong current password is a guess at the account's password
 * like a wrong one at sign-in, so it counts on the same per-account failure limit (5 per 15
 * minutes here) and is refused with `rate_limited`, unchecked, when over (ASVS 5.0 6.3.1, NIST
 * SP 800-63B §5.2.2). Otherwise a stolen session would be a guessing oracle with no limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSessiondError } from './errors.js';
import type { Actor } from './security-events.js';
import { context, LONDON, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

const NEW_PASSWORD = 'a brand new passphrase 2026';
const ACTOR: Actor = { kind: 'session', sessionId: 'acting-session-000001', ip: LONDON.ip };
const BY = { actor: ACTOR, place: LONDON };

let u: UseCases;
let n = 0;
beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isSessiondError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

async function account() {
  const email = `owner-${++n}@example.com`;
  const user = await u.accounts.signUp({ email, password: PASSWORD });
  return { email, user };
}

const change = (userId: string, currentPassword: string, newPassword = NEW_PASSWORD) =>
  u.accounts.changePassword(userId, { currentPassword, newPassword, keepSessionId: 'kept-session-000000001', signOutOthers: true }, BY);

const signIn = (email: string, password = PASSWORD) =>
  u.signIn.withPassword({ email, password, clientId: 'web', transport: 'cookie', device: null }, context());

describe('changePassword: a wrong current password counts with the sign-in failures', () => {
  it('five wrong current passwords, then even the right one is refused (rate_limited, with when to retry) and nothing changes', async () => {
    const { email, user } = await account();
    for (let i = 0; i < 5; i++) expect(await codeOf(change(user.id, `wrong guess number ${i}`))).toBe('incorrect_password');
    u.clock.advance(60_000);
    await expect(change(user.id, PASSWORD)).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 14 * 60 });
    expect(u.events.filter((e) => e.type === 'password_changed')).toEqual([]);
    // The same per-account key: sign-in is locked too, and the old password is still the one.
    expect(await codeOf(signIn(email))).toBe('rate_limited');
    u.clock.advance(14 * 60_000);
    expect((await signIn(email)).kind).toBe('session');
  });

  it('failed sign-ins count against it: after five, a password change is refused', async () => {
    const { email, user } = await account();
    for (let i = 0; i < 5; i++) expect(await codeOf(signIn(email, `wrong guess number ${i}`))).toBe('invalid_credentials');
    expect(await codeOf(change(user.id, PASSWORD))).toBe('rate_limited');
  });

  it('40 wrong current passwords at once check at most 5, the limit', async () => {
    const { user } = await account();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => codeOf(change(user.id, `wrong guess number ${i}`))));
    expect(answers.filter((a) => a === 'incorrect_password')).toHaveLength(5);
    expect(answers.filter((a) => a === 'rate_limited')).toHaveLength(35);
  });

  it('a right current password changes it and clears the count, as a sign-in or re-authentication does', async () => {
    const { user } = await account();
    for (let i = 0; i < 4; i++) await codeOf(change(user.id, `wrong guess number ${i}`));
    await change(user.id, PASSWORD);
    for (let i = 0; i < 5; i++) expect(await codeOf(change(user.id, `wrong again ${i}`))).toBe('incorrect_password');
    expect(await codeOf(change(user.id, NEW_PASSWORD, 'yet another passphrase 2026'))).toBe('rate_limited');
  });

  it('a refused new password (too short) is not a failed guess: the right current password is given back', async () => {
    const { user } = await account();
    for (let i = 0; i < 10; i++) expect(await codeOf(change(user.id, PASSWORD, 'short'))).toBe('weak_password');
    await change(user.id, PASSWORD);
  });
});
