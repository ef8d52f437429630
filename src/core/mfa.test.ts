/**
 * MFA on real parts (in-memory SQLite, otpauth TOTP, argon2 at a test cost, the in-process bus,
 * the memory rate limiter); only time is faked. What a user notices: a code is good once
 * (NIST SP 800-63B §5.1.4.2), recovery codes are shown once and work once, the code step needs
 * the password step first and dies after five minutes (ASVS 5.0 6.6), wrong codes count like
 * wrong passwords, sensitive actions need a recent authentication, and device trust can only be
 * earned with the second factor and ends everywhere at once.
 */
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryRevocationBus } from '../adapters/bus/memory-revocation-bus.js';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { aesGcmSecretBox } from '../adapters/crypto/secret-box.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyMfaStore } from '../adapters/kysely/kysely-mfa-store.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import { argon2PasswordHasher } from '../adapters/password/argon2-password-hasher.js';
import { memoryRateLimiter } from '../adapters/rate-limit/memory-rate-limiter.js';
import { otpauthTotp } from '../adapters/totp/otpauth-totp.js';
import type { SignInLimits } from './accounts.js';
import { Background } from './background.js';
import { isSessiondError } from './errors.js';
import { Recorder, type DomainEvent } from './events.js';
import { CHALLENGE_TTL_MS, Mfa, RECOVERY_CODE_COUNT } from './mfa.js';
import type { Crypto } from './ports/crypto.js';
import type { MfaStore } from './ports/mfa-store.js';
import type { RevocationEvent } from './ports/revocation-bus.js';
import type { Store } from './ports/store.js';
import type { Actor } from './security-events.js';
import type { AuthMethod } from './session.js';
import { Sessions } from './sessions.js';
import { fixedClock, type TestClock } from './testing/fakes.js';
import { userRecord } from './testing/store.contract.js';
import { formatToken, newSecret, parseToken } from './token.js';
import type { UserRecord } from './user.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PASSWORD = 'correct horse battery staple';
const REAUTH_WINDOW = 10 * MINUTE;
const TRUST_PERIOD = 30 * DAY;
const IP = '81.2.69.160';
const ACTOR: Actor = { kind: 'session', sessionId: 'acting-session-000001', ip: IP };
const LIMITS: SignInLimits = { perIp: { limit: 1_000, windowMs: MINUTE }, perAccount: { limit: 5, windowMs: 15 * MINUTE } };
/** A recovery code as printed: ten letters and digits a person cannot misread, in two groups. */
const RECOVERY_CODE = /^[abcdefghjkmnpqrstuvwxyz23456789]{5}-[abcdefghjkmnpqrstuvwxyz23456789]{5}$/;

const passwords = argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
const passwordHash = passwords.hash(PASSWORD);

interface World {
  clock: TestClock;
  store: Store;
  mfaStore: MfaStore;
  mfa: Mfa;
  sessions: Sessions;
  /** Domain events recorded, in order. */
  events: DomainEvent[];
  /** Revocation events every node hears. */
  announced: RevocationEvent[];
  close(): Promise<void>;
}

/**
 * The world's randomness: the OS generator, except that the bytes behind recovery codes (ten at a
 * time) can be scripted, to issue codes that chance would give only rarely.
 */
function randomness(recoveryBytes: number[][]): Crypto {
  return {
    sha256: nodeCrypto.sha256,
    randomBytes: (n) => (n === 10 && recoveryBytes.length > 0 ? Uint8Array.from(recoveryBytes.shift()!) : nodeCrypto.randomBytes(n)),
  };
}

