/**
 * A security event in words: pure (no DOM, no clock), so each rule is tested beside this file.
 * The server sends kinds, reasons and actors as codes; this turns them into what happened, who
 * did it and why a sign-in was flagged.
 */
import { formatLocation } from '../../format';
import { messages as defaultMessages } from '../../messages';
import type { Messages } from '../../messages';
import type { SecurityEvent, SecuritySignal } from '../../api';
import type { CredentialEventKind } from '../credentials/types';

/** How an event is marked: suspicious and new-device sign-ins stand out and link to the sessions list. */
export type EventTone = 'plain' | 'unusual' | 'new_device' | 'failed';

export interface EventWording {
  title: string;
  tone: EventTone;
  /** Why a sign-in was flagged, one line per rule that fired. */
  reasons: string[];
  /** A sentence about counts ("3 other sessions were signed out."), or null. */
  note: string | null;
  /** Who did it ("By you, on this device"), or null when the event says it already (a sign-in). */
  by: string | null;
  /** The event is about the session reading the page (its own sign-in). */
  thisDevice: boolean;
  /** Offer "Review your sessions". */
  review: boolean;
  device: string | null;
  app: string | null;
  location: { text: string; detail: string } | null;
  ip: string | null;
}

const SIGN_IN_KINDS = new Set(['sign_in', 'sign_in_failed', 'new_device', 'suspicious_sign_in']);
/** Done by the session the entry is about, to itself: who did it goes without saying, and "This device" marks the reader's own. */
const OWN_KINDS = new Set([...SIGN_IN_KINDS, 'reauthenticated']);

export function describeEvent(event: SecurityEvent, m: Messages = defaultMessages): EventWording {
  const tone: EventTone =
    event.kind === 'suspicious_sign_in'
      ? 'unusual'
      : event.kind === 'new_device'
        ? 'new_device'
        : event.kind === 'sign_in_failed'
          ? 'failed'
          : 'plain';
  const place = event.location === null ? null : formatLocation({ ...event.location, approximate: true }, m);

  return {
    title: title(event, m),
    tone,
    reasons: tone === 'unusual' ? event.signals.map((s) => describeSignal(s, m)) : [],
    note: note(event, m),
    by: OWN_KINDS.has(event.kind) || event.kind === 'password_reset_requested' || selfSignOut(event) ? null : actorText(event, m),
    thisDevice: OWN_KINDS.has(event.kind) && event.kind !== 'sign_in_failed' && event.actor?.current === true,
    // A request to review the sessions leads there as an unusual sign-in does.
    review: tone === 'unusual' || tone === 'new_device' || event.kind === 'review_requested',
    device: deviceText(event),
    app: event.client?.name ?? null,
    location: place?.known === true ? { text: place.text, detail: place.detail } : null,
    ip: event.ip,
  };
}

/** A session that ended itself (Sign out), as opposed to one ended from elsewhere. */
function selfSignOut(event: SecurityEvent): boolean {
  return event.kind === 'session_revoked' && event.reason === 'sign_out' && event.actor?.session_id === event.session_id;
}

function title(event: SecurityEvent, m: Messages): string {
  const a = m.activity;
  if (selfSignOut(event)) return a.titles.session_signed_out!;
  const named = endedSession(event, m);
  if (named !== null && event.kind === 'session_revoked') return a.sessionEnded(named);
  if (named !== null && event.kind === 'session_reported') return a.sessionReported(named);
  if (event.kind === 'session_revoked' && event.reason === 'sign_out') return a.titles.session_signed_out!;
  if (event.kind === 'sessions_revoked') return a.sessionsRevoked(event.count, event.reason);
  if (event.kind === 'review_requested' && event.reason !== null) return a.reviewRequested[event.reason] ?? a.titles.review_requested!;
  const credential = credentialTitle(event, m);
  if (credential !== null) return credential;
  return a.titles[event.kind] ?? a.unknownKind(event.kind);
}

