/**
 * Session records and the pure rules about them. Times are milliseconds since the epoch.
 */
export type ClientKind = 'browser' | 'desktop' | 'mobile' | 'cli' | 'service';
export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'unknown';
export type AuthMethod = 'password' | 'passkey' | 'mfa';
/**
 * The sign-ins that proved more than a password: a password and a second factor (`mfa`), or a
 * passkey (a device the person holds, unlocked by their biometric or PIN: user verification).
 * Policies, trusted devices and the incident search's "MFA" all read this one list.
 */
export const MULTI_FACTOR_METHODS: readonly AuthMethod[] = ['mfa', 'passkey'];

export function isMultiFactor(method: AuthMethod): boolean {
  return MULTI_FACTOR_METHODS.includes(method);
}
export type RevokeReason =
  | 'sign_out'
  | 'revoked_by_user'
  | 'revoke_others'
  | 'revoke_all'
  | 'password_changed'
  | 'password_reset'
  | 'admin'
  /** "This wasn't me": the owner reported the sign-in. */
  | 'reported'
  /** Replaced by a new id and secret for the same sign-in after a privilege change (token rotation). */
  | 'rotated'
  /** A workspace policy ended it; `revokeDetail` names the rule. */
  | 'policy';

export interface Client {
  id: string;
  name: string;
  kind: ClientKind;
}

export interface DeviceInfo {
  name: string;
  os: string;
  browser: string | null;
  type: DeviceType;
}

export interface Location {
  city: string | null;
  region: string | null;
  /** ISO 3166-1 alpha-2 */
  country: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** How a native app (desktop, mobile, CLI) describes its device at sign-in. */
export interface NativeDevice {
  id?: string | undefined;
  name?: string | undefined;
  model?: string | undefined;
  os?: string | undefined;
}

/** Where a sign-in came from, as the HTTP layer saw it. */
export interface SessionOrigin {
  ip: string;
  userAgent: string | null;
  device: DeviceInfo;
  location: Location;
  /** The browser's long-lived device cookie or the native app's `device.id`. */
  deviceId: string | null;
}

/** A stored session. Never contains the token; only the hash of its secret. */
export interface SessionRecord {
  id: string;
  userId: string;
  secretHash: string;
  clientId: string;
  authMethod: AuthMethod;
  deviceId: string | null;
  device: DeviceInfo;
  ip: string;
  location: Location;
  userAgent: string | null;
  signedInAt: number;
  lastActiveAt: number;
  /** Absolute end of life, fixed at sign-in. */
  expiresAt: number;
  /**
   * Whether the session's device is trusted now: derived from `deviceTrustedUntil` when the session
   * is read (Sessions.validateSessionToken, listUserSessions), never stored on the session.
   */
  trusted: boolean;
  /** Until when the session's device is trusted (the device row, joined in by the store). */
  deviceTrustedUntil: number | null;
  revokedAt: number | null;
  revokeReason: RevokeReason | null;
  /** Which policy rule ended it (reason `policy`); absent or null otherwise. */
  revokeDetail?: string | null;
  /**
   * This session reported another as "This wasn't me": until the account's password changes it
   * may read, re-authenticate, change the password and sign out, and nothing else.
   */
  passwordChangeRequired: boolean;
}

/** Session lifetime rules. */
export interface SessionPolicy {
  /** A session unused this long ends. */
  idleTimeoutMs: number;
  /** Absolute lifetime from sign-in. */
  maxAgeMs: number;
  /** `last_active_at` is written at most this often per session. */
  touchIntervalMs: number;
}

/** Touch at most once a minute: bounds write amplification to one write/min/session. */
export const DEFAULT_TOUCH_INTERVAL_MS = 60_000;

/**
 * The moment a session stops being valid: the earlier of its absolute expiry (also capped by the
 * current max-age policy, so tightening the policy applies to existing sessions) and its idle
 * deadline measured from the most recent activity known.
 */
export function effectiveExpiry(
  session: Pick<SessionRecord, 'expiresAt' | 'signedInAt' | 'lastActiveAt'>,
  policy: SessionPolicy,
  lastActiveAt = session.lastActiveAt,
): number {
  return Math.min(session.expiresAt, session.signedInAt + policy.maxAgeMs, lastActiveAt + policy.idleTimeoutMs);
}

export function isActive(
  session: Pick<SessionRecord, 'revokedAt' | 'expiresAt' | 'signedInAt' | 'lastActiveAt'>,
  policy: SessionPolicy,
  now: number,
  lastActiveAt = session.lastActiveAt,
): boolean {
  return session.revokedAt === null && now < effectiveExpiry(session, policy, lastActiveAt);
}

/** Trust belongs to the device and ends on time, even for a session read from the cache. */
export function isTrusted(session: Pick<SessionRecord, 'deviceTrustedUntil'>, now: number): boolean {
  return session.deviceTrustedUntil !== null && session.deviceTrustedUntil > now;
}

export function shouldTouch(lastWrittenAt: number, policy: SessionPolicy, now: number): boolean {
  return now - lastWrittenAt >= policy.touchIntervalMs;
}
