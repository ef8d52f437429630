/**
 * Persistence for personal access tokens (core/personal-tokens.ts). One Kysely adapter implements
 * it; the contract (core/testing/personal-token-store.contract.ts) runs on every engine. A token
 * is never updated but to record its use or its revocation, and never deleted but with its
 * account: revoking sets `revokedAt`.
 */

export interface PersonalTokenRecord {
  id: string;
  userId: string;
  /** What the user calls it (1-64 characters). */
  name: string;
  /** sha256 of the token's secret, base64url: the secret itself is never stored. */
  tokenHash: string;
  /** Non-empty, each once, in the configured order. */
  scopes: string[];
  createdAt: number;
  /** Null: never expires. */
  expiresAt: number | null;
  /** Recorded at most once a minute. */
  lastUsedAt: number | null;
  /** The address of that use, when the use had one. */
  lastUsedIp: string | null;
  revokedAt: number | null;
}

export interface PersonalTokenStore {
  /**
   * Inserts a token unless its account already has `max` active ones at `now` (neither revoked
   * nor expired): then nothing is written and the answer is 'limit'.
   */
  insertPersonalToken(token: PersonalTokenRecord, max: number, now: number): Promise<'inserted' | 'limit'>;
  findPersonalToken(id: string): Promise<PersonalTokenRecord | null>;
  /** The account's tokens that are neither revoked nor expired at `now`, newest first. */
  listActivePersonalTokens(userId: string, now: number): Promise<PersonalTokenRecord[]>;
  /** Revokes one active token of the account; false when there is none (unknown, another's, revoked, expired). */
  revokePersonalToken(userId: string, id: string, now: number): Promise<boolean>;
  /** Revokes every active token of the account; returns how many. */
  revokePersonalTokensOf(userId: string, now: number): Promise<number>;
  /**
   * Records a use at `now` from `ip` unless one was recorded less than `minIntervalMs` before
   * (one conditional write: of many requests in a minute, one writes). True when it wrote.
   */
  touchPersonalToken(id: string, now: number, ip: string | null, minIntervalMs: number): Promise<boolean>;
}
