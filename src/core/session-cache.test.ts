import { describe, expect, it } from 'vitest';
import type { SessionWithUser } from './ports/store.js';
import { SessionCache, estimateBytes } from './session-cache.js';

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
    },
  };
}

describe('SessionCache', () => {
  it('evicts the least recently used entry past its entry limit', () => {
    const cache = new SessionCache({ maxEntries: 2, maxBytes: 1e9, maxAgeMs: 1e9 });
    cache.set(entry('a'), 0);
    cache.set(entry('b'), 0);
    cache.get('a', 0); // a is now more recent than b
    cache.set(entry('c'), 0);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBeDefined();
    expect(cache.get('c', 0)).toBeDefined();
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
});
