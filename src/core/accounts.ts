/**
 * Account use cases: sign up, sign in, change password. Sign-in answers the same way, with
 * similar timing, for an unknown email and a wrong password, and is rate limited per IP and
 * per account before any password is checked.
 */
import { SessiondError } from './errors.js';
import type { Recorder, RequestPlace } from './events.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { PasswordHasher } from './ports/password-hasher.js';
import type { RateLimiter, RateLimitResult } from './ports/rate-limiter.js';
import type { AccountStatusStore, UserStore } from './ports/store.js';
import type { Actor } from './security-events.js';
import type { Sessions } from './sessions.js';
import { newId } from './token.js';
import type { PasswordPolicy, UserRecord } from './user.js';
import { emailKey, isPlausibleEmail, passwordProblem } from './user.js';

/** Rate-limit keys shared by the password step, the code step and re-authentication. */
export const signInAccountKey = (emailKey: string) => `sign-in:account:${emailKey}`;
export const signInIpKey = (ip: string) => `sign-in:ip:${ip}`;

export interface Limit {
  limit: number;
  windowMs: number;
}

export interface SignInLimits {
  /** Every attempt from one IP counts. */
  perIp: Limit;
  /** Failed attempts against one account count; a good sign-in clears them. */
  perAccount: Limit;
}

/**
 * Reserves one attempt at an account's secret (password, code) before it is checked (ASVS 5.0
 * 6.3.1, NIST SP 800-63B §5.2.2): the per-IP count (every attempt) and the per-account count
 * (failures) are taken first, each in one atomic step of the limiter, so concurrent guesses cannot
 * all pass a check made before any of them was counted. Over either limit: `rate_limited`, and
 * nothing is checked. A wrong secret leaves its attempt counted; a right one gives it back
 * (`refund`: the password step of an MFA sign-in, which must not clear the codes' failures) or
 * clears the account's count (`reset`: the user has proved who they are). `ip` null: the account
 * alone counts (a signed-in user's password change).
 */
