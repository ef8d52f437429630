/**
 * Accounts.changePassword on real parts (SQLite store, argon2 at a test cost, the memory
 * limiter); only time is faked. A wrong current password is a guess at the account's password
 * like a wrong one at sign-in, so it counts on the same per-account failure limit (5 per 15
 * minutes here) and is refused with `rate_limited`, unchecked, when over (ASVS 5.0 6.3.1, NIST
 * SP 800-63B §5.2.2). Otherwise a stolen session would be a guessing oracle with no limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { argon2PasswordHasher } from '../adapters/password/argon2-password-hasher.js';
import { memoryRateLimiter } from '../adapters/rate-limit/memory-rate-limiter.js';
import { Accounts, type SignInLimits } from './accounts.js';
import { isSessiondError } from './errors.js';
import type { PasswordPolicy } from './user.js';
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

/** Accounts wired as the server wires it over this test's store and clock, with other limits or policy. */
function accountsWith(options: { signInLimits?: SignInLimits; passwordPolicy?: PasswordPolicy } = {}) {
  return new Accounts({
    store: u.store,
    clock: u.clock,
    crypto: nodeCrypto,
    passwords: argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
    rateLimiter: memoryRateLimiter(u.clock),
    passwordPolicy: options.passwordPolicy ?? { minLength: 15, maxLength: 1024 },
    signInLimits: options.signInLimits ?? { perIp: { limit: 1_000, windowMs: 60_000 }, perAccount: { limit: 5, windowMs: 15 * 60_000 } },
    sessions: u.sessions,
    recorder: u.recorder,
  });
}

describe('signUp', () => {
  it('stores the address as typed (Unicode NFC, trimmed), keyed case-blind, with a trimmed name; the password signs in', async () => {
    const typed = `  Jose\u0301-${++n}@Example.com `;
    const clean = typed.normalize('NFC').trim();
    const user = await u.accounts.signUp({ email: typed, password: PASSWORD, name: '  Ada Lovelace ' });
    expect(user).toMatchObject({ email: clean, emailKey: clean.toLowerCase(), name: 'Ada Lovelace', isAdmin: false });
    expect(user.createdAt).toBe(u.clock.now());
    expect(user.passwordChangedAt).toBe(u.clock.now());
    expect(await u.store.findUserByEmailKey(clean.toLowerCase())).toEqual(user);
    expect((await signIn(clean.toUpperCase())).kind).toBe('session');
  });

  it('stores no name for a blank or missing one', async () => {
    expect((await u.accounts.signUp({ email: `blank-${++n}@example.com`, password: PASSWORD, name: '   ' })).name).toBeNull();
    expect((await u.accounts.signUp({ email: `missing-${++n}@example.com`, password: PASSWORD })).name).toBeNull();
  });

  it('makes an admin only when asked (the CLI), never by default', async () => {
    const admin = await u.accounts.signUp({ email: `admin-${++n}@example.com`, password: PASSWORD, isAdmin: true });
    const plain = await u.accounts.signUp({ email: `plain-${++n}@example.com`, password: PASSWORD });
    const notAdmin = await u.accounts.signUp({ email: `not-admin-${++n}@example.com`, password: PASSWORD, isAdmin: false });
    expect((await u.store.findUserById(admin.id))?.isAdmin).toBe(true);
    expect((await u.store.findUserById(plain.id))?.isAdmin).toBe(false);
    expect((await u.store.findUserById(notAdmin.id))?.isAdmin).toBe(false);
  });

  it('refuses an implausible address, a weak password and a taken address, and stores nothing new', async () => {
    const { email, user } = await account();
    await expect(u.accounts.signUp({ email: 'no-at-sign.example.com', password: PASSWORD })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/valid email address/),
    });
    const weak = `weak-${++n}@example.com`;
    await expect(u.accounts.signUp({ email: weak, password: 'fourteen chars' })).rejects.toMatchObject({
      code: 'weak_password',
      message: expect.stringContaining('15'),
    });
    expect(await u.store.findUserByEmailKey(weak)).toBeNull();
    await expect(u.accounts.signUp({ email: ` ${email.toUpperCase()}`, password: 'another long passphrase' })).rejects.toMatchObject({
      code: 'email_taken',
    });
    expect(await u.store.findUserByEmailKey(email)).toEqual(user);
  });
});