async function world(limits: SignInLimits = LIMITS, recoveryBytes: number[][] = []): Promise<World> {
  const clock = fixedClock('2026-04-01T09:00:00Z');
  const { db } = connect('sqlite::memory:');
  await migrateToLatest(db);
  const store = kyselyStore(db);
  const mfaStore = kyselyMfaStore(db);
  const bus = memoryRevocationBus();
  const announced: RevocationEvent[] = [];
  bus.subscribe((e) => announced.push(e));
  // A failing sink would be reported here: fail the test with it rather than lose it.
  const recorder = new Recorder(
    new Background((err) => {
      throw err;
    }),
  );
  const events: DomainEvent[] = [];
  recorder.add((e) => {
    events.push(e);
  });
  const sessions = new Sessions({
    store,
    clock,
    crypto: nodeCrypto,
    bus,
    policy: { idleTimeoutMs: DAY, maxAgeMs: 30 * DAY, touchIntervalMs: MINUTE },
  });
  const mfa = new Mfa({
    store: mfaStore,
    users: store,
    clock,
    crypto: randomness(recoveryBytes),
    secretBox: aesGcmSecretBox([nodeCrypto.randomBytes(32)]),
    totp: otpauthTotp(nodeCrypto),
    passwords,
    rateLimiter: memoryRateLimiter(clock),
    signInLimits: limits,
    policy: { reauthWindowMs: REAUTH_WINDOW, trustedDeviceMs: TRUST_PERIOD, issuer: 'Acme' },
    recorder,
    sessions,
  });
  return { clock, store, mfaStore, mfa, sessions, events, announced, close: () => store.close() };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isSessiondError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

let w: World;
beforeEach(async () => {
  w = await world();
});
afterEach(async () => {
  await w.close();
});

async function newUser(): Promise<UserRecord> {
  const user = userRecord({ passwordHash: await passwordHash });
  await w.store.insertUser(user);
  return user;
}

/** What the user's authenticator app shows for `secret` at the current time (or `at`). */
function appCode(secret: string, at = w.clock.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });
}

/** A user with TOTP on; the clock is moved to the next 30-second step, so `code()` is fresh. */
async function userWithMfa(): Promise<{ user: UserRecord; secret: string; recovery: string[]; code: () => string }> {
  const user = await newUser();
  const { secret } = await w.mfa.startTotpEnrolment(user);
  const recovery = await w.mfa.confirmTotpEnrolment(user.id, appCode(secret), ACTOR);
  w.clock.advance(30_000);
  return { user, secret, recovery, code: () => appCode(secret) };
}

async function session(userId: string, authMethod: AuthMethod, deviceId: string | null = 'laptop-device-0000001', clientId = 'web') {
  return w.sessions.createSession(userId, clientId, authMethod, {
    ip: IP,
    userAgent: null,
    device: { name: 'Mac', os: 'macOS', browser: 'Safari 18', type: 'desktop' },
    location: { city: 'London', region: null, country: 'GB', latitude: null, longitude: null },
    deviceId,
  });
}

