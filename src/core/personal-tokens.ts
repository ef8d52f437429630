/**
 * Personal access tokens (issue 11): a user makes a token on Settings › Security for a script or
 * a tool, with a name, some of the configured scopes (`--token-scopes`) and an expiry (1 to 365
 * days, or none). Its secret is shown once; only sha256 of it is stored, with the same
 * `<id>.<secret>` shape, hashing and constant-time compare as session tokens, service keys and
 * workspace API keys (token.ts), behind an `sdpat_` prefix. The id finds the row (primary key),
 * the secret proves possession.
 *
 * A token acts for its owner only while the owner's account is enabled; other services learn
 * whether one is live through `/v1/introspect`. Tokens are revoked, never deleted (but with the
 * account), and making or revoking one lands on the owner's security timeline
 * (`credential_changed`).
 *
 * Telling tokens apart: a session token is exactly 66 characters (`<22>.<43>`); a workspace key
 * is `swk_` and one of those; a personal token is `sdpat_` and one of those, 72 characters.
 */
import { SessiondError } from './errors.js';
import type { Recorder, RequestPlace } from './events.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { PersonalTokenRecord, PersonalTokenStore } from './ports/personal-token-store.js';
import type { AccountStatusStore } from './ports/store.js';
import type { Actor } from './security-events.js';
import { constantTimeEqual, formatToken, MAX_TOKEN_LENGTH, newId, newSecret, parseToken } from './token.js';

export const PERSONAL_TOKEN_PREFIX = 'sdpat_';
/** The length of every personal token: the prefix and a session-shaped `<id>.<secret>`. */
export const PERSONAL_TOKEN_LENGTH = PERSONAL_TOKEN_PREFIX.length + MAX_TOKEN_LENGTH;

export const DEFAULT_TOKEN_SCOPES: readonly string[] = ['api:read', 'api:write'];
export const MAX_TOKEN_NAME = 64;
export const MAX_TOKEN_DAYS = 365;
/** Active (neither revoked nor expired) tokens one account may hold. */
export const MAX_ACTIVE_TOKENS = 50;
/** A token's last use is written at most this often (not on every introspection). */
export const TOKEN_LAST_USE_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Control characters, line and paragraph separators and bidirectional overrides: a name is shown
 * on one line in the settings page and on the timeline, and must read as what it is.
 */
const UNSAFE_NAME = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

export interface PersonalTokenDeps {
  store: PersonalTokenStore;
  users: Pick<AccountStatusStore, 'isUserDisabled'>;
  clock: Clock;
  crypto: Crypto;
  recorder: Pick<Recorder, 'record'>;
  /** `--token-scopes`: what a token may be given. */
  scopes: readonly string[];
}

export interface NewPersonalToken {
  name: string;
  scopes: readonly string[];
  /** Null: the token never expires. */
  expiresInDays: number | null;
}

/** A live token, as introspection and any API that accepts tokens see it. */
export interface PersonalTokenUse {
  userId: string;
  tokenId: string;
  scopes: string[];
  expiresAt: number | null;
  createdAt: number;
}

/** Whether a bearer credential has a personal token's shape (it may still be unknown or dead). */
export function looksLikePersonalToken(token: string): boolean {
  return token.length === PERSONAL_TOKEN_LENGTH && token.startsWith(PERSONAL_TOKEN_PREFIX);
}

export class PersonalTokens {
  readonly #deps: PersonalTokenDeps;

  constructor(deps: PersonalTokenDeps) {
    this.#deps = deps;
  }

  /** The scopes a token may be given (`--token-scopes`). */
  get scopes(): readonly string[] {
    return this.#deps.scopes;
  }