describe('verifyCredentials: limits and length', () => {
  it('one account’s failures lock that account only', async () => {
    const locked = await account();
    const other = await account();
    for (let i = 0; i < 5; i++) expect(await codeOf(signIn(locked.email, `wrong guess number ${i}`))).toBe('invalid_credentials');
    expect(await codeOf(signIn(locked.email))).toBe('rate_limited');
    expect((await signIn(other.email)).kind).toBe('session');
  });

  it('an attempt refused for its IP does not count against the account', async () => {
    const accounts = accountsWith({
      signInLimits: { perIp: { limit: 3, windowMs: 60_000 }, perAccount: { limit: 5, windowMs: 15 * 60_000 } },
    });
    const { email } = await account();
    for (let i = 0; i < 3; i++)
      expect(await codeOf(accounts.verifyCredentials(email, `wrong guess ${i}`, '198.51.100.1'))).toBe('invalid_credentials');
    // The IP is over its limit: refused unchecked, and the account is not charged for these.
    for (let i = 0; i < 5; i++) {
      await expect(accounts.verifyCredentials(email, PASSWORD, '198.51.100.1')).rejects.toMatchObject({
        code: 'rate_limited',
        retryAfterSeconds: 60,
      });
    }
    // From elsewhere: the account has two failures left (5 - 3), then it is locked.
    for (let i = 0; i < 2; i++)
      expect(await codeOf(accounts.verifyCredentials(email, `wrong again ${i}`, '198.51.100.2'))).toBe('invalid_credentials');
    expect(await codeOf(accounts.verifyCredentials(email, PASSWORD, '198.51.100.3'))).toBe('rate_limited');
  });

  it('a password of exactly the maximum length (in characters, not UTF-16 units) signs in', async () => {
    const email = `long-${++n}@example.com`;
    const longest = '🔑'.repeat(1024);
    await u.accounts.signUp({ email, password: longest });
    expect((await u.accounts.verifyCredentials(email, longest, LONDON.ip)).emailKey).toBe(email);
  });

  it('a password over the maximum never signs in, even the right one (the maximum was lowered since)', async () => {
    const { email } = await account();
    // PASSWORD is 28 characters; the policy now allows at most 20.
    const stricter = accountsWith({ passwordPolicy: { minLength: 15, maxLength: 20 } });
    expect(await codeOf(stricter.verifyCredentials(email, PASSWORD, LONDON.ip))).toBe('invalid_credentials');
    expect((await u.accounts.verifyCredentials(email, PASSWORD, LONDON.ip)).emailKey).toBe(email);
  });
});

describe('changePassword', () => {
  it('ends every other session at once (even cached ones), keeps this one, and says how many ended', async () => {
    const { email, user } = await account();
    const [mine, other, third] = [await signIn(email), await signIn(email), await signIn(email)];
    if (mine.kind !== 'session' || other.kind !== 'session' || third.kind !== 'session') throw new Error('expected sessions');
    // Cached on this node: the change must not wait for the cache to age out.
    for (const s of [mine, other, third]) expect(await u.sessions.validateSessionToken(s.token)).not.toBeNull();
    const revoked = await u.accounts.changePassword(
      user.id,
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, keepSessionId: mine.session.id, signOutOthers: true },
      BY,
    );
    expect(revoked).toBe(2);
    expect(await u.sessions.validateSessionToken(mine.token)).not.toBeNull();
    for (const s of [other, third]) {
      expect(await u.sessions.validateSessionToken(s.token)).toBeNull();
      expect((await u.store.findSession(s.session.id))?.session.revokeReason).toBe('password_changed');
    }
    expect(u.events.at(-1)).toMatchObject({ type: 'password_changed', how: 'changed', user: { id: user.id }, actor: ACTOR, revoked: 2 });
    expect(await codeOf(signIn(email))).toBe('invalid_credentials');
    expect((await signIn(email, NEW_PASSWORD)).kind).toBe('session');
  });

  it('keeps every session when the user chooses to', async () => {
    const { email, user } = await account();
    const [mine, other] = [await signIn(email), await signIn(email)];
    if (mine.kind !== 'session' || other.kind !== 'session') throw new Error('expected sessions');
    const revoked = await u.accounts.changePassword(
      user.id,
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, keepSessionId: mine.session.id, signOutOthers: false },
      BY,
    );
    expect(revoked).toBe(0);
    for (const s of [mine, other]) expect(await u.sessions.validateSessionToken(s.token)).not.toBeNull();
  });

  it('says the current password is incorrect, in words, for a wrong one or an account that is gone', async () => {
    const { user } = await account();
    await expect(change(user.id, 'not the password at all')).rejects.toMatchObject({
      code: 'incorrect_password',
      message: expect.stringMatching(/current password is incorrect/),
    });
    expect(await codeOf(change('no-such-user-000000001', PASSWORD))).toBe('incorrect_password');
  });

  it('is not counted per IP: a thousand refused changes anywhere hold no other account’s change', async () => {
    const { user } = await account();
    const other = await account();
    // Past the per-IP limit of sign-in (1,000 a minute here); after five, each is refused unchecked.
    for (let i = 0; i < 1_001; i++) await codeOf(change(user.id, `wrong guess number ${i}`));
    expect(await change(other.user.id, PASSWORD)).toBe(0);
    expect((await signIn(other.email, NEW_PASSWORD)).kind).toBe('session');
  });
});