describe('turning TOTP on', () => {
  it('is off for a new account', async () => {
    const user = await newUser();
    expect(await w.mfa.isEnabled(user.id)).toBe(false);
    expect(await w.mfa.status(user.id)).toEqual({ enabled: false, enabledAt: null, recoveryCodesRemaining: 0 });
  });

  it('gives a secret and an otpauth URI naming the product and the account, and stays off until confirmed', async () => {
    const user = await newUser();
    const { secret, uri } = await w.mfa.startTotpEnrolment(user);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.searchParams.get('secret')).toBe(secret);
    expect(parsed.searchParams.get('issuer')).toBe('Acme');
    expect(decodeURIComponent(parsed.pathname)).toContain(user.email);
    expect(await w.mfa.isEnabled(user.id)).toBe(false);
  });

  it('turns on with a code from the app, and shows ten distinct recovery codes once', async () => {
    const user = await newUser();
    const { secret } = await w.mfa.startTotpEnrolment(user);
    const codes = await w.mfa.confirmTotpEnrolment(user.id, ` ${appCode(secret)} `, ACTOR);
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const c of codes) expect(c).toMatch(RECOVERY_CODE);
    expect(await w.mfa.status(user.id)).toEqual({ enabled: true, enabledAt: w.clock.now(), recoveryCodesRemaining: 10 });
    expect(w.events).toEqual([
      { type: 'mfa_changed', at: w.clock.now(), userId: user.id, change: 'mfa_enabled', deviceId: null, actor: ACTOR },
    ]);
  });

  it('keeps recovery codes out of the store in clear', async () => {
    const { user, recovery } = await userWithMfa();
    const stored = JSON.stringify(await w.mfaStore.listRecoveryCodes(user.id));
    for (const c of recovery) {
      expect(stored).not.toContain(c);
      expect(stored).not.toContain(c.replace('-', ''));
    }
  });

  it('refuses a wrong code and stays off', async () => {
    const user = await newUser();
    const { secret } = await w.mfa.startTotpEnrolment(user);
    const wrong = String((Number(appCode(secret)) + 1) % 1_000_000).padStart(6, '0');
    expect(await codeOf(w.mfa.confirmTotpEnrolment(user.id, wrong, ACTOR))).toBe('invalid_code');
    expect(await w.mfa.isEnabled(user.id)).toBe(false);
    expect(w.events).toEqual([]);
  });

  it('cannot confirm without having started', async () => {
    const user = await newUser();
    const err = w.mfa.confirmTotpEnrolment(user.id, '123456', ACTOR);
    await expect(err).rejects.toMatchObject({ code: 'mfa_not_enabled', message: 'Start setting up an authenticator app first.' });
  });

  it('cannot be started or confirmed again while on', async () => {
    const { user, code } = await userWithMfa();
    expect(await codeOf(w.mfa.startTotpEnrolment(user))).toBe('mfa_already_enabled');
    expect(await codeOf(w.mfa.confirmTotpEnrolment(user.id, code(), ACTOR))).toBe('mfa_already_enabled');
  });

  it('starting again replaces the secret: codes from the first one no longer confirm', async () => {
    const user = await newUser();
    const first = await w.mfa.startTotpEnrolment(user);
    const second = await w.mfa.startTotpEnrolment(user);
    expect(second.secret).not.toBe(first.secret);
    expect(await codeOf(w.mfa.confirmTotpEnrolment(user.id, appCode(first.secret), ACTOR))).toBe('invalid_code');
    expect(await w.mfa.confirmTotpEnrolment(user.id, appCode(second.secret), ACTOR)).toHaveLength(10);
  });

  it('two confirmations racing turn it on once and hand out one set of recovery codes', async () => {
    const user = await newUser();
    const { secret } = await w.mfa.startTotpEnrolment(user);
    const results = await Promise.allSettled([
      w.mfa.confirmTotpEnrolment(user.id, appCode(secret), ACTOR),
      w.mfa.confirmTotpEnrolment(user.id, appCode(secret), ACTOR),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect([won.length, lost.length]).toEqual([1, 1]);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'mfa_already_enabled' });
    const codes = (won[0] as PromiseFulfilledResult<string[]>).value;
    w.clock.advance(30_000);
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect((await w.mfa.completeChallenge(token, codes[0]!, IP)).method).toBe('recovery');
    expect(w.events.filter((e) => e.type === 'mfa_changed')).toHaveLength(1);
  });

  it('the code that confirmed enrolment cannot be used again to sign in', async () => {
    const user = await newUser();
    const { secret } = await w.mfa.startTotpEnrolment(user);
    const code = appCode(secret);
    await w.mfa.confirmTotpEnrolment(user.id, code, ACTOR);
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect(await codeOf(w.mfa.completeChallenge(token, code, IP))).toBe('invalid_code');
  });
});

