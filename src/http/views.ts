/** Records -> wire shapes (snake_case, ISO 8601 UTC). Only what the response schemas allow leaves. */
import { describeClient } from '../core/clients.js';
import type { Devices } from '../core/devices.js';
import type { Client, SessionPolicy, SessionRecord } from '../core/session.js';
import { effectiveExpiry } from '../core/session.js';
import type { UserProfile } from '../core/user.js';
import type { SessionView, UserView } from './schemas.js';

/**
 * ISO 8601 strings, remembered: a session's sign-in time, its owner's creation time and its expiry
 * repeat on every request, and toISOString cost 4.5% of the session route (docs/benchmarks.md).
 * Bounded: cleared when full.
 */
const ISO_CACHE_SIZE = 50_000;
const isoCache = new Map<number, string>();
export function iso(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    if (isoCache.size >= ISO_CACHE_SIZE) isoCache.clear();
    text = new Date(ms).toISOString();
    isoCache.set(ms, text);
  }
  return text;
}

export function userView(user: UserProfile): UserView {
  return { id: user.id, email: user.email, name: user.name, created_at: iso(user.createdAt) };
}

export function sessionView(
  session: SessionRecord,
  currentSessionId: string | null,
  clients: readonly Client[],
  policy: SessionPolicy,
  /** Session lists pass it: each session then carries its `device_group`. */
  devices?: Pick<Devices, 'group'>,
): SessionView {
  return {
    id: session.id,
    client: describeClient(clients, session.clientId),
    device: session.device,
    ip: session.ip,
    location: { city: session.location.city, region: session.location.region, country: session.location.country, approximate: true },
    signed_in_at: iso(session.signedInAt),
    last_active_at: iso(session.lastActiveAt),
    expires_at: iso(effectiveExpiry(session, policy)),
    trusted: session.trusted,
    trusted_until: session.trusted && session.deviceTrustedUntil !== null ? iso(session.deviceTrustedUntil) : null,
    current: session.id === currentSessionId,
    auth_method: session.authMethod,
    ...(devices ? { device_group: devices.group(session.userId, session.deviceId) } : {}),
  };
}
