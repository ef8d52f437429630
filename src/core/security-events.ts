/**
 * The per-account security timeline: append-only, newest first, paged by an opaque cursor.
 * Events carry what a person needs to recognise (or not) what happened: when, from where,
 * on which device and app, and who did it (this session, another session, an admin, a mail link).
 */
import type { RiskSignal } from './risk.js';
import type { DeviceInfo } from './session.js';
import { toBase64Url } from './token.js';

export type SecurityEventKind =
  | 'sign_in'
  | 'sign_in_failed'
  | 'new_device'
  | 'suspicious_sign_in'
  | 'session_revoked'
  | 'sessions_revoked'
  | 'session_reported'
  | 'password_changed'
  | 'password_reset_requested'
  | 'password_reset'
  // Recorded by MFA and trusted devices (issue 4B).
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'device_trusted'
  | 'device_untrusted'
  | 'recovery_codes_replaced'
  // Passkeys (passkeys.ts): one added to, or removed from, the account.
  | 'passkey_added'
  | 'passkey_removed'
  // Session reviews (reviews.ts): asked, and confirmed.
  | 'review_requested'
  | 'sessions_reviewed'
  // A session confirmed it was its owner again (password or code): POST /v1/me/reauthenticate.
  | 'reauthenticated'
  // Credentials past the session list (issue 11): OAuth grants, device sign-ins, "Sign in with" sessions, tokens.
  | 'app_connected'
  | 'app_removed'
  | 'device_sign_in_approved'
  | 'relying_party_signed_out'
  | 'token_created'
  | 'token_revoked';

export const SECURITY_EVENT_KINDS: readonly SecurityEventKind[] = [
  'sign_in',
  'sign_in_failed',
  'new_device',
  'suspicious_sign_in',
  'session_revoked',
  'sessions_revoked',
  'session_reported',
  'password_changed',
  'password_reset_requested',
  'password_reset',
  'mfa_enabled',
  'mfa_disabled',
  'device_trusted',
  'device_untrusted',
  'recovery_codes_replaced',
  'passkey_added',
  'passkey_removed',
  'review_requested',
  'sessions_reviewed',
  'reauthenticated',
  'app_connected',
  'app_removed',
  'device_sign_in_approved',
  'relying_party_signed_out',
  'token_created',
  'token_revoked',
];

const KIND_ORDER = new Map(SECURITY_EVENT_KINDS.map((kind, i) => [kind, i]));

/**
 * Newest first; entries of one instant (a sign-in writes its entry, then a new device's, a flag,
 * a trust granted at the code step, all at one time) latest-recorded first, in the order
 * SECURITY_EVENT_KINDS lists them, so a flag always sits above the sign-in it is about; then by id.
 */
export function newestFirst(a: SecurityEvent, b: SecurityEvent): number {
  return b.at - a.at || KIND_ORDER.get(b.kind)! - KIND_ORDER.get(a.kind)! || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The entries a session's own history shows when they name one of its ids (sessions.ts `history`). */
export const SESSION_EVENT_KINDS: readonly SecurityEventKind[] = [
  'sign_in',
  // Not `new_device`: it repeats the sign-in it is about; an unusual sign-in says why it was flagged.
  'suspicious_sign_in',
  'reauthenticated',
  'session_revoked',
  'session_reported',
];

/** Trust changes of a device: in a session's history when they are about its device, made by any session. */
export const DEVICE_TRUST_KINDS: readonly SecurityEventKind[] = ['device_trusted', 'device_untrusted'];

/** What ends many sessions at once, without naming each: in the history of a session that ended with them. */
export const BULK_END_KINDS: readonly SecurityEventKind[] = ['sessions_revoked', 'password_changed', 'password_reset'];

/**
 * How a sign-in passed the code step: an authenticator or a recovery code, a passkey, or skipped
 * because its device was trusted; null without two-step verification (or recorded before this was).
 */
export type SecondFactor = 'totp' | 'recovery' | 'passkey' | 'trusted_device';

/**
 * Who caused an event: the account's owner from one of their sessions (`session`, "self"), or
 * from a mail link (`link`); an admin of their workspace; a policy (named); or the system.
 */
export type Actor =
  | { kind: 'session'; sessionId: string; ip: string | null }
  | { kind: 'admin'; adminId: string | null; ip: string | null }
  | { kind: 'link'; ip: string | null }
  | { kind: 'policy'; policy: string }
  | { kind: 'system' };

/** The address an actor acted from, when it had one. */
export function actorIp(actor: Actor): string | null {
  return actor.kind === 'system' || actor.kind === 'policy' ? null : actor.ip;
}

/** Approximate location as recorded; latitude and longitude feed the travel rule and never leave the server. */
export interface EventLocation {
  city: string | null;
  region: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface SecurityEvent {
  id: string;
  userId: string;
  kind: SecurityEventKind;
  at: number;
  /** The session the event is about (signed in, revoked, reported). */
  sessionId: string | null;
  ip: string | null;
  clientId: string | null;
  deviceId: string | null;
  location: EventLocation | null;
  device: DeviceInfo | null;
  actor: Actor | null;
  /** Evidence for `suspicious_sign_in` (and `new_device`). */
  signals: RiskSignal[];
  /** How many sessions a bulk revocation ended. */
  count: number | null;
  /** Why a session ended (sign_out, revoked_by_user, …). */
  reason: string | null;
  /** How a sign-in passed the code step (`sign_in` only). */
  secondFactor: SecondFactor | null;
}

export interface EventCursor {
  at: number;
  id: string;
}

export interface EventPage {
  events: SecurityEvent[];
  next: EventCursor | null;
}

export const MAX_EVENT_PAGE = 100;
export const DEFAULT_EVENT_PAGE = 20;

/** An event with every optional field empty, for callers to fill in what they know. */
export function blankEvent(id: string, userId: string, kind: SecurityEventKind, at: number): SecurityEvent {
  return {
    id,
    userId,
    kind,
    at,
    sessionId: null,
    ip: null,
    clientId: null,
    deviceId: null,
    location: null,
    device: null,
    actor: null,
    signals: [],
    count: null,
    reason: null,
    secondFactor: null,
  };
}

/** The cursor is opaque to clients: base64url of `<at>.<id>`. */
export function encodeCursor(cursor: EventCursor): string {
  return toBase64Url(new TextEncoder().encode(`${cursor.at}.${cursor.id}`));
}

const CURSOR_TEXT = /^(\d{1,16})\.([A-Za-z0-9_-]{22})$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,64}$/;

/** Null for anything that is not a cursor this server issued the shape of (a 400, never a 500). */
export function decodeCursor(text: string): EventCursor | null {
  if (!BASE64URL.test(text)) return null;
  const decoded = fromBase64Url(text);
  const match = decoded === null ? null : CURSOR_TEXT.exec(decoded);
  if (!match) return null;
  const at = Number(match[1]);
  return Number.isSafeInteger(at) ? { at, id: match[2]! } : null;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function fromBase64Url(text: string): string | null {
  if (text.length % 4 === 1) return null;
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text) {
    buffer = (buffer << 6) | ALPHABET.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}
