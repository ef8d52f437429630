/**
 * Sign-up from the public API (the CLI and the demo create accounts with Accounts.signUp).
 * Rate limited per IP before anything is hashed (OWASP Authentication Cheat Sheet; ASVS 5.0
 * 6.3.x), in both modes:
 *
 * - `direct`: the account is created at once (201), and an address that is taken says so (409).
 *   For servers without mail.
 * - `email`: the request answers 202 whatever the address (no account enumeration). After the
 *   response, a new address is mailed a single-use, expiring link (stored hashed, like every
 *   link: action-tokens.ts) that creates the account; the owner of an address that already has
 *   an account is told instead that someone tried to sign up with it (a recorded event, mailed by
 *   SecuritySignals). The password is hashed for both, so the work and the answer are the same.
 */
import type { Limit, NewAccount } from './accounts.js';
import { issueSignUpToken, redeemSignUpToken } from './action-tokens.js';
import type { Accounts } from './accounts.js';
import type { Background } from './background.js';
import { SessiondError } from './errors.js';
import { limitKeyForIp } from './ip-limit-key.js';
import type { Recorder, RequestPlace } from './events.js';
import { signUpConfirmMail } from './mail-templates.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { Mailer } from './ports/mailer.js';
import type { PasswordHasher } from './ports/password-hasher.js';
import type { RateLimiter } from './ports/rate-limiter.js';
import type { SecurityStore } from './ports/security-store.js';
import type { UserStore } from './ports/store.js';
import type { LinkSettings } from './security-signals.js';
import { newId } from './token.js';
import type { PasswordPolicy, UserRecord } from './user.js';
import { emailKey, isPlausibleEmail, passwordProblem } from './user.js';

export type SignUpMode = 'direct' | 'email';

export interface SignUpLimits {
  /** Sign-up requests and confirmations from one IP: over it, 429 with Retry-After. */
  perIp: Limit;
  /** Mails (link or "someone tried") to one address: over it the request still answers 202, but no mail goes out. */
  perAddress: Limit;
}

export interface SignUpDeps {
  mode: SignUpMode;
  accounts: Pick<Accounts, 'signUp'>;
  store: SecurityStore & UserStore;
  clock: Clock;
  crypto: Crypto;
  passwords: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  rateLimiter: RateLimiter;
  limits: SignUpLimits;
  /** The per-IP limit counts an IPv6 client by its network of this many bits (`limitKeyForIp`). */
  ipv6LimitPrefix: number;
  /** How long the mailed link works. */
  tokenTtlMs: number;
  mailer: Mailer;
  background: Background;
  links: LinkSettings;
  recorder: Recorder;
}

export type SignUpResult = { kind: 'created'; user: UserRecord } | { kind: 'link_sent' };

export const signUpIpKey = (ip: string) => `sign-up:ip:${ip}`;
export const signUpAddressKey = (emailKey: string) => `sign-up:address:${emailKey}`;

export class SignUp {
  readonly #deps: SignUpDeps;

  constructor(deps: SignUpDeps) {
    this.#deps = deps;
  }

  get mode(): SignUpMode {
    return this.#deps.mode;
  }

  /** `created` (direct mode) or `link_sent` (email mode, whether or not the address has an account). */
  async request(input: Omit<NewAccount, 'isAdmin'>, place: RequestPlace): Promise<SignUpResult> {
    const { mode, accounts, passwordPolicy, background } = this.#deps;
    // First, before any hashing: a limited request costs one counter.
    await this.#hitIpLimit(place.ip);
    if (mode === 'direct') return { kind: 'created', user: await accounts.signUp({ ...input, isAdmin: false }) };
    // Said for every address alike: these depend on the input only, never on the accounts.
    if (!isPlausibleEmail(input.email)) throw new SessiondError('invalid_request', 'Enter a valid email address.');
    const problem = passwordProblem(input.password, passwordPolicy);
    if (problem) throw new SessiondError('weak_password', problem);
    background.run('sign-up request', () => this.#mailLink(input, place));
    return { kind: 'link_sent' };
  }

  /** Creates the account of a mailed link (201). `invalid_token` for a bad, used or expired link. */
  async confirm(token: string, place: RequestPlace): Promise<UserRecord> {
    const { store, clock, crypto } = this.#deps;
    await this.#hitIpLimit(place.ip);
    const request = await redeemSignUpToken(this.#deps, token);
    if (!request) throw new SessiondError('invalid_token');
    const now = clock.now();
    const user: UserRecord = {
      id: newId(crypto),
      email: request.email,
      emailKey: request.emailKey,
      name: request.name,
      passwordHash: request.passwordHash,
      isAdmin: false,
      createdAt: now,
      passwordChangedAt: now,
    };
    // The address got an account since the link was mailed (another link, an admin): the link
    // holder owns the mailbox, so saying so reveals nothing to them.
    if (!(await store.insertUser(user))) throw new SessiondError('email_taken');
    return user;
  }

  /**
   * Deletes used and expired sign-up requests, `batch` rows at a time, until none are left: an
   * unconfirmed request holds a password hash for an address nobody proved. Returns how many.
   */
  async purgeStale(batch = 1_000): Promise<number> {
    const { store, clock } = this.#deps;
    const now = clock.now();
    let total = 0;
    for (;;) {
      const n = await store.purgeSignUpRequests(now, batch);
      total += n;
      if (n < batch) return total;
    }
  }

  async #mailLink(input: Omit<NewAccount, 'isAdmin'>, place: RequestPlace): Promise<void> {
    const { store, clock, passwords, rateLimiter, limits, tokenTtlMs, mailer, links, recorder } = this.#deps;
    const key = emailKey(input.email);
    // Counted for taken and new addresses alike; over it nothing more is done (no hash, no mail).
    const allowed = await rateLimiter.hit(signUpAddressKey(key), limits.perAddress.limit, limits.perAddress.windowMs);
    if (!allowed.allowed) return;
    // The same work for a taken address as for a new one: one lookup, one hash.
    const existing = await store.findUserByEmailKey(key);
    const passwordHash = await passwords.hash(input.password);
    if (existing) {
      await recorder.record({ type: 'sign_up_attempted', at: clock.now(), user: { id: existing.id, email: existing.email }, place });
      return;
    }
    const email = input.email.normalize('NFC').trim();
    const token = await issueSignUpToken(this.#deps, { email, emailKey: key, name: input.name?.trim() || null, passwordHash }, tokenTtlMs);
    const content = signUpConfirmMail({
      product: links.productName,
      confirmUrl: `${links.publicUrl}/sign-up/confirm?token=${encodeURIComponent(token)}`,
      expiresInMinutes: Math.round(tokenTtlMs / 60_000),
    });
    await mailer.send({ to: email, ...content });
  }

  async #hitIpLimit(ip: string): Promise<void> {
    const { rateLimiter, limits, ipv6LimitPrefix } = this.#deps;
    const result = await rateLimiter.hit(signUpIpKey(limitKeyForIp(ip, ipv6LimitPrefix)), limits.perIp.limit, limits.perIp.windowMs);
    if (!result.allowed)
      throw new SessiondError('rate_limited', undefined, { retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) });
  }
}