describe('the code step of sign-in', () => {
  it('lives five minutes from the password step', async () => {
    const { user, code } = await userWithMfa();
    const { token, expiresAt } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect(expiresAt).toBe(w.clock.now() + CHALLENGE_TTL_MS);
    expect(CHALLENGE_TTL_MS).toBe(5 * MINUTE);
    w.clock.advance(CHALLENGE_TTL_MS - 1);
    const done = await w.mfa.completeChallenge(token, code(), IP);
    expect(done).toMatchObject({
      user: { id: user.id },
      method: 'totp',
      challenge: { userId: user.id, clientId: 'web', transport: 'cookie' },
    });
  });

  it('is refused from the moment it expires, even with the right code', async () => {
    const { user, code } = await userWithMfa();
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    w.clock.advance(CHALLENGE_TTL_MS);
    expect(await codeOf(w.mfa.completeChallenge(token, code(), IP))).toBe('mfa_token_invalid');
  });

  it('makes one session only: the same token again is refused', async () => {
    const { user, code, recovery } = await userWithMfa();
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    await w.mfa.completeChallenge(token, code(), IP);
    expect(await codeOf(w.mfa.completeChallenge(token, recovery[0]!, IP))).toBe('mfa_token_invalid');
  });

  it('keeps what the password step asked for: app, transport and the native device', async () => {
    const { user, code } = await userWithMfa();
    const device = JSON.stringify({ id: 'phone-1', name: "Ada's iPhone" });
    const { token } = await w.mfa.createChallenge(user.id, 'mobile', 'bearer', device);
    expect((await w.mfa.completeChallenge(token, code(), IP)).challenge).toMatchObject({ clientId: 'mobile', transport: 'bearer', device });
  });

  it('refuses a token that is forged, malformed or unknown', async () => {
    const { user, code } = await userWithMfa();
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    const forged = formatToken(parseToken(token)!.id, newSecret(nodeCrypto));
    for (const bad of [forged, 'not-a-token', '', formatToken('A'.repeat(22), newSecret(nodeCrypto))]) {
      expect(await codeOf(w.mfa.completeChallenge(bad, code(), IP))).toBe('mfa_token_invalid');
    }
    // None of that spent the real one.
    expect((await w.mfa.completeChallenge(token, code(), IP)).method).toBe('totp');
  });

  it('refuses a wrong code without spending the token', async () => {
    const { user, code } = await userWithMfa();
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect(await codeOf(w.mfa.completeChallenge(token, '000000', IP))).toBe('invalid_code');
    expect(await codeOf(w.mfa.completeChallenge(token, 'not-a-code', IP))).toBe('invalid_code');
    expect((await w.mfa.completeChallenge(token, code(), IP)).method).toBe('totp');
  });

  it('accepts a TOTP code typed with spaces or a dash, once', async () => {
    const { user, code } = await userWithMfa();
    const c = code();
    const first = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect((await w.mfa.completeChallenge(first.token, `${c.slice(0, 3)} ${c.slice(3)}`, IP)).method).toBe('totp');
    const second = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect(await codeOf(w.mfa.completeChallenge(second.token, `${c.slice(0, 3)}-${c.slice(3)}`, IP))).toBe('invalid_code');
    w.clock.advance(30_000);
    const next = code();
    expect((await w.mfa.completeChallenge(second.token, `${next.slice(0, 3)}-${next.slice(3)}`, IP)).method).toBe('totp');
  });

  it('accepts a recovery code in any case and spacing, once; the others stay good', async () => {
    const { user, recovery } = await userWithMfa();
    const typed = ` ${recovery[0]!.toUpperCase().replace('-', ' ')} `;
    const first = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect((await w.mfa.completeChallenge(first.token, typed, IP)).method).toBe('recovery');
    expect((await w.mfa.status(user.id)).recoveryCodesRemaining).toBe(9);
    const second = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect(await codeOf(w.mfa.completeChallenge(second.token, recovery[0]!, IP))).toBe('invalid_code');
    expect((await w.mfa.completeChallenge(second.token, recovery[9]!.replace('-', ''), IP)).method).toBe('recovery');
    expect((await w.mfa.status(user.id)).recoveryCodesRemaining).toBe(8);
  });

  it('a recovery code made of digits, or with six digits at either end, is still a recovery code, not a TOTP code', async () => {
    // Alphabet indices 23..30 are the digits 2..9: these bytes give "23456-78923", "abc23-45678", "23456-7abcd".
    const digits = [23, 24, 25, 26, 27, 28, 29, 30, 23, 24];
    const endsInDigits = [0, 1, 2, 23, 24, 25, 26, 27, 28, 29];
    const startsWithDigits = [23, 24, 25, 26, 27, 28, 0, 1, 2, 3];
    await w.close();
    w = await world(LIMITS, [digits, endsInDigits, startsWithDigits]);
    const { user, recovery } = await userWithMfa();
    expect(recovery.slice(0, 3)).toEqual(['23456-78923', 'abc23-45678', '23456-7abcd']);
    for (const code of recovery.slice(0, 3)) {
      const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
      expect((await w.mfa.completeChallenge(token, code, IP)).method, code).toBe('recovery');
    }
  });

  it('one password step makes one session even when a TOTP code and a recovery code race for it', async () => {
    const { user, code, recovery } = await userWithMfa();
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    const results = await Promise.allSettled([
      w.mfa.completeChallenge(token, code(), IP),
      w.mfa.completeChallenge(token, recovery[0]!, IP),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'mfa_token_invalid' } });
  });

  it("one account's recovery code does nothing for another", async () => {
    const a = await userWithMfa();
    const b = await userWithMfa();
    const { token } = await w.mfa.createChallenge(b.user.id, 'web', 'cookie', null);
    expect(await codeOf(w.mfa.completeChallenge(token, a.recovery[0]!, IP))).toBe('invalid_code');
  });

  it('no code works while enrolment is unconfirmed', async () => {
    const user = await newUser();
    const { secret } = await w.mfa.startTotpEnrolment(user);
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect(await codeOf(w.mfa.completeChallenge(token, appCode(secret), IP))).toBe('invalid_code');
  });

  it('counts wrong codes like wrong passwords: the sixth try is refused even with the right code, and says when to retry', async () => {
    const { user, code } = await userWithMfa();
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    for (let i = 0; i < 5; i++) expect(await codeOf(w.mfa.completeChallenge(token, '000000', IP))).toBe('invalid_code');
    w.clock.advance(4 * MINUTE);
    const refused = w.mfa.completeChallenge(token, code(), IP);
    // The window opened at the first failure, 15 minutes long: 11 minutes to go.
    await expect(refused).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 11 * 60 });
  });

  it('40 wrong codes at once check at most 5, the limit: each try is counted before its code is checked', async () => {
    const { user } = await userWithMfa();
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    const answers = await Promise.all(Array.from({ length: 40 }, () => codeOf(w.mfa.completeChallenge(token, '000000', IP))));
    expect(answers.filter((a) => a === 'invalid_code')).toHaveLength(5);
    expect(answers.filter((a) => a === 'rate_limited')).toHaveLength(35);
  });

  it('when both the address and the account are over their limits, says to wait for the later of the two', async () => {
    await w.close();
    w = await world({ perIp: { limit: 6, windowMs: MINUTE }, perAccount: { limit: 5, windowMs: 15 * MINUTE } });
    const { user, code } = await userWithMfa();
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    for (let i = 0; i < 5; i++) await codeOf(w.mfa.completeChallenge(token, '000000', IP));
    await expect(w.mfa.completeChallenge(token, code(), IP)).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 15 * 60 });
    // Now both are over: the address for another minute, the account for 15.
    await expect(w.mfa.completeChallenge(token, code(), IP)).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 15 * 60 });
  });

  it('a right code clears the count of wrong ones', async () => {
    const { user, code } = await userWithMfa();
    const first = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    for (let i = 0; i < 4; i++) await codeOf(w.mfa.completeChallenge(first.token, '000000', IP));
    await w.mfa.completeChallenge(first.token, code(), IP);
    w.clock.advance(30_000);
    const second = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    for (let i = 0; i < 4; i++) expect(await codeOf(w.mfa.completeChallenge(second.token, '000000', IP))).toBe('invalid_code');
    expect((await w.mfa.completeChallenge(second.token, code(), IP)).method).toBe('totp');
  });

  it('limits every try from one address, right or wrong, across accounts', async () => {
    await w.close();
    w = await world({ perIp: { limit: 3, windowMs: MINUTE }, perAccount: { limit: 100, windowMs: MINUTE } });
    const a = await userWithMfa();
    const b = await userWithMfa();
    const ta = await w.mfa.createChallenge(a.user.id, 'web', 'cookie', null);
    const tb = await w.mfa.createChallenge(b.user.id, 'web', 'cookie', null);
    expect(await codeOf(w.mfa.completeChallenge(ta.token, '000000', IP))).toBe('invalid_code');
    expect(await codeOf(w.mfa.completeChallenge(tb.token, '000000', IP))).toBe('invalid_code');
    expect((await w.mfa.completeChallenge(ta.token, a.code(), IP)).method).toBe('totp');
    const refused = w.mfa.completeChallenge(tb.token, b.code(), IP);
    await expect(refused).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 60 });
    expect((await w.mfa.completeChallenge(tb.token, b.code(), '203.0.113.7')).method).toBe('totp');
  });
});

