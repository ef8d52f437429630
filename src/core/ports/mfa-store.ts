/**
 * What MFA, trusted devices and recent authentication need from persistence. Kept apart from
 * the session store so the validation hot path is unchanged; one Kysely adapter implements it.
 */
export interface TotpFactor {
  userId: string;
  /**
   * Sealed (SecretBox, AES-256-GCM) base32; plain base32 in rows written before sealing. Stored
   * because codes are computed from it; never returned after enrolment.
   */
  secret: string;
  createdAt: number;
  /** Null while enrolment waits for its first code. */
  enabledAt: number | null;
  lastUsedStep: number | null;
}

export interface RecoveryCode {
  codeHash: string;
  usedAt: number | null;
}

export interface MfaChallengeRecord {
  id: string;
  userId: string;
  secretHash: string;
  clientId: string;
  transport: 'cookie' | 'bearer';
  /** A native client's description of its device, JSON; replayed at the code step. */
  device: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/**
 * What a device's trust was granted to: the client that asked for it and, for a native app, the
 * device token issued then (`<tokenId>.<secret>`, only sha256(secret) is kept). A browser's
 * proof is its device cookie, whose hash is the device id; it has no token.
 */
export interface DeviceTrustGrant {
  clientId: string;
  tokenId: string | null;
  secretHash: string | null;
  /** When the trust was granted ("trusted since"); absent in grants that do not say. */
  grantedAt?: number;
}

export interface DeviceTrust extends DeviceTrustGrant {
  trustedUntil: number;
}

/** A device of the user trusted past `now`, as the two-step verification page lists it. */
export interface TrustedDeviceRecord {
  deviceId: string;
  name: string;
  /** The client the trust was granted to; null for trust from before grants (not honoured). */
  clientId: string | null;
  /** Null when granted before migration 0018. */
  trustedAt: number | null;
  trustedUntil: number;
  lastSeenAt: number;
}

export interface MfaStore {
  findTotp(userId: string): Promise<TotpFactor | null>;
  /** Starts (or restarts) enrolment; refused (false) when a factor is already enabled. */
  savePendingTotp(userId: string, secret: string, now: number): Promise<boolean>;
  /** Enables the pending factor and replaces the recovery codes, in one transaction. */
  enableTotp(userId: string, step: number, codeHashes: string[], now: number): Promise<boolean>;
  /** Removes the factor and its codes and ends the trust of every device of the user, in one transaction. */
  disableTotp(userId: string): Promise<boolean>;
  /**
   * Replaces the stored secret only if it is still `from` (sealing it again under a new key, or
   * sealing one written in clear): false when it changed meanwhile. Atomic.
   */
  replaceTotpSecret(userId: string, from: string, to: string): Promise<boolean>;
  /** Records a step as used only if it is newer than the last: false means replayed. Atomic. */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  replaceRecoveryCodes(userId: string, codeHashes: string[], now: number): Promise<void>;
  listRecoveryCodes(userId: string): Promise<RecoveryCode[]>;
  /** Marks a code used if it was not: false when it was already used (single use, atomic). */
  useRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean>;

  insertChallenge(challenge: MfaChallengeRecord): Promise<void>;
  findChallenge(id: string): Promise<MfaChallengeRecord | null>;
  /** Marks a challenge used if it was not and has not expired: false otherwise (single use, atomic). */
  consumeChallenge(id: string, now: number): Promise<boolean>;

  /**
   * Sets (or with null, clears) the trust of one device of the user, with what it was granted to
   * (a grant replaces the previous one; clearing clears it); false when no such device.
   */
  setDeviceTrust(userId: string, deviceId: string, trustedUntil: number | null, grant?: DeviceTrustGrant): Promise<boolean>;
  /** The trust of one device of the user when it lasts past `now`, with its grant; else null. */
  findDeviceTrust(userId: string, deviceId: string, now: number): Promise<DeviceTrust | null>;
  /** Ids of the user's devices trusted past `now`. */
  trustedDeviceIds(userId: string, now: number): Promise<string[]>;
  /** The user's devices trusted past `now`, most recently trusted first. */
  listTrustedDevices(userId: string, now: number): Promise<TrustedDeviceRecord[]>;

  /** When the session last re-authenticated; null when never (its sign-in counts). Read past any cache. */
  authenticatedAt(sessionId: string): Promise<number | null>;
  setAuthenticatedAt(sessionId: string, at: number): Promise<void>;
}