  /** Makes a token. Returns its record and its secret, which is never shown again. */
  async create(
    userId: string,
    input: NewPersonalToken,
    actor: Actor,
    place: RequestPlace | null,
  ): Promise<{ token: PersonalTokenRecord; secret: string }> {
    const name = input.name.trim();
    const length = [...name].length;
    if (length === 0 || length > MAX_TOKEN_NAME || UNSAFE_NAME.test(name))
      throw new SessiondError('invalid_request', `A token's name has 1 to ${MAX_TOKEN_NAME} characters on one line.`);
    const allowed = this.#deps.scopes;
    if (input.scopes.length === 0 || input.scopes.some((s) => !allowed.includes(s)))
      throw new SessiondError('invalid_request', `A token has one or more of these scopes: ${allowed.join(', ')}.`);
    const days = input.expiresInDays;
    if (days !== null && (!Number.isSafeInteger(days) || days < 1 || days > MAX_TOKEN_DAYS))
      throw new SessiondError('invalid_request', `A token expires in 1 to ${MAX_TOKEN_DAYS} days, or never.`);
    const { store, clock, crypto, recorder } = this.#deps;
    const now = clock.now();
    const secret = newSecret(crypto);
    const token: PersonalTokenRecord = {
      id: newId(crypto),
      userId,
      name,
      tokenHash: crypto.sha256(secret),
      // In the configured order, once each.
      scopes: allowed.filter((s) => input.scopes.includes(s)),
      createdAt: now,
      expiresAt: days === null ? null : now + days * DAY_MS,
      lastUsedAt: null,
      lastUsedIp: null,
      revokedAt: null,
    };
    if ((await store.insertPersonalToken(token, MAX_ACTIVE_TOKENS, now)) === 'limit')
      throw new SessiondError('forbidden', `An account can have at most ${MAX_ACTIVE_TOKENS} active tokens. Revoke one to make another.`);
    await recorder.record({ type: 'credential_changed', at: now, userId, change: 'token_created', name, place, actor });
    return { token, secret: PERSONAL_TOKEN_PREFIX + formatToken(token.id, secret) };
  }

  /** The account's active tokens (neither revoked nor expired), newest first. */
  async list(userId: string): Promise<PersonalTokenRecord[]> {
    return this.#deps.store.listActivePersonalTokens(userId, this.#deps.clock.now());
  }

  /**
   * Revokes one of the account's tokens: refused from its very next use on. `not_found` for an id
   * that names no active token of this account (unknown, someone else's, revoked or expired).
   */
  async revoke(userId: string, id: string, actor: Actor, place: RequestPlace | null = null): Promise<void> {
    const { store, clock, recorder } = this.#deps;
    const token = await store.findPersonalToken(id);
    const now = clock.now();
    if (!token || token.userId !== userId || !(await store.revokePersonalToken(userId, id, now)))
      throw new SessiondError('not_found', 'No such token.');
    await recorder.record({ type: 'credential_changed', at: now, userId, change: 'token_revoked', name: token.name, place, actor });
  }

  /**
   * Revokes every active token of the account ("sign out everywhere"); returns how many. Each one
   * revoked is on the timeline by its name.
   */
  async revokeAll(userId: string, actor: Actor, place: RequestPlace | null = null): Promise<number> {
    const { store, clock, recorder } = this.#deps;
    const now = clock.now();
    // Named before: the one statement below also revokes any token made in between, unnamed.
    const named = await store.listActivePersonalTokens(userId, now);
    const count = await store.revokePersonalTokensOf(userId, now);
    for (const token of named.slice(0, count))
      await recorder.record({ type: 'credential_changed', at: now, userId, change: 'token_revoked', name: token.name, place, actor });
    return count;
  }

  /**
   * The token `secret` names, if it is well-formed, its secret matches (constant time), it is
   * neither revoked nor expired, and its owner's account is not disabled; else null. Records the
   * use (and `ip`, null when the caller cannot know it), at most once a minute per token.
   */
  async verify(secret: string, ip: string | null): Promise<PersonalTokenUse | null> {
    if (!looksLikePersonalToken(secret)) return null;
    const parsed = parseToken(secret.slice(PERSONAL_TOKEN_PREFIX.length));
    if (!parsed) return null;
    const { store, clock, crypto, users } = this.#deps;
    const token = await store.findPersonalToken(parsed.id);
    if (!token || !constantTimeEqual(crypto.sha256(parsed.secret), token.tokenHash)) return null;
    const now = clock.now();
    if (token.revokedAt !== null || (token.expiresAt !== null && now >= token.expiresAt)) return null;
    if (await users.isUserDisabled(token.userId)) return null;
    if (token.lastUsedAt === null || now - token.lastUsedAt >= TOKEN_LAST_USE_INTERVAL_MS)
      await store.touchPersonalToken(token.id, now, ip, TOKEN_LAST_USE_INTERVAL_MS);
    return { userId: token.userId, tokenId: token.id, scopes: token.scopes, expiresAt: token.expiresAt, createdAt: token.createdAt };
  }
}