describe('recovery codes and turning MFA off', () => {
  it('new recovery codes replace every old one, and the change is recorded', async () => {
    const { user, recovery } = await userWithMfa();
    w.events.length = 0;
    const fresh = await w.mfa.regenerateRecoveryCodes(user.id, ACTOR);
    expect(w.events).toEqual([
      { type: 'mfa_changed', at: w.clock.now(), userId: user.id, change: 'recovery_codes_replaced', deviceId: null, actor: ACTOR },
    ]);
    expect(fresh).toHaveLength(10);
    for (const c of fresh) expect(c).toMatch(RECOVERY_CODE);
    expect(fresh.filter((c) => recovery.includes(c))).toEqual([]);
    const { token } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect(await codeOf(w.mfa.completeChallenge(token, recovery[1]!, IP))).toBe('invalid_code');
    expect((await w.mfa.completeChallenge(token, fresh[1]!, IP)).method).toBe('recovery');
  });

  it('cannot make recovery codes, or turn off, what is not on', async () => {
    const user = await newUser();
    expect(await codeOf(w.mfa.regenerateRecoveryCodes(user.id, ACTOR))).toBe('mfa_not_enabled');
    expect(await codeOf(w.mfa.disable(user.id, ACTOR))).toBe('mfa_not_enabled');
    expect(w.events).toEqual([]);
  });

  it('turning off removes the factor, its codes and every device trust, tells every node, and is recorded', async () => {
    const { user, recovery } = await userWithMfa();
    const { session: s, token } = await session(user.id, 'mfa');
    await w.mfa.trustDevice(s, ACTOR);
    expect((await w.sessions.validateSessionToken(token))?.session.trusted).toBe(true);
    w.events.length = 0;
    w.announced.length = 0;

    await w.mfa.disable(user.id, ACTOR);
    expect(await w.mfa.status(user.id)).toEqual({ enabled: false, enabledAt: null, recoveryCodesRemaining: 0 });
    expect(await w.mfa.isDeviceTrusted(user.id, s.deviceId)).toBe(false);
    // The cached session no longer reads as trusted, here or on any node.
    expect((await w.sessions.validateSessionToken(token))?.session.trusted).toBe(false);
    expect(w.announced).toEqual([{ kind: 'user', userId: user.id }]);
    expect(w.events).toEqual([
      { type: 'mfa_changed', at: w.clock.now(), userId: user.id, change: 'mfa_disabled', deviceId: null, actor: ACTOR },
    ]);
    const { token: challenge } = await w.mfa.createChallenge(user.id, 'web', 'cookie', null);
    expect(await codeOf(w.mfa.completeChallenge(challenge, recovery[0]!, IP))).toBe('invalid_code');
  });
});

