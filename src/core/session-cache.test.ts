import { describe, expect, it } from 'vitest';
import type { SessionWithUser } from './ports/store.js';
import { RECENCY_MS, SessionCache, estimateBytes } from './session-cache.js';

function entry(id: string, userId = 'u1', name = 'Mac'): SessionWithUser {
  return {
    user: { id: userId, email: `${userId}@example.com`, name: null, isAdmin: false, createdAt: 0, passwordChangedAt: 0 },
    session: {
      id,
      userId,
      secretHash: 'h'.repeat(43),
      clientId: 'web',
      authMethod: 'password',
      deviceId: null,
      device: { name, os: 'macOS', browser: null, type: 'desktop' },
      ip: '127.0.0.1',
      location: { city: null, region: null, country: null, latitude: null, longitude: null },
      userAgent: null,
      signedInAt: 0,
      lastActiveAt: 0,
      expiresAt: 1,
      trusted: false,
      deviceTrustedUntil: null,
      revokedAt: null,
      revokeReason: null,
      passwordChangeRequired: false,
    },
  };
}

describe('SessionCache', () => {
  it('evicts the least recently used entry past its entry limit', () => {
    const cache = new SessionCache({ maxEntries: 2, maxBytes: 1e9, maxAgeMs: 1e9 });
    cache.set(entry('a'), 0);
    cache.set(entry('b'), 0);
    cache.get('a', RECENCY_MS); // a is now more recent than b
    cache.set(entry('c'), RECENCY_MS);
    expect(cache.get('b', RECENCY_MS)).toBeUndefined();
    expect(cache.get('a', RECENCY_MS)).toBeDefined();
    expect(cache.get('c', RECENCY_MS)).toBeDefined();
  });

  it('counts uses of an entry closer together than RECENCY_MS as one', () => {
    const cache = new SessionCache({ maxEntries: 2, maxBytes: 1e9, maxAgeMs: 1e9 });
    cache.set(entry('a'), 0);
    cache.set(entry('b'), 1);
    // a's use just after its set does not move it past b: a is still the oldest.
    expect(cache.get('a', RECENCY_MS - 1)).toBeDefined();
    cache.set(entry('c'), RECENCY_MS - 1);
    expect(cache.get('a', RECENCY_MS - 1)).toBeUndefined();
    expect(cache.get('b', RECENCY_MS - 1)).toBeDefined();
    // b's use a full RECENCY_MS after its last does: c, set before it, goes first now.
    expect(cache.get('b', RECENCY_MS + 1)).toBeDefined();
    cache.set(entry('d'), RECENCY_MS + 1);
    expect(cache.get('c', RECENCY_MS + 1)).toBeUndefined();
    expect(cache.get('b', RECENCY_MS + 1)).toBeDefined();
  });

  it('stays under its byte limit', () => {
    const one = estimateBytes(entry('s0'));
    const cache = new SessionCache({ maxEntries: 1000, maxBytes: one * 3, maxAgeMs: 1e9 });
    for (let i = 0; i < 10; i++) cache.set(entry(`s${i}`), 0);
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBeLessThanOrEqual(one * 3);
  });

  it('drops every session of a user at once, and only theirs', () => {
    const cache = new SessionCache();
    cache.set(entry('a', 'u1'), 0);
    cache.set(entry('b', 'u1'), 0);
    cache.set(entry('c', 'u2'), 0);
    cache.deleteUser('u1');
    expect([cache.get('a', 0), cache.get('b', 0)]).toEqual([undefined, undefined]);
    expect(cache.get('c', 0)).toBeDefined();
    expect(cache.size).toBe(1);
  });

  it('forgets an entry older than its maximum age', () => {
    const cache = new SessionCache({ maxEntries: 10, maxBytes: 1e9, maxAgeMs: 30_000 });
    cache.set(entry('a'), 1_000);
    expect(cache.get('a', 31_000)).toBeDefined();
    expect(cache.get('a', 31_001)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps its byte count exact through replacement and deletion', () => {
    const cache = new SessionCache();
    cache.set(entry('a', 'u1', 'short'), 0);
    cache.set(entry('a', 'u1', 'a much longer device name'), 0);
    expect(cache.bytes).toBe(estimateBytes(entry('a', 'u1', 'a much longer device name')));
    cache.delete('a');
    expect(cache.bytes).toBe(0);
  });

  it("after one of a user's sessions leaves the cache, dropping the user still drops the others", () => {
    const cache = new SessionCache();
    cache.set(entry('a', 'u1'), 0);
    cache.set(entry('b', 'u1'), 0);
    cache.set(entry('c', 'u1'), 0);
    cache.delete('a');
    cache.deleteUser('u1');
    expect([cache.get('b', 0), cache.get('c', 0)]).toEqual([undefined, undefined]);
    expect(cache.size).toBe(0);
  });

  it('a session cached again after its user was dropped is dropped with that user next time', () => {
    const cache = new SessionCache();
    cache.set(entry('a', 'u1'), 0);
    cache.deleteUser('u1');
    cache.set(entry('a', 'u1'), 0);
    cache.deleteUser('u1');
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it('by default re-reads an entry from the database after 30 seconds', () => {
    const cache = new SessionCache();
    cache.set(entry('a'), 0);
    expect(cache.get('a', 30_000)).toBeDefined();
    expect(cache.get('a', 30_001)).toBeUndefined();
  });

  it('clear() empties it, bytes included', () => {
    const cache = new SessionCache();
    cache.set(entry('a', 'u1'), 0);
    cache.set(entry('b', 'u2'), 0);
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
    expect(cache.get('a', 0)).toBeUndefined();
  });
});

describe('estimateBytes', () => {
  it('counts two bytes for every character of every string, however deep, on top of a fixed overhead', () => {
    const base = estimateBytes(entry('a', 'u1', ''));
    expect(estimateBytes(entry('a', 'u1', 'x'.repeat(1000)))).toBe(base + 2000);
    const withAgent = entry('a');
    withAgent.session.userAgent = 'Mozilla/5.0 '.repeat(100);
    expect(estimateBytes(withAgent)).toBe(estimateBytes(entry('a')) + 2 * withAgent.session.userAgent.length);
  });

  it('is at least the overhead for an entry of empty strings, and numbers add nothing', () => {
    const e = entry('');
    const withTimes = entry('');
    withTimes.session.lastActiveAt = 123_456_789_000;
    expect(estimateBytes(withTimes)).toBe(estimateBytes(e));
    expect(estimateBytes(e)).toBeGreaterThanOrEqual(400);
  });
});
