/**
 * When a session ends: at the earliest of its absolute expiry, the current maximum age counted
 * from sign-in, and the idle timeout counted from its last activity (ASVS 5.0 7.3.1, 7.3.2); a
 * revoked session is over at once. Activity is written at most once per touch interval.
 */
import { describe, expect, it } from 'vitest';
import { effectiveExpiry, isActive, shouldTouch, type SessionPolicy, type SessionRecord } from './session.js';
import { sessionRecord } from './testing/store.contract.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-03-01T09:00:00Z');
const POLICY: SessionPolicy = { idleTimeoutMs: 30 * MINUTE, maxAgeMs: 12 * HOUR, touchIntervalMs: MINUTE };

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return sessionRecord('user-1', { signedInAt: T0, lastActiveAt: T0, expiresAt: T0 + 12 * HOUR, ...overrides });
}

describe('effectiveExpiry', () => {
  it('is the idle deadline for a session left alone', () => {
    expect(effectiveExpiry(session(), POLICY)).toBe(T0 + 30 * MINUTE);
  });

  it('moves with activity, but never past the absolute expiry', () => {
    expect(effectiveExpiry(session({ lastActiveAt: T0 + HOUR }), POLICY)).toBe(T0 + HOUR + 30 * MINUTE);
    expect(effectiveExpiry(session({ lastActiveAt: T0 + 12 * HOUR - MINUTE }), POLICY)).toBe(T0 + 12 * HOUR);
  });

  it('applies a shortened maximum age to sessions made under the old one', () => {
    const madeUnderOldPolicy = session({ expiresAt: T0 + 30 * 24 * HOUR, lastActiveAt: T0 + 2 * HOUR });
    expect(effectiveExpiry(madeUnderOldPolicy, { ...POLICY, maxAgeMs: 2 * HOUR })).toBe(T0 + 2 * HOUR);
  });

  it('keeps the expiry fixed at sign-in when the maximum age is raised later', () => {
    expect(effectiveExpiry(session({ lastActiveAt: T0 + 12 * HOUR }), { ...POLICY, maxAgeMs: 24 * HOUR })).toBe(T0 + 12 * HOUR);
  });

  it('counts the idle timeout from activity known but not written yet, when given', () => {
    expect(effectiveExpiry(session(), POLICY, T0 + 10 * MINUTE)).toBe(T0 + 40 * MINUTE);
  });
});

describe('isActive', () => {
  it('is true until the last millisecond before the effective expiry, false from it', () => {
    const s = session();
    expect(isActive(s, POLICY, T0)).toBe(true);
    expect(isActive(s, POLICY, T0 + 30 * MINUTE - 1)).toBe(true);
    expect(isActive(s, POLICY, T0 + 30 * MINUTE)).toBe(false);
    expect(isActive(s, POLICY, T0 + 31 * MINUTE)).toBe(false);
  });

  it('is false for a revoked session however recent', () => {
    expect(isActive(session({ revokedAt: T0, revokeReason: 'sign_out' }), POLICY, T0)).toBe(false);
  });

  it('keeps a session alive by activity known but not written yet', () => {
    const s = session();
    expect(isActive(s, POLICY, T0 + 35 * MINUTE)).toBe(false);
    expect(isActive(s, POLICY, T0 + 35 * MINUTE, T0 + 10 * MINUTE)).toBe(true);
  });
});

describe('shouldTouch', () => {
  it('writes activity once the touch interval has passed since the last write, not before', () => {
    expect(shouldTouch(T0, POLICY, T0)).toBe(false);
    expect(shouldTouch(T0, POLICY, T0 + MINUTE - 1)).toBe(false);
    expect(shouldTouch(T0, POLICY, T0 + MINUTE)).toBe(true);
    expect(shouldTouch(T0, POLICY, T0 + HOUR)).toBe(true);
  });
});
