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
  cache.set('k1', session('u1', 's1'), NOW, cache.generation);
  cache.set('k2', session('u1', 's2'), NOW, cache.generation);
  cache.set('k3', session('u2', 's3'), NOW, cache.generation);
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
    const before = cache.generation;
    cache.revoke({ kind: 'policies', workspaceId: 'w1' }, NOW);
    expect(cache.size).toBe(0);
    cache.set('k1', session('u1', 's1'), NOW, before);
    expect(cache.get('k1', NOW)).toBeNull();
  });
});
