/** The SDK cache's answer to each revocation event kind, without a server: what it drops and what it keeps. */
import { describe, expect, it } from 'vitest';
import type { VerifiedSession } from './session.js';
import { VerifierCache } from './verifier-cache.js';

const NOW = Date.parse('2026-04-01T09:00:00Z');
const session = (userId: string, sessionId: string): VerifiedSession => ({
  userId,
  sessionId,
  clientId: 'web',
  issuedAt: NOW,
  expiresAt: NOW + 3_600_000,
});

function filled() {
  const cache = new VerifierCache(60_000, 100);
  for (const [key, s] of [
    ['k1', session('u1', 's1')],
    ['k2', session('u1', 's2')],
    ['k3', session('u2', 's3')],
  ] as const)
    cache.set(key, s, NOW, cache.begin(NOW));
  return cache;
}

describe('VerifierCache', () => {
  it('drops one session, then one user’s sessions, and keeps the others', () => {
    const cache = filled();
    cache.revoke({ kind: 'session', userId: 'u1', sessionId: 's1' }, NOW);
    expect([cache.get('k1', NOW), cache.get('k2', NOW)?.sessionId, cache.get('k3', NOW)?.sessionId]).toEqual([null, 's2', 's3']);
    cache.revoke({ kind: 'user', userId: 'u1' }, NOW);
    expect([cache.get('k2', NOW), cache.get('k3', NOW)?.sessionId]).toEqual([null, 's3']);
  });

  it('drops everything when a workspace policy changes, and does not cache an answer fetched across it', () => {
    const cache = filled();
    const fetch = cache.begin(NOW);
    cache.revoke({ kind: 'policies', workspaceId: 'w1' }, NOW);
    expect(cache.size).toBe(0);
    cache.set('k1', session('u1', 's1'), NOW, fetch);
    expect(cache.get('k1', NOW)).toBeNull();
  });

  it('does not cache an answer about a session or user revoked while it was being fetched', () => {
    const cache = new VerifierCache(60_000, 100);
    const fetches = [cache.begin(NOW), cache.begin(NOW)];
    cache.revoke({ kind: 'session', userId: 'u1', sessionId: 's1' }, NOW + 10);
    cache.revoke({ kind: 'user', userId: 'u2' }, NOW + 10);
    cache.set('k1', session('u1', 's1'), NOW + 20, fetches[0]!);
    cache.set('k3', session('u2', 's3'), NOW + 20, fetches[1]!);
    expect(cache.size).toBe(0);
  });

  it('caches an answer about someone else fetched across a revocation: the event was not about it', () => {
    // sessiond on two buses delivers each event twice; a late copy must not cost other services' cache.
    const cache = new VerifierCache(60_000, 100);
    const fetch = cache.begin(NOW);
    cache.revoke({ kind: 'session', userId: 'u1', sessionId: 's1' }, NOW + 10);
    cache.revoke({ kind: 'user', userId: 'u1' }, NOW + 10);
    cache.set('k3', session('u2', 's3'), NOW + 20, fetch);
    expect(cache.get('k3', NOW + 20)?.sessionId).toBe('s3');
  });

  it('does not cache an answer whose fetch outlasted the tombstones: the revocation it crossed may be forgotten', () => {
    const cache = new VerifierCache(60_000, 100);
    const fetch = cache.begin(NOW);
    cache.revoke({ kind: 'session', userId: 'u1', sessionId: 's1' }, NOW + 10);
    cache.set('k1', session('u1', 's1'), NOW + 10 + 5_000, fetch);
    cache.set('k2', session('u1', 's2'), NOW + 10 + 5_000, fetch);
    expect(cache.size).toBe(0);
  });

  it('does not cache an answer fetched across a flood of revocations that overflowed the tombstones', () => {
    const cache = new VerifierCache(60_000, 100);
    const fetch = cache.begin(NOW);
    cache.revoke({ kind: 'session', userId: 'u1', sessionId: 's1' }, NOW + 1);
    for (let i = 0; i < 10_000; i++) cache.revoke({ kind: 'session', userId: `x${i}`, sessionId: `y${i}` }, NOW + 2);
    cache.set('k1', session('u1', 's1'), NOW + 3, fetch);
    expect(cache.get('k1', NOW + 3)).toBeNull();
  });
});
