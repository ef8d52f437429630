import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENTS } from '../core/clients.js';
import type { SessionPolicy, SessionRecord } from '../core/session.js';
import { sessionRecord, userRecord } from '../core/testing/store.contract.js';
import type { UserProfile } from '../core/user.js';
import { CurrentSessionBodies, iso, sessionView, userView } from './views.js';

const MINUTE = 60_000;
const policy: SessionPolicy = { idleTimeoutMs: 30 * MINUTE, maxAgeMs: 30 * 24 * 60 * MINUTE, touchIntervalMs: MINUTE };

/** What the route's serializer is given for this session (its key order aside, which the wire test pins). */
const expected = (user: UserProfile, session: SessionRecord) => ({
  user: userView(user),
  session: sessionView(session, session.id, DEFAULT_CLIENTS, policy),
});

describe('CurrentSessionBodies', () => {
  const { passwordHash: _hash, emailKey: _key, ...user } = userRecord({ name: 'Ada "the first" Lovelace' });
  const base = sessionRecord(user.id);

  it('writes the user and the session, marked current, with its activity and idle expiry', () => {
    const bodies = new CurrentSessionBodies();
    const body = JSON.parse(bodies.json(user, base, DEFAULT_CLIENTS, policy));
    expect(body).toEqual(expected(user, base));
    expect(body.session.current).toBe(true);
    expect(body.session.expires_at).toBe(iso(base.lastActiveAt + policy.idleTimeoutMs));
  });

  // Each change must show in the very next body: a kept part that missed one would serve stale data.
  const changes: [string, (s: SessionRecord) => SessionRecord, (u: UserProfile) => UserProfile][] = [
    ['new activity', (s) => ({ ...s, lastActiveAt: s.lastActiveAt + 5 * MINUTE }), (u) => u],
    ['a renamed user', (s) => s, (u) => ({ ...u, name: 'Ada King' })],
    ['a changed email', (s) => s, (u) => ({ ...u, email: 'ada@new.example' })],
    ['a device trusted', (s) => ({ ...s, trusted: true, deviceTrustedUntil: s.signedInAt + 30 * 24 * 60 * MINUTE }), (u) => u],
    ['a device name', (s) => ({ ...s, device: { ...s.device, name: 'Ada’s laptop' } }), (u) => u],
    ['a location', (s) => ({ ...s, location: { ...s.location, city: 'Paris', country: 'FR' } }), (u) => u],
    ['an address', (s) => ({ ...s, ip: '2.125.160.216' }), (u) => u],
    ['another sign-in method', (s) => ({ ...s, authMethod: 'passkey' }), (u) => u],
    ['another app', (s) => ({ ...s, clientId: 'cli' }), (u) => u],
  ];
  it.each(changes)('follows %s at once, as a body made afresh does', (_what, changeSession, changeUser) => {
    const bodies = new CurrentSessionBodies();
    bodies.json(user, base, DEFAULT_CLIENTS, policy);
    // The same objects again (as the cache hands them out) keep the parts.
    expect(bodies.json(user, { ...base }, DEFAULT_CLIENTS, policy)).toBe(
      new CurrentSessionBodies().json(user, base, DEFAULT_CLIENTS, policy),
    );
    const [u, s] = [changeUser(user), changeSession(base)];
    const body = bodies.json(u, s, DEFAULT_CLIENTS, policy);
    expect(body).toBe(new CurrentSessionBodies().json(u, s, DEFAULT_CLIENTS, policy));
    expect(JSON.parse(body)).toEqual(expected(u, s));
  });

  it('follows a device trust that ran out: the same session read again, with only `trusted` changed', () => {
    const bodies = new CurrentSessionBodies();
    const trusted = { ...base, trusted: true, deviceTrustedUntil: base.signedInAt + 30 * 24 * 60 * MINUTE };
    expect(JSON.parse(bodies.json(user, trusted, DEFAULT_CLIENTS, policy)).session.trusted).toBe(true);
    const over = { ...trusted, trusted: false };
    const body = JSON.parse(bodies.json(user, over, DEFAULT_CLIENTS, policy));
    expect(body).toEqual(expected(user, over));
    expect(body.session).toMatchObject({ trusted: false, trusted_until: null });
  });

  it('keeps each session’s parts apart', () => {
    const bodies = new CurrentSessionBodies();
    const other = sessionRecord(user.id, { clientId: 'mobile', lastActiveAt: base.lastActiveAt + MINUTE });
    bodies.json(user, base, DEFAULT_CLIENTS, policy);
    expect(JSON.parse(bodies.json(user, other, DEFAULT_CLIENTS, policy))).toEqual(expected(user, other));
    expect(JSON.parse(bodies.json(user, base, DEFAULT_CLIENTS, policy))).toEqual(expected(user, base));
  });
});