describe('recent authentication', () => {
  it('a session counts from its sign-in until it re-authenticates', async () => {
    const user = await newUser();
    const { session: s } = await session(user.id, 'password');
    expect(await w.mfa.lastAuthenticatedAt(s)).toBe(s.signedInAt);
    w.clock.advance(MINUTE);
    expect(await w.mfa.reauthenticate(user.id, s.id, { password: PASSWORD }, IP)).toBe(w.clock.now());
    expect(await w.mfa.lastAuthenticatedAt(s)).toBe(w.clock.now());
  });

  it('sensitive actions pass within the window, to its last millisecond, and are refused after', async () => {
    const user = await newUser();
    const { session: s } = await session(user.id, 'password');
    w.clock.advance(REAUTH_WINDOW);
    await expect(w.mfa.requireRecentAuth(s)).resolves.toBeUndefined();
    w.clock.advance(1);
    expect(await codeOf(w.mfa.requireRecentAuth(s))).toBe('reauth_required');
    await w.mfa.reauthenticate(user.id, s.id, { password: PASSWORD }, IP);
    await expect(w.mfa.requireRecentAuth(s)).resolves.toBeUndefined();
  });

  it('a wrong password is refused, leaves the session as stale as it was, and counts toward the sign-in limit', async () => {
    const user = await newUser();
    const { session: s } = await session(user.id, 'password');
    w.clock.advance(REAUTH_WINDOW + 1);
    for (let i = 0; i < 5; i++)
      expect(await codeOf(w.mfa.reauthenticate(user.id, s.id, { password: 'guess' }, IP))).toBe('incorrect_password');
    expect(await codeOf(w.mfa.requireRecentAuth(s))).toBe('reauth_required');
    expect(await codeOf(w.mfa.reauthenticate(user.id, s.id, { password: PASSWORD }, IP))).toBe('rate_limited');
  });

  it('40 wrong passwords at once check at most 5, the limit', async () => {
    const user = await newUser();
    const { session: s } = await session(user.id, 'password');
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => codeOf(w.mfa.reauthenticate(user.id, s.id, { password: 'guess' }, IP))),
    );
    expect(answers.filter((a) => a === 'incorrect_password')).toHaveLength(5);
    expect(answers.filter((a) => a === 'rate_limited')).toHaveLength(35);
  });

  it('a right password clears the count of wrong ones', async () => {
    const user = await newUser();
    const { session: s } = await session(user.id, 'password');
    for (let i = 0; i < 4; i++) await codeOf(w.mfa.reauthenticate(user.id, s.id, { password: 'guess' }, IP));
    await w.mfa.reauthenticate(user.id, s.id, { password: PASSWORD }, IP);
    for (let i = 0; i < 4; i++) await codeOf(w.mfa.reauthenticate(user.id, s.id, { password: 'guess' }, IP));
    await expect(w.mfa.reauthenticate(user.id, s.id, { password: PASSWORD }, IP)).resolves.toBe(w.clock.now());
  });

  it('takes a code when MFA is on, and asks for the password when it is off', async () => {
    const plain = await newUser();
    const { session: s1 } = await session(plain.id, 'password');
    await expect(w.mfa.reauthenticate(plain.id, s1.id, { code: '123456' }, IP)).rejects.toMatchObject({
      code: 'mfa_not_enabled',
      message: 'Two-step verification is off: confirm with your password.',
    });

    const { user, code } = await userWithMfa();
    const { session: s2 } = await session(user.id, 'mfa');
    w.clock.advance(REAUTH_WINDOW + 1);
    expect(await codeOf(w.mfa.reauthenticate(user.id, s2.id, { code: '000000' }, IP))).toBe('invalid_code');
    expect(await codeOf(w.mfa.requireRecentAuth(s2))).toBe('reauth_required');
    await w.mfa.reauthenticate(user.id, s2.id, { code: code() }, IP);
    await expect(w.mfa.requireRecentAuth(s2)).resolves.toBeUndefined();
  });

  it('refuses a user that no longer exists', async () => {
    expect(await codeOf(w.mfa.reauthenticate('gone-user', 'some-session', { password: PASSWORD }, IP))).toBe('unauthenticated');
  });
});

