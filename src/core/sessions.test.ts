/**
 * Validation through the node-local cache, on a real SQLite store: a warm cache answers without
 * reading the database, every revocation path empties it before the revoking call returns, a
 * revocation racing a database read is never cached, and a bus that is not live is not trusted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryRevocationBus } from '../adapters/bus/memory-revocation-bus.js';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import type { RevocationBus, RevocationEvent } from './ports/revocation-bus.js';
import type { SessionWithUser, Store } from './ports/store.js';
import type { SessionOrigin } from './session.js';
import { Sessions } from './sessions.js';
import { Background } from './background.js';
import { Recorder } from './events.js';
import { Revocation } from './revocation.js';
import type { Actor } from './security-events.js';
import { fixedClock } from './testing/fakes.js';

const ORIGIN: SessionOrigin = {
  ip: '81.2.69.160',
  userAgent: null,
  device: { name: 'Mac', os: 'macOS', browser: 'Chrome 124', type: 'desktop' },
  location: { city: 'London', region: null, country: 'GB', latitude: null, longitude: null },
  deviceId: null,
};
const SELF: Actor = { kind: 'session', sessionId: 'some-other-session', ip: '81.2.69.160' };
const POLICY = { idleTimeoutMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000, touchIntervalMs: 60_000 };

/** Counts reads so a test can tell a cache hit from a database read. */
function countingStore(store: Store): Store & { reads: number; beforeRead?: () => Promise<void> } {
  const counted = Object.create(store) as Store & { reads: number; beforeRead?: () => Promise<void> };
  counted.reads = 0;
  counted.findSession = async (id: string): Promise<SessionWithUser | null> => {
    counted.reads++;
    const found = await store.findSession(id);
    await counted.beforeRead?.();
    return found;
  };
  return counted;
}

/** A bus whose liveness a test controls, as a Redis connection that drops and comes back. */
function switchableBus(): RevocationBus & { live: boolean } {
  const inner = memoryRevocationBus();
  const bus = {
    live: true,
    publish: (e: RevocationEvent) => inner.publish(e),
    subscribe: (l: (e: RevocationEvent) => void) => inner.subscribe(l),
    isLive: () => bus.live,
    close: () => inner.close(),
  };
  return bus;
}

describe('Sessions with a node-local cache', () => {
  let store: ReturnType<typeof countingStore>;
  let raw: Store;
  let bus: ReturnType<typeof switchableBus>;
  let sessions: Sessions;
  let revocation: Revocation;
  const clock = fixedClock('2026-05-01T10:00:00Z');
  let userId: string;

  beforeEach(async () => {
    const { db } = connect('sqlite::memory:');
    await migrateToLatest(db);
    raw = kyselyStore(db);
    store = countingStore(raw);
    bus = switchableBus();
    sessions = new Sessions({ store, clock, crypto: nodeCrypto, policy: POLICY, bus });
    revocation = new Revocation({ store, sessions, recorder: new Recorder(new Background(() => undefined)), clock, crypto: nodeCrypto });
    userId = 'user-1';
    await raw.insertUser({
      id: userId,
      email: 'a@example.com',
      emailKey: 'a@example.com',
      name: null,
      passwordHash: 'x',
      isAdmin: false,
      createdAt: clock.now(),
      passwordChangedAt: clock.now(),
    });
  });
  afterEach(async () => raw.close());

  it('answers a warm session without reading the database', async () => {
    const { token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    expect(await sessions.validateSessionToken(token)).not.toBeNull();
    const reads = store.reads;
    for (let i = 0; i < 5; i++) expect(await sessions.validateSessionToken(token)).not.toBeNull();
    expect(store.reads).toBe(reads);
    expect(sessions.cacheStats().entries).toBe(1);
  });

  it('refuses a wrong secret for a cached id', async () => {
    const { token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    await sessions.validateSessionToken(token);
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(await sessions.validateSessionToken(tampered)).toBeNull();
  });

  it.each([
    ['one', (r: Revocation, id: string) => r.endSession(userId, id, SELF)],
    ['others', (r: Revocation) => r.endOtherSessions(userId, 'some-other-session', SELF)],
    ['all', (r: Revocation) => r.endAllSessions(userId, SELF)],
    ['reported', (r: Revocation, id: string) => r.reportSession(userId, id, SELF)],
  ])('refuses a cached session on the next call after revoke %s', async (_name, revoke) => {
    const { token, session } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    expect(await sessions.validateSessionToken(token)).not.toBeNull();
    await revoke(revocation, session.id);
    expect(await sessions.validateSessionToken(token)).toBeNull();
  });

  it('keeps idle and absolute expiry exact for cached sessions', async () => {
    const { token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    await sessions.validateSessionToken(token);
    clock.advance(POLICY.idleTimeoutMs - 1_000);
    expect(await sessions.validateSessionToken(token)).not.toBeNull();
    clock.advance(POLICY.idleTimeoutMs + 1_000);
    expect(await sessions.validateSessionToken(token)).toBeNull();
  });

  it('does not cache a row read while a revocation of it was committing', async () => {
    const { token, session } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    // The read returns the row as it was; the revocation commits and is published before the
    // reader caches it. Without the generation check the stale row would live on in the cache.
    store.beforeRead = async () => {
      store.beforeRead = undefined;
      await raw.revokeSession(session.id, userId, 'revoked_by_user', clock.now());
      await bus.publish({ kind: 'session', userId, sessionId: session.id });
    };
    await sessions.validateSessionToken(token);
    expect(await sessions.validateSessionToken(token)).toBeNull();
  });

  it('fails closed: while the bus is down it reads the database, and empties the cache when it returns', async () => {
    const { token, session } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    await sessions.validateSessionToken(token);
    bus.live = false;
    // A revocation elsewhere whose event this node never receives.
    await raw.revokeSession(session.id, userId, 'revoked_by_user', clock.now());
    expect(await sessions.validateSessionToken(token)).toBeNull();
    bus.live = true;
    expect(await sessions.validateSessionToken(token)).toBeNull();
    expect(sessions.cacheStats().entries).toBe(0);
  });
});
