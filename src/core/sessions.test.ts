/**
 * Validation through the node-local cache, on a real SQLite store: a warm cache answers without
 * reading the database, every revocation path empties it before the revoking call returns, a
 * revocation racing a database read is never cached, and a bus that is not live is not trusted.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryRevocationBus } from '../adapters/bus/memory-revocation-bus.js';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyMfaStore } from '../adapters/kysely/kysely-mfa-store.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import type { MfaStore } from './ports/mfa-store.js';
import type { RevocationBus, RevocationEvent } from './ports/revocation-bus.js';
import type { SessionWithUser, Store } from './ports/store.js';
import type { SessionOrigin, SessionRecord } from './session.js';
import { DEFAULT_CACHE_LIMITS, type SessionCacheLimits } from './session-cache.js';
import { MAX_SESSION_ADDRESSES, Sessions, type SessionDeps, type TrackingLimits } from './sessions.js';
import { Background } from './background.js';
import { Recorder } from './events.js';
import { Revocation } from './revocation.js';
import type { Actor } from './security-events.js';
import { brokerBus, fixedClock } from './testing/fakes.js';

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

  describe('validateCachedToken (the HTTP fast path)', () => {
    it('answers only from the cache: undefined for what it has not cached or cannot parse, and never reads', async () => {
      const { token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const reads = store.reads;
      expect(sessions.validateCachedToken(token)).toBeUndefined();
      expect(sessions.validateCachedToken('not a token')).toBeUndefined();
      expect(store.reads).toBe(reads);
      const slow = await sessions.validateSessionToken(token);
      expect(sessions.validateCachedToken(token)).toEqual(slow);
      expect(store.reads).toBe(reads + 1);
    });

    it('applies the rules validateSessionToken applies: the secret, idle and absolute expiry', async () => {
      const { token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      await sessions.validateSessionToken(token);
      expect(sessions.validateCachedToken(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull();
      // Idle past the timeout while the entry is still fresh enough to be used.
      const idle = new Sessions({ store, clock, crypto: nodeCrypto, policy: { ...POLICY, idleTimeoutMs: 10_000 }, bus });
      const issued = await idle.createSession(userId, 'web', 'password', ORIGIN);
      await idle.validateSessionToken(issued.token);
      clock.advance(10_001);
      expect(idle.validateCachedToken(issued.token)).toBeNull();
    });

    it('validateToken: the cache’s answer, a refusal included, at once; the store only on a miss', async () => {
      const { token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const reads = store.reads;
      const first = sessions.validateToken(token);
      expect(first).toBeInstanceOf(Promise);
      expect((await first)?.session.id).toBe(token.split('.')[0]);
      expect(store.reads).toBe(reads + 1);
      const hits = sessions.cacheLookups().hits;
      expect(sessions.validateToken(token)).not.toBeInstanceOf(Promise);
      // A wrong secret for a cached session is refused by the cache alone, once.
      expect(sessions.validateToken(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull();
      expect(sessions.cacheLookups().hits).toBe(hits + 2);
      expect(store.reads).toBe(reads + 1);
    });

    it('records the activity and the touch a validation records', async () => {
      // Entries kept longer than the touch interval, so the cached answer is the one that touches.
      const node = new Sessions({
        store,
        clock,
        crypto: nodeCrypto,
        policy: POLICY,
        bus,
        cache: { ...DEFAULT_CACHE_LIMITS, maxAgeMs: 3_600_000 },
      });
      const { token, session } = await node.createSession(userId, 'web', 'password', ORIGIN);
      await node.validateSessionToken(token);
      clock.advance(POLICY.touchIntervalMs + 1);
      const answered = node.validateCachedToken(token);
      expect(answered).toMatchObject({ session: { id: session.id, lastActiveAt: clock.now() } });
      expect(await node.flushTouches()).toBe(1);
      expect((await raw.findSession(session.id))?.session.lastActiveAt).toBe(clock.now());
    });

    it('refuses nothing it has not checked: after a revocation, or while the bus is down, it leaves the answer to the store', async () => {
      const { token, session } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      await sessions.validateSessionToken(token);
      bus.live = false;
      expect(sessions.validateCachedToken(token)).toBeUndefined();
      bus.live = true;
      await sessions.validateSessionToken(token);
      await revocation.endSession(userId, session.id, SELF);
      expect(sessions.validateCachedToken(token)).toBeUndefined();
      expect(await sessions.validateSessionToken(token)).toBeNull();
    });
  });
});

describe('Sessions on a real store', () => {
  /** Long-lived entries, so that what a test sees is the cache's answer and not a re-read. */
  const LONG_CACHE: SessionCacheLimits = { maxEntries: 100, maxBytes: 1_000_000, maxAgeMs: 24 * 3_600_000 };
  let db: ReturnType<typeof connect>['db'];
  let raw: Store;
  let store: ReturnType<typeof countingStore>;
  let mfa: MfaStore;
  let bus: ReturnType<typeof brokerBus>;
  let clock: ReturnType<typeof fixedClock>;
  const userId = 'user-1';
  const strangerId = 'user-2';

  const node = (deps: Partial<SessionDeps> = {}) => new Sessions({ store, clock, crypto: nodeCrypto, policy: POLICY, bus, ...deps });
  const stored = async (id: string): Promise<SessionRecord | null> => (await raw.findSession(id))?.session ?? null;
  const ids = (list: { id: string }[]) => list.map((s) => s.id);
  const revoke = (s: SessionRecord) => raw.revokeSession(s.id, s.userId, 'revoked_by_user', clock.now());

  beforeEach(async () => {
    ({ db } = connect('sqlite::memory:'));
    await migrateToLatest(db);
    raw = kyselyStore(db);
    store = countingStore(raw);
    mfa = kyselyMfaStore(db);
    bus = brokerBus();
    clock = fixedClock('2026-05-01T10:00:00Z');
    for (const [id, email] of [
      [userId, 'a@example.com'],
      [strangerId, 'b@example.com'],
    ] as const) {
      await raw.insertUser({
        id,
        email,
        emailKey: email,
        name: null,
        passwordHash: 'x',
        isAdmin: false,
        createdAt: clock.now(),
        passwordChangedAt: clock.now(),
      });
    }
  });
  afterEach(async () => raw.close());

  describe('issuing and validating', () => {
    it('issues a fresh session, stored as issued, whose token carries a secret that is not stored', async () => {
      const sessions = node();
      const origin: SessionOrigin = { ...ORIGIN, deviceId: 'device-1', userAgent: 'Mozilla/5.0' };
      const { session, token } = await sessions.createSession(userId, 'desktop', 'mfa', origin);
      const [id, secret] = token.split('.') as [string, string];
      const now = clock.now();
      expect(session).toEqual({
        id,
        userId,
        secretHash: nodeCrypto.sha256(secret),
        clientId: 'desktop',
        authMethod: 'mfa',
        deviceId: 'device-1',
        device: ORIGIN.device,
        ip: ORIGIN.ip,
        location: ORIGIN.location,
        userAgent: 'Mozilla/5.0',
        signedInAt: now,
        lastActiveAt: now,
        expiresAt: now + POLICY.maxAgeMs,
        trusted: false,
        deviceTrustedUntil: null,
        revokedAt: null,
        revokeReason: null,
        passwordChangeRequired: false,
      });
      expect(await stored(id)).toEqual(session);
      expect(JSON.stringify(await raw.findSession(id))).not.toContain(secret);
      const again = await sessions.createSession(userId, 'desktop', 'mfa', origin);
      expect(again.session.id).not.toBe(id);
      expect(again.token.split('.')[1]).not.toBe(secret);
      expect(sessions.policy).toBe(POLICY);
    });

    it.each([
      ['with', undefined],
      ['without', false as const],
    ])('answers null %s a cache, not an error, for a malformed token, an unknown id or a wrong secret', async (_name, cache) => {
      const sessions = node({ cache });
      const { token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const reads = store.reads;
      await expect(sessions.validateSessionToken('not-a-token')).resolves.toBeNull();
      await expect(sessions.validateSessionToken(`${token}A`)).resolves.toBeNull();
      // A malformed token is refused before any database work.
      expect(store.reads).toBe(reads);
      await expect(sessions.validateSessionToken(`${'A'.repeat(22)}${token.slice(22)}`)).resolves.toBeNull();
      await expect(sessions.validateSessionToken(`${token.slice(0, 23)}${'A'.repeat(43)}`)).resolves.toBeNull();
      await expect(sessions.validateSessionToken(token)).resolves.not.toBeNull();
    });

    it('answers with the owner and the session as of now, and writes activity at most once per touch interval', async () => {
      const sessions = node({ cache: false });
      const a = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const b = await sessions.createSession(userId, 'cli', 'password', ORIGIN);
      clock.advance(POLICY.touchIntervalMs - 1);
      const seen = await sessions.validateSessionToken(a.token);
      expect(seen?.user).toMatchObject({ id: userId, email: 'a@example.com' });
      expect(seen?.session).toMatchObject({ id: a.session.id, clientId: 'web', lastActiveAt: clock.now(), trusted: false });
      expect(await sessions.flushTouches()).toBe(0);
      expect((await stored(a.session.id))?.lastActiveAt).toBe(a.session.lastActiveAt);

      clock.advance(1);
      await sessions.validateSessionToken(a.token);
      await sessions.validateSessionToken(b.token);
      expect(await sessions.flushTouches()).toBe(2);
      expect((await stored(a.session.id))?.lastActiveAt).toBe(clock.now());
      expect((await stored(b.session.id))?.lastActiveAt).toBe(clock.now());
      expect(await sessions.flushTouches()).toBe(0);
    });

    it('keeps sessions alive on this node by their latest use before that use is written', async () => {
      const sessions = node({ cache: false });
      const a = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const b = await sessions.createSession(userId, 'cli', 'password', ORIGIN);
      clock.advance(20_000);
      const aUsedAt = clock.now();
      await sessions.validateSessionToken(a.token);
      clock.advance(10_000);
      const bUsedAt = clock.now();
      await sessions.validateSessionToken(b.token);
      expect(await sessions.flushTouches()).toBe(0);
      // Past the idle deadline of the stored activity, not of the uses.
      clock.set(a.session.lastActiveAt + POLICY.idleTimeoutMs + 10_000);
      expect((await sessions.listUserSessions(userId, null)).map((s) => [s.id, s.lastActiveAt])).toEqual([
        [b.session.id, bUsedAt],
        [a.session.id, aUsedAt],
      ]);
      expect(await sessions.validateSessionToken(a.token)).not.toBeNull();
      expect(await sessions.validateSessionToken(b.token)).not.toBeNull();
    });

    it('forgets recent uses when the bound is reached: idle expiry can come earlier, never later', async () => {
      const sessions = node({ cache: false, tracking: { activity: 2 } });
      const [a, b, c] = [
        await sessions.createSession(userId, 'web', 'password', ORIGIN),
        await sessions.createSession(userId, 'cli', 'password', ORIGIN),
        await sessions.createSession(userId, 'cli', 'password', ORIGIN),
      ];
      clock.advance(20_000);
      // Not due a touch yet: each use is only remembered. The third finds the bound reached and clears it.
      for (const s of [a, b, c]) expect(await sessions.validateSessionToken(s.token)).not.toBeNull();
      expect(await sessions.flushTouches()).toBe(0);
      // Past the idle deadline of the stored activity, not of the uses: c lives on its use, a and b
      // were forgotten and are judged by their stored activity alone.
      clock.set(a.session.lastActiveAt + POLICY.idleTimeoutMs + 10_000);
      expect(await sessions.validateSessionToken(c.token)).not.toBeNull();
      expect(await sessions.validateSessionToken(a.token)).toBeNull();
      expect(await sessions.validateSessionToken(b.token)).toBeNull();
    });

    it.each([
      ['without', false as const],
      ['with', LONG_CACHE],
    ])('ends a session %s a cache at its idle deadline, and at its absolute expiry however often it is used', async (_name, cache) => {
      const sessions = node({ cache });
      const used = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const idle = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const end = clock.now() + POLICY.maxAgeMs;
      clock.advance(POLICY.idleTimeoutMs - 1);
      expect(await sessions.validateSessionToken(used.token)).not.toBeNull();
      clock.advance(1);
      expect(await sessions.validateSessionToken(idle.token)).toBeNull();
      expect(await sessions.validateSessionToken(used.token)).not.toBeNull();
      while (clock.now() + 20 * 60_000 < end) {
        clock.advance(20 * 60_000);
        expect(await sessions.validateSessionToken(used.token)).not.toBeNull();
        await sessions.flushTouches();
      }
      clock.set(end - 1);
      expect(await sessions.validateSessionToken(used.token)).not.toBeNull();
      clock.set(end);
      expect(await sessions.validateSessionToken(used.token)).toBeNull();
      expect(await sessions.listUserSessions(userId, null)).toEqual([]);
      expect(await sessions.countActiveSessions()).toBe(0);
    });

    it('says a session is trusted only while its device is, also when answered from the cache', async () => {
      const sessions = node();
      const { session, token } = await sessions.createSession(userId, 'web', 'password', { ...ORIGIN, deviceId: 'device-1' });
      const until = clock.now() + 10_000;
      expect(await mfa.setDeviceTrust(userId, 'device-1', until, { clientId: 'web', tokenId: null, secretHash: null })).toBe(true);
      expect((await sessions.validateSessionToken(token))?.session.trusted).toBe(true);
      expect(sessions.cacheStats().entries).toBe(1);
      clock.set(until - 1);
      expect((await sessions.validateSessionToken(token))?.session.trusted).toBe(true);
      expect((await sessions.listUserSessions(userId, session.id))[0]?.trusted).toBe(true);
      expect((await sessions.listUserSessionPage(session, 5, null)).sessions).toEqual([expect.objectContaining({ id: session.id })]);
      clock.set(until);
      const reads = store.reads;
      expect((await sessions.validateSessionToken(token))?.session.trusted).toBe(false);
      expect(store.reads).toBe(reads);
      expect((await sessions.listUserSessions(userId, session.id))[0]?.trusted).toBe(false);
    });
  });

  describe('listing', () => {
    /** Sessions one minute apart; the first is idle by the time the others exist. */
    async function spread(sessions: Sessions) {
      const idle = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      clock.advance(POLICY.idleTimeoutMs + 60_000);
      const issued = [];
      for (let i = 0; i < 4; i++) {
        issued.push(await sessions.createSession(userId, 'web', 'password', ORIGIN));
        clock.advance(60_000);
      }
      await sessions.createSession(strangerId, 'web', 'password', ORIGIN);
      return { idle: idle.session, list: issued.map((i) => i.session), tokens: issued.map((i) => i.token) };
    }

    it('lists a user’s active sessions, the current one first, then the most recently used', async () => {
      const sessions = node();
      const { list } = await spread(sessions);
      const [s1, s2, s3, s4] = list as [SessionRecord, SessionRecord, SessionRecord, SessionRecord];
      await revoke(s4);
      expect(ids(await sessions.listUserSessions(userId, null))).toEqual([s3.id, s2.id, s1.id]);
      expect(ids(await sessions.listUserSessions(userId, s2.id))).toEqual([s2.id, s3.id, s1.id]);
      expect(ids(await sessions.listUserSessions(userId, s1.id))).toEqual([s1.id, s3.id, s2.id]);
      expect(ids(await sessions.listUserSessions(strangerId, null))).toHaveLength(1);
    });

    it('orders the list by the activity this node has seen, not only by what is stored', async () => {
      const sessions = node({ cache: false });
      const { list, tokens } = await spread(sessions);
      const [s1, s2, s3, s4] = list as [SessionRecord, SessionRecord, SessionRecord, SessionRecord];
      // The oldest session is used now; its use is not written yet (no flush), but it is now the
      // most recent.
      await sessions.validateSessionToken(tokens[0]!);
      expect((await stored(s1.id))?.lastActiveAt).toBeLessThan(s4.lastActiveAt);
      expect(ids(await sessions.listUserSessions(userId, null))).toEqual([s1.id, s4.id, s3.id, s2.id]);
      expect(ids(await sessions.listUserSessions(userId, s3.id))).toEqual([s3.id, s1.id, s4.id, s2.id]);
    });

    it('pages through every active session once: the current one first, then the newest stored activity', async () => {
      const sessions = node();
      const { idle, list } = await spread(sessions);
      const current = list[1]!;
      const others = ids(list.filter((s) => s.id !== current.id).reverse());

      const first = await sessions.listUserSessionPage(current, 2, null);
      expect(ids(first.sessions)).toEqual([current.id, others[0]]);
      expect(first.nextCursor).toEqual({ id: others[0], lastActiveAt: list.find((s) => s.id === others[0])!.lastActiveAt });

      const second = await sessions.listUserSessionPage(current, 1, first.nextCursor);
      expect(ids(second.sessions)).toEqual([others[1]]);
      expect(second.nextCursor).not.toBeNull();
      // The last page reads exactly `limit` rows, so there is no next one. One of them is the idle
      // session (the store leaves expiry to the caller): read, but not listed.
      const third = await sessions.listUserSessionPage(current, 2, second.nextCursor);
      expect(third).toEqual({ sessions: [expect.objectContaining({ id: others[2] })], nextCursor: null });
      expect(ids(third.sessions)).not.toContain(idle.id);

      // A first page with room for every row: no cursor. One row short (the idle one): a cursor.
      const all = { sessions: [current, ...others.map((id) => expect.objectContaining({ id }))] };
      expect(await sessions.listUserSessionPage(current, 5, null)).toEqual({ ...all, nextCursor: null });
      expect(await sessions.listUserSessionPage(current, 4, null)).toEqual({
        ...all,
        nextCursor: expect.objectContaining({ id: others[2] }),
      });
    });

    it('a first page of one holds the current session and still leads to the others', async () => {
      const sessions = node();
      const { list } = await spread(sessions);
      const current = list[1]!;
      const first = await sessions.listUserSessionPage(current, 1, null);
      expect(ids(first.sessions)).toEqual([current.id]);
      expect(first.nextCursor).not.toBeNull();
      const seen: string[] = [];
      let page = first;
      while (page.nextCursor) {
        page = await sessions.listUserSessionPage(current, 1, page.nextCursor);
        seen.push(...ids(page.sessions));
      }
      expect(seen).toEqual(ids((await sessions.listUserSessions(userId, current.id)).slice(1)));
      // Alone: nothing more to page to.
      await raw.insertUser({
        id: 'user-3',
        email: 'c@example.com',
        emailKey: 'c@example.com',
        name: null,
        passwordHash: 'x',
        isAdmin: false,
        createdAt: clock.now(),
        passwordChangedAt: clock.now(),
      });
      const lone = (await sessions.createSession('user-3', 'web', 'password', ORIGIN)).session;
      expect(await sessions.listUserSessionPage(lone, 1, null)).toEqual({ sessions: [lone], nextCursor: null });
    });

    it('pages past a session that expired between active ones, by the row read and not the rows shown', async () => {
      const policy = { idleTimeoutMs: 5 * 60_000, maxAgeMs: 10 * 60_000, touchIntervalMs: 60_000 };
      const sessions = node({ policy, cache: false });
      const start = clock.now();
      const old = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      clock.set(start + 4 * 60_000);
      await sessions.validateSessionToken(old.token);
      await sessions.flushTouches();
      clock.set(start + 7 * 60_000);
      const newer = (await sessions.createSession(userId, 'web', 'password', ORIGIN)).session;
      clock.set(start + 8 * 60_000);
      await sessions.validateSessionToken(old.token);
      await sessions.flushTouches();
      clock.set(start + 9 * 60_000);
      const newest = (await sessions.createSession(userId, 'web', 'password', ORIGIN)).session;
      const current = (await sessions.createSession(userId, 'web', 'password', ORIGIN)).session;
      // Past the old session's absolute expiry; its stored activity sits between the other two.
      clock.set(start + 10 * 60_000 + 30_000);
      const walk: string[][] = [];
      let page = await sessions.listUserSessionPage(current, 2, null);
      walk.push(ids(page.sessions));
      while (page.nextCursor) {
        page = await sessions.listUserSessionPage(current, 1, page.nextCursor);
        walk.push(ids(page.sessions));
      }
      expect(walk).toEqual([[current.id, newest.id], [], [newer.id]]);
    });
  });

  describe('writing activity', () => {
    const failTouches = () =>
      sql`CREATE TRIGGER no_touch BEFORE UPDATE OF last_active_at ON sessions BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`.execute(db);
    const allowTouches = () => sql`DROP TRIGGER no_touch`.execute(db);

    it('keeps activity whose write failed for the next flush', async () => {
      const sessions = node({ cache: false });
      const { session, token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      clock.advance(POLICY.touchIntervalMs);
      await sessions.validateSessionToken(token);
      const usedAt = clock.now();
      await failTouches();
      await expect(sessions.flushTouches()).rejects.toThrow(/disk I\/O error/);
      expect((await stored(session.id))?.lastActiveAt).toBe(session.lastActiveAt);
      await allowTouches();
      expect(await sessions.flushTouches()).toBe(1);
      expect((await stored(session.id))?.lastActiveAt).toBe(usedAt);
    });

    it('does not let a failed write replace newer activity seen while it was in flight', async () => {
      const sessions = node({ cache: false });
      const { session, token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      clock.advance(POLICY.touchIntervalMs);
      await sessions.validateSessionToken(token);
      const touchSessions = raw.touchSessions.bind(raw);
      store.touchSessions = async (touches) => {
        store.touchSessions = touchSessions;
        clock.advance(POLICY.touchIntervalMs);
        await sessions.validateSessionToken(token);
        return touchSessions(touches);
      };
      const newer = clock.now() + POLICY.touchIntervalMs;
      await failTouches();
      await expect(sessions.flushTouches()).rejects.toThrow();
      await allowTouches();
      expect(await sessions.flushTouches()).toBe(1);
      expect((await stored(session.id))?.lastActiveAt).toBe(newer);
    });
  });

  describe('the cache', () => {
    it('keeps the cached copy’s activity current, so a cached session is not written again each time', async () => {
      const sessions = node({ cache: LONG_CACHE });
      const { token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      await sessions.validateSessionToken(token);
      clock.advance(POLICY.touchIntervalMs);
      await sessions.validateSessionToken(token);
      expect(await sessions.flushTouches()).toBe(1);
      const reads = store.reads;
      clock.advance(1_000);
      expect(await sessions.validateSessionToken(token)).not.toBeNull();
      expect(store.reads).toBe(reads);
      expect(await sessions.flushTouches()).toBe(0);
    });

    it('can be turned off: every validation reads the database, nothing is held, and revocations still go out', async () => {
      const sessions = node({ cache: false });
      const { session, token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const reads = store.reads;
      for (let i = 0; i < 3; i++) {
        clock.advance(POLICY.touchIntervalMs);
        expect(await sessions.validateSessionToken(token)).not.toBeNull();
      }
      expect(store.reads).toBe(reads + 3);
      expect(sessions.cacheStats()).toEqual({ entries: 0, bytes: 0 });
      expect(() => bus.reconnect()).not.toThrow();
      const there = node({ cache: LONG_CACHE });
      expect(await there.validateSessionToken(token)).not.toBeNull();
      await revoke(session);
      await sessions.announce({ kind: 'session', userId, sessionId: session.id });
      await sessions.announce({ kind: 'user', userId });
      await bus.deliver();
      expect(await there.validateSessionToken(token)).toBeNull();
      expect(await sessions.validateSessionToken(token)).toBeNull();
    });

    it('holds entries within the limits it is given', async () => {
      const sessions = node({ cache: { maxEntries: 1, maxBytes: 1_000_000, maxAgeMs: 3_600_000 } });
      const a = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const b = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      await sessions.validateSessionToken(a.token);
      await sessions.validateSessionToken(b.token);
      expect(sessions.cacheStats().entries).toBe(1);
      // Well past the default entry age (30 s), within the configured hour: still answered from memory.
      clock.advance(45_000);
      const reads = store.reads;
      expect(await sessions.validateSessionToken(b.token)).not.toBeNull();
      expect(store.reads).toBe(reads);
      expect(await sessions.validateSessionToken(a.token)).not.toBeNull();
      expect(store.reads).toBe(reads + 1);
    });

    it('holds what it caches, and never a revoked session', async () => {
      const sessions = node();
      expect(sessions.cacheStats()).toEqual({ entries: 0, bytes: 0 });
      const a = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const b = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      await revoke(b.session);
      expect(await sessions.validateSessionToken(b.token)).toBeNull();
      expect(sessions.cacheStats()).toEqual({ entries: 0, bytes: 0 });
      await sessions.validateSessionToken(a.token);
      expect(sessions.cacheStats().entries).toBe(1);
      expect(sessions.cacheStats().bytes).toBeGreaterThan(0);
    });

    it('is emptied and left unused while the bus is down, even for a row read as it went down', async () => {
      const sessions = node({ cache: LONG_CACHE });
      const a = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const b = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      await sessions.validateSessionToken(a.token);
      expect(sessions.cacheStats().entries).toBe(1);
      store.beforeRead = async () => {
        store.beforeRead = undefined;
        bus.live = false;
      };
      await sessions.validateSessionToken(b.token);
      expect(sessions.cacheStats().entries).toBe(1);
      clock.advance(POLICY.touchIntervalMs);
      const reads = store.reads;
      expect(await sessions.validateSessionToken(a.token)).not.toBeNull();
      expect(store.reads).toBe(reads + 1);
      expect(sessions.cacheStats().entries).toBe(0);
    });

    it('drops a session at once on the node that announces its end, and on the others when the event arrives', async () => {
      const here = node({ cache: LONG_CACHE });
      const there = node({ cache: LONG_CACHE });
      const { session, token } = await here.createSession(userId, 'web', 'password', ORIGIN);
      expect(await here.validateSessionToken(token)).not.toBeNull();
      expect(await there.validateSessionToken(token)).not.toBeNull();
      await revoke(session);
      await here.announce({ kind: 'session', userId, sessionId: session.id });
      expect(await here.validateSessionToken(token)).toBeNull();
      expect(here.cacheStats().entries).toBe(0);
      await bus.deliver();
      expect(there.cacheStats().entries).toBe(0);
      expect(await there.validateSessionToken(token)).toBeNull();
    });

    it('drops every cached session of a user, and only that user’s, when the user changes', async () => {
      const sessions = node({ cache: LONG_CACHE });
      const mine = [
        await sessions.createSession(userId, 'web', 'password', ORIGIN),
        await sessions.createSession(userId, 'cli', 'password', ORIGIN),
      ];
      const theirs = await sessions.createSession(strangerId, 'web', 'password', ORIGIN);
      for (const s of [...mine, theirs]) await sessions.validateSessionToken(s.token);
      expect(sessions.cacheStats().entries).toBe(3);
      await raw.revokeSessions({ userId }, 'revoke_all', clock.now());
      await sessions.announce({ kind: 'user', userId });
      expect(sessions.cacheStats().entries).toBe(1);
      for (const s of mine) expect(await sessions.validateSessionToken(s.token)).toBeNull();
      const reads = store.reads;
      expect(await sessions.validateSessionToken(theirs.token)).not.toBeNull();
      expect(store.reads).toBe(reads);
    });

    it('drops everything when the bus resyncs, since an end announced in the gap may never arrive', async () => {
      const sessions = node({ cache: LONG_CACHE });
      const { session, token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      await sessions.validateSessionToken(token);
      // Ended elsewhere while this node's link was down between two of its requests.
      await revoke(session);
      bus.reconnect();
      expect(sessions.cacheStats().entries).toBe(0);
      expect(await sessions.validateSessionToken(token)).toBeNull();
    });

    it('does not cache a row read while the bus was resyncing', async () => {
      const sessions = node({ cache: LONG_CACHE });
      const { session, token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      store.beforeRead = async () => {
        store.beforeRead = undefined;
        await revoke(session);
        bus.reconnect();
      };
      expect(await sessions.validateSessionToken(token)).not.toBeNull();
      expect(sessions.cacheStats().entries).toBe(0);
      expect(await sessions.validateSessionToken(token)).toBeNull();
    });
  });

  describe('housekeeping', () => {
    it('purges sessions that ended longer ago than the retention, in batches, and keeps the rest', async () => {
      const sessions = node();
      const day = 86_400_000;
      const revokedLongAgo = [];
      for (let i = 0; i < 3; i++) {
        const { session } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
        await revoke(session);
        revokedLongAgo.push(session);
      }
      const expiredLongAgo = (await sessions.createSession(userId, 'web', 'password', ORIGIN)).session;
      clock.advance(3 * day);
      const revokedRecently = (await sessions.createSession(userId, 'web', 'password', ORIGIN)).session;
      await revoke(revokedRecently);
      const active = (await sessions.createSession(userId, 'web', 'password', ORIGIN)).session;
      clock.advance(3_600_000);
      expect(await sessions.countActiveSessions()).toBe(1);

      expect(await sessions.purgeEndedSessions(day, 2)).toBe(4);
      for (const s of [...revokedLongAgo, expiredLongAgo]) expect(await stored(s.id)).toBeNull();
      expect(await stored(revokedRecently.id)).not.toBeNull();
      expect(await stored(active.id)).not.toBeNull();
      expect(await sessions.purgeEndedSessions(day)).toBe(0);
      expect(await sessions.purgeEndedSessions(0)).toBe(1);
      expect(await stored(active.id)).not.toBeNull();
    });

    describe('addresses a session is used from', () => {
      const geo = { locate: (ip: string) => ({ city: `City of ${ip}`, region: null, country: 'FR', latitude: 1, longitude: 2 }) };
      /** A node whose store counts address writes (transactions) and how many pairs each carried. */
      function addressNode(tracking?: Partial<TrackingLimits>) {
        const writes: number[] = [];
        const counted = Object.create(store) as typeof store;
        counted.recordSessionAddresses = async (seen, keep) => {
          writes.push(seen.length);
          await raw.recordSessionAddresses(seen, keep);
        };
        return { sessions: node({ store: counted, geo, tracking }), writes };
      }
      const ips = async (id: string) => (await raw.listSessionAddresses(id)).map((a) => a.ip);

      it('notes a new address without I/O and writes every pair due in one batch, placed by GeoIP', async () => {
        const { sessions, writes } = addressNode();
        const a = await sessions.createSession(userId, 'web', 'password', ORIGIN);
        const b = await sessions.createSession(userId, 'cli', 'password', ORIGIN);
        clock.advance(1_000);
        for (let i = 0; i < 10; i++) {
          sessions.noteAddress(a.session.id, '198.51.100.1');
          sessions.noteAddress(b.session.id, '198.51.100.2');
          sessions.noteAddress(a.session.id, ORIGIN.ip);
        }
        expect(writes).toEqual([]);
        expect(await sessions.flushAddresses()).toBe(3);
        expect(writes).toEqual([3]);
        expect(await raw.listSessionAddresses(a.session.id)).toEqual([
          {
            ip: ORIGIN.ip,
            place: { city: 'London', region: null, country: 'GB' },
            firstSeenAt: a.session.signedInAt,
            lastSeenAt: clock.now(),
          },
          {
            ip: '198.51.100.1',
            place: { city: 'City of 198.51.100.1', region: null, country: 'FR' },
            firstSeenAt: clock.now(),
            lastSeenAt: clock.now(),
          },
        ]);
        expect(await ips(b.session.id)).toEqual(['198.51.100.2', ORIGIN.ip]);
        expect(await sessions.flushAddresses()).toBe(0);
        expect(writes).toEqual([3]);
      });

      it('writes a known pair again at most once a touch interval, moving its last seen time', async () => {
        const { sessions, writes } = addressNode();
        const a = await sessions.createSession(userId, 'web', 'password', ORIGIN);
        sessions.noteAddress(a.session.id, '198.51.100.1');
        await sessions.flushAddresses();
        const first = clock.now();
        clock.advance(POLICY.touchIntervalMs - 1);
        sessions.noteAddress(a.session.id, '198.51.100.1');
        expect(await sessions.flushAddresses()).toBe(0);
        clock.advance(1);
        sessions.noteAddress(a.session.id, '198.51.100.1');
        expect(await sessions.flushAddresses()).toBe(1);
        expect(writes).toEqual([1, 1]);
        expect((await raw.listSessionAddresses(a.session.id))[0]).toMatchObject({
          ip: '198.51.100.1',
          firstSeenAt: first,
          lastSeenAt: clock.now(),
        });
      });

      it(`keeps the ${MAX_SESSION_ADDRESSES} most recently seen addresses of a session`, async () => {
        const { sessions } = addressNode();
        const a = await sessions.createSession(userId, 'web', 'password', ORIGIN);
        for (let i = 0; i < MAX_SESSION_ADDRESSES + 10; i++) {
          clock.advance(1);
          sessions.noteAddress(a.session.id, `2001:db8::${i.toString(16)}`);
        }
        await sessions.flushAddresses();
        const kept = await ips(a.session.id);
        expect(kept).toHaveLength(MAX_SESSION_ADDRESSES);
        expect(kept[0]).toBe(`2001:db8::${(MAX_SESSION_ADDRESSES + 9).toString(16)}`);
        expect(kept).not.toContain(ORIGIN.ip);
        expect(kept).not.toContain('2001:db8::9');
        expect(kept).toContain('2001:db8::a');
      });

      it('forgets every noted pair when the bound is reached: a known pair is written again, not lost', async () => {
        const { sessions, writes } = addressNode({ addresses: 3 });
        const a = await sessions.createSession(userId, 'web', 'password', ORIGIN);
        const b = await sessions.createSession(userId, 'cli', 'password', ORIGIN);
        sessions.noteAddress(a.session.id, '198.51.100.1');
        sessions.noteAddress(b.session.id, '198.51.100.2');
        expect(await sessions.flushAddresses()).toBe(2);
        // Known and within the touch interval: nothing to write.
        sessions.noteAddress(a.session.id, '198.51.100.1');
        expect(await sessions.flushAddresses()).toBe(0);
        // The third pair fills the bound, the fourth clears it before it is noted.
        sessions.noteAddress(b.session.id, '198.51.100.3');
        sessions.noteAddress(b.session.id, '198.51.100.4');
        sessions.noteAddress(a.session.id, '198.51.100.1');
        expect(await sessions.flushAddresses()).toBe(3);
        expect(writes).toEqual([2, 3]);
        expect(await ips(a.session.id)).toContain('198.51.100.1');
      });

      it('keeps what a failed write held for the next flush', async () => {
        const a = await node().createSession(userId, 'web', 'password', ORIGIN);
        const failing = Object.create(store) as typeof store;
        failing.recordSessionAddresses = () => Promise.reject(new Error('database away'));
        const flaky = node({ store: failing, geo });
        flaky.noteAddress(a.session.id, '198.51.100.7');
        await expect(flaky.flushAddresses()).rejects.toThrow('database away');
        failing.recordSessionAddresses = (seen, keep) => raw.recordSessionAddresses(seen, keep);
        expect(await flaky.flushAddresses()).toBe(1);
        expect(await ips(a.session.id)).toContain('198.51.100.7');
      });
    });

    describe('history()', () => {
      it("is the user's session, live or ended, by any id it has had; null for another user's or an unknown id", async () => {
        const sessions = node({ cache: false });
        const revocation = new Revocation({
          store,
          sessions,
          recorder: new Recorder(new Background(() => undefined)),
          clock,
          crypto: nodeCrypto,
        });
        const mine = await sessions.createSession(userId, 'web', 'password', ORIGIN);
        const theirs = await sessions.createSession(strangerId, 'web', 'password', ORIGIN);
        clock.advance(5_000);
        const renewed = await revocation.rotateSession(userId, mine.session.id, SELF, 'reauthenticated');
        const live = await sessions.history(userId, mine.session.id);
        expect(live?.session).toMatchObject({ id: renewed.session.session.id, revokedAt: null });
        expect(live?.ended).toBeNull();
        expect(live?.addresses.map((a) => a.ip)).toEqual([ORIGIN.ip]);
        expect(await sessions.history(userId, theirs.session.id)).toBeNull();
        expect(await sessions.history(strangerId, mine.session.id)).toBeNull();
        expect(await sessions.history(userId, 'no-such-session-00000')).toBeNull();

        clock.advance(1_000);
        await revocation.endSession(userId, renewed.session.session.id, SELF);
        expect((await sessions.history(userId, mine.session.id))?.ended).toEqual({
          at: clock.now(),
          reason: 'revoked_by_user',
          detail: null,
        });
      });

      it('says a session that ran out of time ended then, as expired', async () => {
        const sessions = node({ cache: false });
        const idle = await sessions.createSession(userId, 'web', 'password', ORIGIN);
        clock.advance(POLICY.idleTimeoutMs + 5);
        expect((await sessions.history(userId, idle.session.id))?.ended).toEqual({
          at: idle.session.signedInAt + POLICY.idleTimeoutMs,
          reason: 'expired',
          detail: null,
        });
      });
    });

    it('counts the active sessions of every user', async () => {
      const sessions = node();
      await sessions.createSession(userId, 'web', 'password', ORIGIN);
      const ended = await sessions.createSession(userId, 'web', 'password', ORIGIN);
      await sessions.createSession(strangerId, 'web', 'password', ORIGIN);
      await revoke(ended.session);
      expect(await sessions.countActiveSessions()).toBe(2);
      clock.advance(POLICY.maxAgeMs);
      expect(await sessions.countActiveSessions()).toBe(0);
    });
  });
});
