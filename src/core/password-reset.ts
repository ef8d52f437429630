/**
 * Forgot password (OWASP Forgot Password Cheat Sheet): the request always answers the same, in
 * the same time, whether or not the account exists — the lookup and the mail happen after the
 * response. The link's token is single use, stored hashed and expires; confirming it sets the
 * new password, ends every session of the account on every node and the trust of every device
 * (the next sign-in asks for the second factor), tells the owner by mail and does not sign
 * anyone in (ASVS 7.6.2: no session from a link).
 */
import type { Limit } from './accounts.js';
import { issueActionToken, redeemActionToken } from './action-tokens.js';
import type { Background } from './background.js';
import { SessiondError } from './errors.js';
import type { Recorder, RequestPlace } from './events.js';
import { limitKeyForIp } from './ip-limit-key.js';
import { passwordResetMail } from './mail-templates.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { Mailer } from './ports/mailer.js';
import type { PasswordHasher } from './ports/password-hasher.js';
import type { RateLimiter } from './ports/rate-limiter.js';
import type { SecurityStore } from './ports/security-store.js';
import type { UserStore } from './ports/store.js';
import type { LinkSettings } from './security-signals.js';
import type { Sessions } from './sessions.js';
import type { PasswordPolicy } from './user.js';
import { emailKey, isPlausibleEmail, passwordProblem } from './user.js';

export interface ResetLimits {
  /** Requests and confirmations from one IP: over it, 429. */
  perIp: Limit;
  /** Reset mails to one account: over it the request still answers 202, but no mail goes out. */
  perAccount: Limit;
}

export interface PasswordResetDeps {
  store: SecurityStore & UserStore;
  clock: Clock;
  crypto: Crypto;
  passwords: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  rateLimiter: RateLimiter;
  limits: ResetLimits;
  /** The per-IP limit counts an IPv6 client by its network of this many bits (`limitKeyForIp`). */
  ipv6LimitPrefix: number;
  tokenTtlMs: number;
  mailer: Mailer;
  background: Background;
  links: LinkSettings;
  sessions: Pick<Sessions, 'announce'>;
  recorder: Recorder;
}

export class PasswordReset {
  readonly #deps: PasswordResetDeps;

  constructor(deps: PasswordResetDeps) {
    this.#deps = deps;
  }

  /** Always resolves (202) unless this IP is over its limit; whether the account exists is never said. */
  async requestReset(email: string, place: RequestPlace): Promise<void> {
    await this.#hitIpLimit(place.ip);
    this.#deps.background.run('password reset request', () => this.#sendResetMail(email, place));
  }

  /** Sets the new password from a reset link and ends every session. Throws `invalid_token` for a bad, used or expired token. */
  async confirmReset(token: string, newPassword: string, place: RequestPlace): Promise<void> {
    const { store, clock, passwords, passwordPolicy, sessions, recorder } = this.#deps;
    await this.#hitIpLimit(place.ip);
    // Checked before the token is spent, so a rejected password does not burn the link.
    const problem = passwordProblem(newPassword, passwordPolicy);
    if (problem) throw new SessiondError('weak_password', problem);
    const record = await redeemActionToken(this.#deps, token, 'password_reset');
    const user = record ? await store.findUserById(record.userId) : null;
    if (!user) throw new SessiondError('invalid_token');
    const hash = await passwords.hash(newPassword);
    const at = clock.now();
    // Every session and every device's trust end with the old password, in one transaction: a
    // reset is how an account is taken back, so no device skips the code step on its word.
    const revoked = await store.changePassword(user.id, hash, at, { userId: user.id }, 'password_reset', { endDeviceTrust: true });
    // After commit: every node drops what it cached for this user (sessions and their trust).
    await sessions.announce({ kind: 'user', userId: user.id });
    // Any other reset link still in a mailbox dies with this one.
    await store.consumeUserTokens(user.id, 'password_reset', at);
    await recorder.record({ type: 'password_changed', at, user, how: 'reset', place, actor: { kind: 'link', ip: place.ip }, revoked });
  }

  async #sendResetMail(email: string, place: RequestPlace): Promise<void> {
    const { store, rateLimiter, limits, tokenTtlMs, mailer, links, recorder, clock } = this.#deps;
    if (!isPlausibleEmail(email)) return;
    const key = emailKey(email);
    // Counted for unknown addresses too: the same work either way, and no mailbox is flooded.
    const allowed = await rateLimiter.hit(`password-reset:account:${key}`, limits.perAccount.limit, limits.perAccount.windowMs);
    const user = await store.findUserByEmailKey(key);
    if (!user || !allowed.allowed) return;
    const token = await issueActionToken(this.#deps, user.id, 'password_reset', tokenTtlMs);
    const { productName, publicUrl } = links;
    const content = passwordResetMail({
      product: productName,
      resetUrl: `${publicUrl}/reset-password/confirm?token=${encodeURIComponent(token)}`,
      expiresInMinutes: Math.round(tokenTtlMs / 60_000),
    });
    await mailer.send({ to: user.email, ...content });
    await recorder.record({ type: 'password_reset_requested', at: clock.now(), userId: user.id, place });
  }

  async #hitIpLimit(ip: string): Promise<void> {
    const { rateLimiter, limits, ipv6LimitPrefix } = this.#deps;
    const key = `password-reset:ip:${limitKeyForIp(ip, ipv6LimitPrefix)}`;
    const result = await rateLimiter.hit(key, limits.perIp.limit, limits.perIp.windowMs);
    if (!result.allowed)
      throw new SessiondError('rate_limited', undefined, { retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) });
  }
}