/** The kinds of issue 11's `credential_changed` event (`reason` names the app or token). */
const CREDENTIAL_KINDS: ReadonlySet<string> = new Set<CredentialEventKind>([
  'app_connected',
  'app_removed',
  'device_sign_in_approved',
  'relying_party_signed_out',
  'token_created',
  'token_revoked',
]);

function credentialTitle(event: SecurityEvent, m: Messages): string | null {
  // A string, not the generated union: these kinds arrive before api-types.ts lists them.
  const kind: string = event.kind;
  if (!CREDENTIAL_KINDS.has(kind)) return null;
  const c = m.activity.credential;
  const name = event.reason?.trim() || null;
  switch (kind as CredentialEventKind) {
    case 'app_connected':
      return c.app_connected(name);
    case 'app_removed':
      return c.app_removed(name);
    case 'device_sign_in_approved': {
      const place = event.location === null ? null : formatLocation({ ...event.location, approximate: true }, m);
      return c.device_sign_in_approved(place?.known === true ? place.text : null);
    }
    case 'relying_party_signed_out':
      return c.relying_party_signed_out(name);
    case 'token_created':
      return c.token_created(name);
    case 'token_revoked':
      return c.token_revoked(name);
  }
}

/**
 * The session a revocation or report ended, as its owner recognises it: device · app · near
 * place ("Pixel 8 · Mobile app · near Amsterdam"). Null when the event does not carry it.
 */
function endedSession(event: SecurityEvent, m: Messages): string | null {
  if (event.kind !== 'session_revoked' && event.kind !== 'session_reported') return null;
  const device = event.device?.name.trim() || null;
  if (device === null) return null;
  const place = event.location === null ? null : formatLocation({ ...event.location, approximate: true }, m);
  const parts = [device, event.client?.name ?? null, place?.known === true ? place.text : null];
  return parts.filter((p): p is string => p !== null && p !== '').join(' · ');
}

function note(event: SecurityEvent, m: Messages): string | null {
  if (event.kind === 'sign_in' && event.second_factor !== undefined) return m.activity.secondFactor[event.second_factor] ?? null;
  if (event.count === null) return null;
  if (event.kind === 'password_changed') return m.activity.passwordChangedCount(event.count);
  if (event.kind === 'password_reset') return m.activity.passwordResetCount(event.count);
  if (event.kind === 'sessions_reviewed') return m.activity.sessionsReviewedCount(event.count);
  return null;
}

function actorText(event: SecurityEvent, m: Messages): string | null {
  const actor = event.actor;
  if (actor === null) return null;
  if (actor.kind === 'session') return actor.current ? m.activity.actor.you! : m.activity.actor.otherSession!;
  const rule = actor.kind === 'policy' && actor.policy !== undefined ? m.activity.policyRule[actor.policy] : undefined;
  if (rule !== undefined) return `${m.activity.actor.policy!}: ${rule}`;
  return m.activity.actor[actor.kind] ?? null;
}

function deviceText(event: SecurityEvent): string | null {
  const d = event.device;
  if (d === null) return null;
  const name = d.name.trim();
  const detail = [d.os, d.browser].filter((p): p is string => typeof p === 'string' && p.trim() !== '' && !name.includes(p));
  if (name === '') return detail.length > 0 ? detail.join(' · ') : null;
  return detail.length > 0 ? `${name} (${detail.join(' · ')})` : name;
}

export function describeSignal(signal: SecuritySignal, m: Messages = defaultMessages): string {
  const s = m.activity.signals;
  switch (signal.kind) {
    case 'new_device':
      return s.new_device;
    case 'new_client':
      return s.new_client;
    case 'new_country':
      return s.newCountry(signal.country ?? '?');
    case 'impossible_travel': {
      const from = signal.from;
      const fromText = from === undefined ? null : [from.city, from.country].filter((p): p is string => p !== null && p !== '').join(', ');
      return s.travel(fromText === '' ? null : fromText, typeof signal.distance_km === 'number' ? Math.round(signal.distance_km) : null);
    }
    case 'failures_then_success':
      return s.failures(signal.failures ?? 0);
    default:
      return s.unknown(signal.kind);
  }
}
