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
      revokedAt: null,
      revokeReason: null,
    },
  };
}

describe('SessionCache', () => {
  it('evicts the least recently used entry past its entry limit', () => {
    const cache = new SessionCache({ maxEntries: 2, maxBytes: 1e9 });
    cache.set(entry('a'));
    cache.set(entry('b'));
    cache.get('a'); // a is now more recent than b
    cache.set(entry('c'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('stays under its byte limit', () => {
    const one = estimateBytes(entry('s0'));
    const cache = new SessionCache({ maxEntries: 1000, maxBytes: one * 3 });
    for (let i = 0; i < 10; i++) cache.set(entry(`s${i}`));
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBeLessThanOrEqual(one * 3);
  });

  it('drops every session of a user at once, and only theirs', () => {
    const cache = new SessionCache();
    cache.set(entry('a', 'u1'));
    cache.set(entry('b', 'u1'));
    cache.set(entry('c', 'u2'));
    cache.deleteUser('u1');
    expect([cache.get('a'), cache.get('b')]).toEqual([undefined, undefined]);
    expect(cache.get('c')).toBeDefined();
    expect(cache.size).toBe(1);
  });

  it('keeps its byte count exact through replacement and deletion', () => {
    const cache = new SessionCache();
    cache.set(entry('a', 'u1', 'short'));
    cache.set(entry('a', 'u1', 'a much longer device name'));
    expect(cache.bytes).toBe(estimateBytes(entry('a', 'u1', 'a much longer device name')));
    cache.delete('a');
    expect(cache.bytes).toBe(0);
  });
});
