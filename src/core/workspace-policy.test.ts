/** The pure policy rules: which session breaks which rule, and what an administrator may set. */
import { describe, expect, it } from 'vitest';
import { SessiondError } from './errors.js';
import {
  checkPolicy,
  NO_POLICY,
  POLICY_SETUP_GRACE_MS,
  policyViolation,
  sessionLimit,
  type MemberPolicy,
  type SessionState,
  type WorkspacePolicy,
} from './workspace-policy.js';

const T0 = Date.parse('2026-04-01T09:00:00Z');
const MIN = 60_000;

function state(over: Partial<SessionState['session']> = {}, extra: Partial<Omit<SessionState, 'session'>> = {}): SessionState {
  return {
    session: {
      clientId: 'web',
      authMethod: 'password',
      signedInAt: T0,
      location: { city: 'London', region: null, country: 'GB', latitude: null, longitude: null },
      ...over,
    },
    lastActiveAt: T0,
    trusted: false,
    ...extra,
  };
}

const ws = (policy: Partial<WorkspacePolicy>, name = 'Acme'): MemberPolicy => ({
  workspaceId: `ws-${name}`,
  workspaceName: name,
  policy: { ...NO_POLICY, ...policy },
});

const rule = (s: SessionState, policies: MemberPolicy[], now: number) => policyViolation(s, policies, now)?.rule ?? null;

describe('policyViolation', () => {
  it('breaks nothing without a policy, or with every rule off', () => {
    expect(policyViolation(state(), [], T0 + 365 * 86_400_000)).toBeNull();
    expect(policyViolation(state(), [ws({})], T0 + 365 * 86_400_000)).toBeNull();
  });

  it('ends a session at its workspace lifetime from sign-in, not a moment before', () => {
    const p = [ws({ maxLifetimeMs: 60 * MIN })];
    expect(rule(state(), p, T0 + 60 * MIN - 1)).toBeNull();
    expect(rule(state(), p, T0 + 60 * MIN)).toBe('max_lifetime');
  });

  it('ends a session idle for the workspace timeout, measured from its last activity', () => {
    const p = [ws({ idleTimeoutMs: 30 * MIN })];
    const active = state({}, { lastActiveAt: T0 + 50 * MIN });
    expect(rule(active, p, T0 + 80 * MIN - 1)).toBeNull();
    expect(rule(active, p, T0 + 80 * MIN)).toBe('idle_timeout');
  });

  it('allows only the listed countries, and not an unknown one', () => {
    const p = [ws({ allowedCountries: ['GB', 'IE'] })];
    expect(rule(state(), p, T0)).toBeNull();
    const us = state({ location: { city: null, region: null, country: 'US', latitude: null, longitude: null } });
    expect(rule(us, p, T0)).toBe('allowed_countries');
    const unknown = state({ location: { city: null, region: null, country: null, latitude: null, longitude: null } });
    expect(rule(unknown, p, T0)).toBe('allowed_countries');
  });

  it('requires a second factor or a trusted device, after the setup grace', () => {
    const p = [ws({ mfaRequired: true })];
    const after = T0 + POLICY_SETUP_GRACE_MS;
    expect(rule(state(), p, after - 1)).toBeNull();
    expect(rule(state(), p, after)).toBe('mfa_required');
    expect(rule(state({ authMethod: 'mfa' }), p, after)).toBeNull();
    expect(rule(state({ authMethod: 'passkey' }), p, after)).toBeNull();
    expect(rule(state({}, { trusted: true }), p, after)).toBeNull();
  });

  it('requires a trusted device for the chosen apps only, after the setup grace', () => {
    const p = [ws({ trustedDeviceApps: ['desktop'] })];
    const after = T0 + POLICY_SETUP_GRACE_MS;
    expect(rule(state({ clientId: 'web' }), p, after)).toBeNull();
    expect(rule(state({ clientId: 'desktop', authMethod: 'mfa' }), p, after - 1)).toBeNull();
    expect(rule(state({ clientId: 'desktop', authMethod: 'mfa' }), p, after)).toBe('trusted_device');
    expect(rule(state({ clientId: 'desktop' }, { trusted: true }), p, after)).toBeNull();
  });

  it('holds the session to every workspace of its owner, and names the one whose policy it broke', () => {
    const lax = ws({ idleTimeoutMs: 120 * MIN }, 'Lax');
    const strict = ws({ idleTimeoutMs: 30 * MIN }, 'Strict');
    const found = policyViolation(state(), [lax, strict], T0 + 31 * MIN);
    expect(found).toEqual({ rule: 'idle_timeout', workspaceId: 'ws-Strict', workspaceName: 'Strict' });
  });
});

describe('sessionLimit', () => {
  it('is the smallest limit of the member’s workspaces, or none', () => {
    expect(sessionLimit([ws({})])).toBeNull();
    expect(sessionLimit([ws({ maxSessions: 5 }, 'A'), ws({ maxSessions: 2 }, 'B'), ws({}, 'C')])).toMatchObject({
      limit: 2,
      workspaceName: 'B',
    });
  });
});

describe('checkPolicy', () => {
  const ok: WorkspacePolicy = { ...NO_POLICY };
  const refused = (p: Partial<WorkspacePolicy>) => {
    try {
      checkPolicy({ ...ok, ...p }, ['web', 'desktop']);
    } catch (err) {
      return err instanceof SessiondError ? err.code : 'threw';
    }
    return 'accepted';
  };

  it('takes durations from 5 minutes to a year, a positive session limit, known apps and country codes', () => {
    expect(refused({ maxLifetimeMs: 5 * MIN, idleTimeoutMs: 365 * 86_400_000, maxSessions: 1, trustedDeviceApps: ['desktop'] })).toBe(
      'accepted',
    );
    expect(refused({ maxLifetimeMs: 5 * MIN - 1 })).toBe('invalid_request');
    expect(refused({ idleTimeoutMs: 365 * 86_400_000 + 1 })).toBe('invalid_request');
    expect(refused({ maxSessions: 0 })).toBe('invalid_request');
    expect(refused({ maxSessions: 1001 })).toBe('invalid_request');
    expect(refused({ trustedDeviceApps: ['toaster'] })).toBe('invalid_request');
    expect(refused({ allowedCountries: [] })).toBe('invalid_request');
    expect(refused({ allowedCountries: ['gb'] })).toBe('invalid_request');
  });

  it('stores apps and countries once each, in order', () => {
    const checked = checkPolicy({ ...ok, trustedDeviceApps: ['web', 'desktop', 'web'], allowedCountries: ['IE', 'GB', 'IE'] }, [
      'web',
      'desktop',
    ]);
    expect(checked.trustedDeviceApps).toEqual(['desktop', 'web']);
    expect(checked.allowedCountries).toEqual(['GB', 'IE']);
  });
});