export async function reserveAttempt(rateLimiter: RateLimiter, limits: SignInLimits, emailKey: string, ip: string | null): Promise<void> {
  const accountKey = signInAccountKey(emailKey);
  const byIp = ip === null ? null : await rateLimiter.hit(signInIpKey(ip), limits.perIp.limit, limits.perIp.windowMs);
  const byAccount = await rateLimiter.hit(accountKey, limits.perAccount.limit, limits.perAccount.windowMs);
  const blocked = [byIp, byAccount].filter((r): r is RateLimitResult => r !== null && !r.allowed);
  if (blocked.length === 0) return;
  // Refused before any check: an account attempt that was allowed is not a failure.
  if (byAccount.allowed) await rateLimiter.refund(accountKey);
  const retryAfterMs = Math.max(...blocked.map((r) => r.retryAfterMs));
  throw new SessiondError('rate_limited', undefined, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}

export interface AccountDeps {
  store: UserStore & AccountStatusStore;
  clock: Clock;
  crypto: Crypto;
  passwords: PasswordHasher;
  rateLimiter: RateLimiter;
  passwordPolicy: PasswordPolicy;
  signInLimits: SignInLimits;
  /** Sessions.announce: every node drops what it cached for a user whose sessions a change ended. */
  sessions: Pick<Sessions, 'announce'>;
  recorder: Recorder;
}

export interface NewAccount {
  email: string;
  password: string;
  name?: string | null | undefined;
  isAdmin?: boolean;
}

export class Accounts {
  readonly #deps: AccountDeps;
  /** A real hash of a random password, verified against when the email is unknown. */
  #dummyHash: Promise<string> | undefined;

  constructor(deps: AccountDeps) {
    this.#deps = deps;
  }

  async signUp(input: NewAccount): Promise<UserRecord> {
    const { store, clock, crypto, passwords, passwordPolicy } = this.#deps;
    if (!isPlausibleEmail(input.email)) throw new SessiondError('invalid_request', 'Enter a valid email address.');
    const problem = passwordProblem(input.password, passwordPolicy);
    if (problem) throw new SessiondError('weak_password', problem);
    const now = clock.now();
    const user: UserRecord = {
      id: newId(crypto),
      email: input.email.normalize('NFC').trim(),
      emailKey: emailKey(input.email),
      name: input.name?.trim() || null,
      passwordHash: await passwords.hash(input.password),
      isAdmin: input.isAdmin ?? false,
      createdAt: now,
      passwordChangedAt: now,
    };
    if (!(await store.insertUser(user))) throw new SessiondError('email_taken');
    return user;
  }

  /** Returns the user whose password matches, or throws `invalid_credentials` / `rate_limited`. */
  async verifyCredentials(email: string, password: string, ip: string): Promise<UserRecord> {
    const { store, passwords, rateLimiter, signInLimits, passwordPolicy } = this.#deps;
    const key = emailKey(email);
    await reserveAttempt(rateLimiter, signInLimits, key, ip);
    // An over-long password cannot match (sign-up refuses it) and is not worth hashing.
    const user = isPlausibleEmail(email) ? await store.findUserByEmailKey(key) : null;
    const tooLong = [...password].length > passwordPolicy.maxLength;
    // Verify against a dummy hash when there is no user, so both failures take as long.
    let ok: boolean;
    try {
      ok = await passwords.verify(user?.passwordHash ?? (await this.#dummy()), tooLong ? '' : password);
    } catch (err) {
      // The hasher was too busy to check (`unavailable`): nothing was checked, so, as with a
      // refusal by a rate limit, the attempt is not a failure of the account (known or not, alike).
      await rateLimiter.refund(signInAccountKey(key));
      throw err;
    }
    if (!user || !ok || tooLong) throw new SessiondError('invalid_credentials');
    // Not a failure: the reserved attempt is given back. The count clears only when the sign-in
    // is over (signInSucceeded), else a known password would clear it between guesses at a code.
    await rateLimiter.refund(signInAccountKey(key));
    return user;
  }

  /** The sign-in is over (SignIn): the account's failed-attempt count starts again. */
  async signInSucceeded(user: Pick<UserRecord, 'emailKey'>): Promise<void> {
    await this.#deps.rateLimiter.reset(signInAccountKey(user.emailKey));
  }

  /**
   * Checks the current password, stores the new one and, unless the user opts out, ends every
   * other session in the same transaction (ASVS 7.4.3), then records the change (the owner is
   * told by mail, ASVS 6.3.7). Returns how many sessions were ended.
   *
   * A wrong current password is a guess at the account's password, so it counts on the account's
   * sign-in failure limit (the same key: guesses here and at sign-in add up) and, past it, the
   * change is refused unchecked with `rate_limited`; otherwise a stolen session would be an
   * unlimited guessing oracle. A right one clears the count, as a sign-in does. Not counted per
   * IP: the caller is a signed-in user and the attempt names one account.
   */
  async changePassword(
    userId: string,
    change: { currentPassword: string; newPassword: string; keepSessionId: string; signOutOthers: boolean },
    by: { actor: Actor; place: RequestPlace },
  ): Promise<number> {
    const { store, clock, passwords, passwordPolicy, sessions, recorder, rateLimiter, signInLimits } = this.#deps;
    const user = await store.findUserById(userId);
    const incorrect = () => new SessiondError('incorrect_password', 'The current password is incorrect.');
    if (!user) throw incorrect();
    await reserveAttempt(rateLimiter, signInLimits, user.emailKey, null);
    if (!(await passwords.verify(user.passwordHash, change.currentPassword))) throw incorrect();
    await rateLimiter.reset(signInAccountKey(user.emailKey));
    const problem = passwordProblem(change.newPassword, passwordPolicy);
    if (problem) throw new SessiondError('weak_password', problem);
    const hash = await passwords.hash(change.newPassword);
    const revoke = change.signOutOthers ? { userId: user.id, exceptSessionId: change.keepSessionId } : null;
    const at = clock.now();
    const revoked = await store.changePassword(user.id, hash, at, revoke, 'password_changed');
    // After commit: every node drops what it cached for this user.
    await sessions.announce({ kind: 'user', userId: user.id });
    await recorder.record({ type: 'password_changed', at, user, how: 'changed', place: by.place, actor: by.actor, revoked });
    return revoked;
  }

  /**
   * An operator disables the account (ASVS 5.0 7.4.2): every session of it ends in the same
   * transaction (reason `admin`), every node drops what it cached, and sign-in is refused
   * (`SignIn`'s gate) until `enable`. False when it was already disabled.
   */
  async disable(userId: string, actor: Actor): Promise<boolean> {
    const { store, clock, sessions, recorder } = this.#deps;
    const at = clock.now();
    const revoked = await store.disableUser(userId, at, 'admin');
    if (revoked === null) return false;
    await sessions.announce({ kind: 'user', userId });
    await recorder.record({ type: 'sessions_ended', at, userId, scope: 'all', count: revoked, reason: 'admin', actor });
    await recorder.record({ type: 'account_status_changed', at, userId, disabled: true, actor });
    return true;
  }

  /** Lets a disabled account sign in again; its ended sessions stay ended. False when it was not disabled. */
  async enable(userId: string, actor: Actor): Promise<boolean> {
    const { store, clock, recorder } = this.#deps;
    if (!(await store.enableUser(userId))) return false;
    await recorder.record({ type: 'account_status_changed', at: clock.now(), userId, disabled: false, actor });
    return true;
  }

  /** Whether an operator disabled the account: sign-in is refused (after the password is checked). */
  async isDisabled(userId: string): Promise<boolean> {
    return this.#deps.store.isUserDisabled(userId);
  }

  #dummy(): Promise<string> {
    // A hash refused while the hasher is busy is made again next time, not kept as a failure.
    this.#dummyHash ??= this.#deps.passwords.hash(newId(this.#deps.crypto)).catch((err: unknown) => {
      this.#dummyHash = undefined;
      throw err;
    });
    return this.#dummyHash;
  }
}
