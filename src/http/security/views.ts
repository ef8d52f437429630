/** Security events -> wire shape. Only what the SecurityEvent schema allows leaves. */
import { describeClient } from '../../core/clients.js';
import type { RiskSignal } from '../../core/risk.js';
import { actorIp, type SecurityEvent } from '../../core/security-events.js';
import type { Client, SessionPolicy } from '../../core/session.js';
import type { SessionHistory } from '../../core/sessions.js';
import type { SecurityEventView, SessionHistoryView } from './schemas.js';
import { iso, sessionView } from '../views.js';

export function securityEventView(e: SecurityEvent, currentSessionId: string, clients: readonly Client[]): SecurityEventView {
  const actor = e.actor;
  return {
    id: e.id,
    kind: e.kind,
    at: iso(e.at),
    session_id: e.sessionId,
    ip: e.ip,
    location: e.location ? { city: e.location.city, region: e.location.region, country: e.location.country, approximate: true } : null,
    device: e.device ? { name: e.device.name, os: e.device.os, browser: e.device.browser } : null,
    client: e.clientId ? { id: e.clientId, name: describeClient(clients, e.clientId).name } : null,
    actor: actor
      ? {
          kind: actor.kind,
          session_id: actor.kind === 'session' ? actor.sessionId : null,
          ip: actorIp(actor),
          current: actor.kind === 'session' && actor.sessionId === currentSessionId,
          ...(actor.kind === 'policy' ? { policy: actor.policy } : {}),
        }
      : null,
    signals: e.signals.map(signalView),
    count: e.count,
    reason: e.reason,
    ...(e.secondFactor !== null ? { second_factor: e.secondFactor } : {}),
  };
}

/** One session's page: the session as the list shows it (or as it ended), where it was used from, and its timeline entries. */
export function sessionHistoryView(
  history: SessionHistory,
  currentSessionId: string,
  clients: readonly Client[],
  policy: SessionPolicy,
): SessionHistoryView {
  const { ended } = history;
  return {
    session: sessionView(history.session, currentSessionId, clients, policy),
    ended:
      ended === null
        ? null
        : {
            at: iso(ended.at),
            reason: ended.reason,
            ...(ended.reason === 'policy' && ended.detail !== null ? { policy: ended.detail } : {}),
          },
    addresses: history.addresses.map((a) => ({
      ip: a.ip,
      location: { ...a.place, approximate: true as const },
      first_seen_at: iso(a.firstSeenAt),
      last_seen_at: iso(a.lastSeenAt),
    })),
    events: history.events.map((e) => securityEventView(e, currentSessionId, clients)),
  };
}

function signalView(s: RiskSignal): SecurityEventView['signals'][number] {
  switch (s.kind) {
    case 'new_device':
      // The device id is the device cookie's value: never shown.
      return { kind: s.kind };
    case 'new_country':
      return { kind: s.kind, country: s.country, known_countries: s.knownCountries };
    case 'impossible_travel':
      return {
        kind: s.kind,
        distance_km: s.distanceKm,
        hours: s.hours,
        speed_kmh: s.speedKmh,
        from: { city: s.from.city, country: s.from.country, at: iso(s.from.at) },
      };
    case 'failures_then_success':
      return { kind: s.kind, failures: s.failures, window_seconds: Math.round(s.windowMs / 1000) };
    case 'new_client':
      return { kind: s.kind, client_id: s.clientId };
  }
}
