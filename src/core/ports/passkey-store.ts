/**
 * What passkeys (core/passkeys.ts) need from persistence: the credentials an account registered,
 * and the WebAuthn challenges the server handed out, each good once. One Kysely adapter
 * implements it; the contract (core/testing/passkey-store.contract.ts) runs on both engines.
 */

/** A registered passkey: a WebAuthn public key credential (W3C WebAuthn Level 3, §6.1 credential record). */
export interface PasskeyRecord {
  /** This server's id for it (names it in the API); the credential id stays on the server side of the API. */
  id: string;
  userId: string;
  /** The credential id, base64url; unique across accounts. */
  credentialId: string;
  /** The COSE public key, base64url. Public: nothing secret about a passkey is stored. */
  publicKey: string;
  /** The signature counter last seen (0 for authenticators that do not count). */
  counter: number;
  transports: string[];
  /** Backed up (synced to other devices) as of its last use (the BS flag). */
  backedUp: boolean;
  deviceType: 'singleDevice' | 'multiDevice';
  /** The authenticator model's AAGUID ("00000000-…" when the authenticator does not say). */
  aaguid: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export type WebauthnPurpose = 'register' | 'sign_in' | 'second_factor' | 'reauth';

/**
 * A challenge the server handed out, bound to what it may prove: stored as sha256 of the
 * challenge, never in clear. Consumed by the first answer that names it, right or wrong.
 */
export interface WebauthnChallengeRecord {
  challengeHash: string;
  purpose: WebauthnPurpose;
  /** The account it was issued for (registration, second factor, re-authentication); null for a discoverable sign-in. */
  userId: string | null;
  /** The session that asked (registration, re-authentication). */
  sessionId: string | null;
  /** sha256 of the password step's `mfa_token` secret (second factor). */
  mfaTokenHash: string | null;
  expiresAt: number;
}

export type InsertPasskeyResult = 'inserted' | 'limit' | 'duplicate';

export interface PasskeyStore {
  /** Adds a passkey unless the account already has `max` ('limit') or the credential id is known ('duplicate'). */
  insertPasskey(record: PasskeyRecord, max: number): Promise<InsertPasskeyResult>;
  /** The account's passkeys, newest first. */
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  countPasskeys(userId: string): Promise<number>;
  findPasskey(userId: string, id: string): Promise<PasskeyRecord | null>;
  findByCredentialId(credentialId: string): Promise<PasskeyRecord | null>;
  /** Null when the account has no passkey of that id. */
  renamePasskey(userId: string, id: string, name: string): Promise<PasskeyRecord | null>;
  /** The removed passkey; null when the account had none of that id. */
  deletePasskey(userId: string, id: string): Promise<PasskeyRecord | null>;
  /**
   * Records a verified use: the new counter, backup state and time, only if the counter is still
   * `fromCounter` (two racing uses of one assertion cannot both pass). False when it was not.
   */
  recordUse(id: string, fromCounter: number, use: { counter: number; backedUp: boolean; at: number }): Promise<boolean>;
  saveChallenge(record: WebauthnChallengeRecord): Promise<void>;
  /** Takes the challenge away (delete … returning): the first caller gets it, unexpired; everyone else null. */
  consumeChallenge(challengeHash: string, now: number): Promise<WebauthnChallengeRecord | null>;
  /** Deletes challenges that expired before `now`; how many. */
  purgeExpiredChallenges(now: number): Promise<number>;
}