describe('trusted devices', () => {
  it('a session that passed MFA, recently, can trust its device for the trust period; every node hears of it', async () => {
    const { user } = await userWithMfa();
    const { session: s, token } = await session(user.id, 'mfa');
    expect((await w.sessions.validateSessionToken(token))?.session.trusted).toBe(false);
    w.events.length = 0;
    w.announced.length = 0;
    const until = await w.mfa.trustDevice(s, ACTOR);
    expect(until).toBe(w.clock.now() + TRUST_PERIOD);
    expect(await w.mfa.trustedDeviceIds(user.id)).toEqual(new Set([s.deviceId]));
    expect(await w.mfa.isDeviceTrusted(user.id, s.deviceId)).toBe(true);
    expect((await w.sessions.validateSessionToken(token))?.session.trusted).toBe(true);
    expect(w.announced).toEqual([{ kind: 'user', userId: user.id }]);
    expect(w.events).toEqual([
      { type: 'mfa_changed', at: w.clock.now(), userId: user.id, change: 'device_trusted', deviceId: s.deviceId, actor: ACTOR },
    ]);
  });

  it('trust ends when its period is over', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'mfa');
    await w.mfa.trustDevice(s, ACTOR);
    w.clock.advance(TRUST_PERIOD - 1);
    expect(await w.mfa.isDeviceTrusted(user.id, s.deviceId)).toBe(true);
    w.clock.advance(1);
    expect(await w.mfa.isDeviceTrusted(user.id, s.deviceId)).toBe(false);
  });

  it('a session that signed in with a password only cannot trust its device (NIST SP 800-63B §5.1)', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'password');
    await expect(w.mfa.trustDevice(s, ACTOR)).rejects.toMatchObject({
      code: 'aal_required',
      message: 'Only a session that signed in with two-step verification can trust its device.',
    });
    expect(await w.mfa.isDeviceTrusted(user.id, s.deviceId)).toBe(false);
  });

  it('a session without a device has nothing to trust', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'mfa', null);
    await expect(w.mfa.trustDevice(s, ACTOR)).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'This session has no device to trust.',
    });
  });

  it('a session that has not authenticated recently must do so first', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'mfa');
    w.clock.advance(REAUTH_WINDOW + 1);
    expect(await codeOf(w.mfa.trustDevice(s, ACTOR))).toBe('reauth_required');
    expect(await w.mfa.isDeviceTrusted(user.id, s.deviceId)).toBe(false);
    expect(w.events.filter((e) => e.type === 'mfa_changed' && e.change === 'device_trusted')).toEqual([]);
  });

  it('ending trust needs no re-authentication, takes effect everywhere at once, and is recorded', async () => {
    const { user } = await userWithMfa();
    const { session: s, token } = await session(user.id, 'mfa');
    await w.mfa.trustDevice(s, ACTOR);
    await w.sessions.validateSessionToken(token);
    w.clock.advance(REAUTH_WINDOW + 1);
    w.events.length = 0;
    w.announced.length = 0;
    await w.mfa.untrustDevice(user.id, s.deviceId!, ACTOR);
    expect(await w.mfa.isDeviceTrusted(user.id, s.deviceId)).toBe(false);
    expect((await w.sessions.validateSessionToken(token))?.session.trusted).toBe(false);
    expect(w.announced).toEqual([{ kind: 'user', userId: user.id }]);
    expect(w.events).toEqual([
      { type: 'mfa_changed', at: w.clock.now(), userId: user.id, change: 'device_untrusted', deviceId: s.deviceId, actor: ACTOR },
    ]);
  });

  it('ending trust that is not there changes nothing and records nothing', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'mfa');
    w.events.length = 0;
    w.announced.length = 0;
    await w.mfa.untrustDevice(user.id, s.deviceId!, ACTOR);
    await w.mfa.untrustDevice(user.id, 'never-seen-device-0001', ACTOR);
    expect(w.events).toEqual([]);
    expect(w.announced).toEqual([]);
  });

  it('no device is never trusted', async () => {
    const { user } = await userWithMfa();
    expect(await w.mfa.isDeviceTrusted(user.id, null)).toBe(false);
  });
});

