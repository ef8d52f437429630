/**
 * Each figure the history counts from domain events, from the events that cause it (countsOf):
 * sign-ins by outcome, code steps passed and failed, suspicious sign-ins, sessions ended by who
 * ended them. The roller's integration test (test/integration/telemetry-history.test.ts) runs
 * them through real use cases on two nodes.
 */
import { describe, expect, it } from 'vitest';
import type { DomainEvent, EndedSession } from '../core/events.js';
import type { SessionRecord } from '../core/session.js';
import { countsOf } from './history.js';

const at = Date.parse('2026-03-01T09:00:00Z');
const user = { id: 'u1', email: 'ada@example.com' };
const place = { ip: '203.0.113.9', location: { city: null, region: null, country: null, latitude: null, longitude: null } };
const session = { id: 's1' } as SessionRecord;
const ended = { id: 's1' } as EndedSession;
const self = { kind: 'session', sessionId: 's0', ip: null } as const;

/** What an event adds: `series label` → value. */
const counted = (event: DomainEvent) => Object.fromEntries(countsOf(event).map((c) => [`${c.series} ${c.label}`, c.value]));

describe('what each event adds to the history', () => {
  it('a sign-in: one success; a code step passed when it asked for a code or a passkey, not on a trusted device', () => {
    const signedIn = (secondFactor: 'totp' | 'trusted_device' | null): DomainEvent => ({
      type: 'signed_in',
      at,
      user,
      session,
      risk: [],
      secondFactor,
    });
    expect(counted(signedIn(null))).toEqual({ 'sign_ins outcome=success': 1 });
    expect(counted(signedIn('totp'))).toEqual({ 'sign_ins outcome=success': 1, 'mfa_challenges outcome=passed': 1 });
    expect(counted(signedIn('trusted_device'))).toEqual({ 'sign_ins outcome=success': 1 });
  });

  it('a suspicious sign-in: flagged by the rules that make one suspicious, not by a new device alone', () => {
    const risky = (risk: Extract<DomainEvent, { type: 'signed_in' }>['risk']) =>
      counted({ type: 'signed_in', at, user, session, risk, secondFactor: null });
    expect(risky([{ kind: 'new_country', country: 'FR', knownCountries: ['GB'] }])).toEqual({
      'sign_ins outcome=success': 1,
      'suspicious_sign_ins ': 1,
    });
    expect(risky([{ kind: 'new_device', deviceId: 'd' }])).toEqual({ 'sign_ins outcome=success': 1 });
  });

  it('a failed sign-in: its reason code; at the code step also a failed code step; known by address or by account', () => {
    const failed = (step: 'password' | 'code', outcome: 'invalid_credentials' | 'invalid_code' | 'rate_limited') =>
      ({
        type: 'sign_in_failed',
        at,
        step,
        outcome,
        email: step === 'password' ? user.email : null,
        userId: step === 'code' ? user.id : null,
        clientId: 'web',
        place,
      }) as const;
    expect(counted(failed('password', 'invalid_credentials'))).toEqual({ 'sign_ins outcome=invalid_credentials': 1 });
    expect(counted(failed('password', 'rate_limited'))).toEqual({ 'sign_ins outcome=rate_limited': 1 });
    expect(counted(failed('code', 'invalid_code'))).toEqual({
      'sign_ins outcome=invalid_code': 1,
      'mfa_challenges outcome=failed': 1,
    });
    // Whose workspaces count it: the address at the password step, the account at the code step.
    expect(countsOf(failed('password', 'invalid_credentials'))[0]).toMatchObject({ userId: null, email: user.email });
    expect(countsOf(failed('code', 'invalid_code'))[0]).toMatchObject({ userId: user.id, email: null });
  });

  it('ended sessions, by who ended them: the user (a session or a mail link), an admin, a policy, the system', () => {
    expect(counted({ type: 'session_ended', at, userId: 'u1', session: ended, reason: 'revoked_by_user', actor: self })).toEqual({
      'revocations actor=user': 1,
    });
    expect(
      counted({
        type: 'session_ended',
        at,
        userId: 'u1',
        session: ended,
        reason: 'admin',
        actor: { kind: 'admin', adminId: 'u2', ip: null },
      }),
    ).toEqual({ 'revocations actor=admin': 1 });
    expect(
      counted({
        type: 'sessions_ended',
        at,
        userId: 'u1',
        scope: 'all',
        count: 4,
        reason: 'policy',
        actor: { kind: 'policy', policy: 'p' },
      }),
    ).toEqual({ 'revocations actor=policy': 4 });
    expect(
      counted({ type: 'sessions_ended', at, userId: 'u1', scope: 'all', count: 0, reason: 'revoke_all', actor: { kind: 'system' } }),
    ).toEqual({});
    expect(
      counted({ type: 'session_reported', at, userId: 'u1', sessionId: 's1', session: ended, actor: { kind: 'link', ip: null } }),
    ).toEqual({ 'revocations actor=user': 1 });
    // Reported after it had already ended: nothing more ended.
    expect(counted({ type: 'session_reported', at, userId: 'u1', sessionId: 's1', session: null, actor: self })).toEqual({});
    expect(counted({ type: 'password_changed', at, user, how: 'reset', place, actor: { kind: 'link', ip: null }, revoked: 3 })).toEqual({
      'revocations actor=user': 3,
    });
    // A new token for the same sign-in ends nothing.
    expect(
      counted({
        type: 'session_rotated',
        at,
        userId: 'u1',
        previousId: 's0',
        sessionId: 's1',
        session: ended,
        cause: 'reauthenticated',
        actor: self,
      }),
    ).toEqual({});
  });
});