describe('whose trust skips the code step', () => {
  const WEB = { id: 'web', kind: 'browser' as const };
  const MOBILE = { id: 'mobile', kind: 'mobile' as const };
  const DESKTOP = { id: 'desktop', kind: 'desktop' as const };

  it('a trusted browser device skips it from that browser app only', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'mfa');
    expect(await w.mfa.trust(s, ACTOR, false)).toEqual({ until: w.clock.now() + TRUST_PERIOD, token: null });
    expect(await w.mfa.isTrustHonoured(user.id, WEB, s.deviceId, null)).toBe(true);
    // Another app reporting the same device id was not trusted: a device.id alone proves nothing.
    expect(await w.mfa.isTrustHonoured(user.id, { id: 'platform', kind: 'browser' }, s.deviceId, null)).toBe(false);
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, null)).toBe(false);
    expect(await w.mfa.isTrustHonoured(user.id, WEB, 'another-device-000001', null)).toBe(false);
    expect(await w.mfa.isTrustHonoured(user.id, WEB, null, null)).toBe(false);
  });

  it('a native app gets a device token once, and only that token, from that app, skips it', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'mfa', 'phone-device-00000001', 'mobile');
    const { until, token } = await w.mfa.trust(s, ACTOR, true);
    expect(until).toBe(w.clock.now() + TRUST_PERIOD);
    const parsed = parseToken(token ?? '');
    expect(parsed).not.toBeNull();
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, token)).toBe(true);
    // Its device id without the token, a forged secret, or another token's id: refused.
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, null)).toBe(false);
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, formatToken(parsed!.id, newSecret(nodeCrypto)))).toBe(false);
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, formatToken('A'.repeat(22), parsed!.secret))).toBe(false);
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, 'not-a-token')).toBe(false);
    // The right token from another app, even a browser one, is refused too.
    expect(await w.mfa.isTrustHonoured(user.id, DESKTOP, s.deviceId, token)).toBe(false);
    expect(await w.mfa.isTrustHonoured(user.id, WEB, s.deviceId, token)).toBe(false);
  });

  it('a native trust given without a token is not honoured for that app', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'mfa', 'tablet-device-0000001', 'mobile');
    expect((await w.mfa.trust(s, ACTOR, false)).token).toBeNull();
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, null)).toBe(false);
  });

  it('a new grant replaces the old token; trust past its period or ended is honoured no more', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'mfa', 'phone-device-00000002', 'mobile');
    const first = (await w.mfa.trust(s, ACTOR, true)).token;
    const second = (await w.mfa.trust(s, ACTOR, true)).token;
    expect(second).not.toBe(first);
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, first)).toBe(false);
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, second)).toBe(true);
    w.clock.advance(TRUST_PERIOD);
    expect(await w.mfa.isTrustHonoured(user.id, MOBILE, s.deviceId, second)).toBe(false);
  });

  it('the device token is kept only as a hash', async () => {
    const { user } = await userWithMfa();
    const { session: s } = await session(user.id, 'mfa', 'phone-device-00000003', 'mobile');
    const token = (await w.mfa.trust(s, ACTOR, true)).token!;
    const stored = await w.mfaStore.findDeviceTrust(user.id, s.deviceId!, w.clock.now());
    const { id, secret } = parseToken(token)!;
    expect(stored).toEqual({
      trustedUntil: w.clock.now() + TRUST_PERIOD,
      clientId: 'mobile',
      tokenId: id,
      secretHash: nodeCrypto.sha256(secret),
    });
  });
});
