/**
 * Workspace session policies and the pure rule that says whether a session breaks one. A member's
 * sessions are their account's, so every workspace the user is an active member of applies its
 * policy to all of them: the strictest wins, and the first broken policy is the one named.
 * Enforcement (ending the session with reason `policy`) is policies.ts's.
 */
import { SessiondError } from './errors.js';
import { isMultiFactor, type SessionRecord } from './session.js';

export interface WorkspacePolicy {
  /** Absolute lifetime from sign-in; null: the deployment's `--max-age` only. */
  maxLifetimeMs: number | null;
  /** A session unused this long ends; null: the deployment's `--idle-timeout` only. */
  idleTimeoutMs: number | null;
  /** Sessions a member may hold at once; a sign-in beyond it ends the oldest. Null: no limit. */
  maxSessions: number | null;
  /** A session must have passed a second factor (or run on a device trusted after one). */
  mfaRequired: boolean;
  /** Client ids whose sessions must run on a trusted device. */
  trustedDeviceApps: string[];
  /** ISO 3166-1 alpha-2 codes sessions may come from; null: anywhere. An unknown country is not allowed. */
  allowedCountries: string[] | null;
}

export const NO_POLICY: WorkspacePolicy = {
  maxLifetimeMs: null,
  idleTimeoutMs: null,
  maxSessions: null,
  mfaRequired: false,
  trustedDeviceApps: [],
  allowedCountries: null,
};

/** The rules a policy can end a session by: the code stored with the ended session and shown to its owner. */
export type PolicyRule = 'max_lifetime' | 'idle_timeout' | 'max_sessions' | 'mfa_required' | 'trusted_device' | 'allowed_countries';
export const POLICY_RULES: readonly PolicyRule[] = [
  'max_lifetime',
  'idle_timeout',
  'max_sessions',
  'mfa_required',
  'trusted_device',
  'allowed_countries',
];

/**
 * A session that signed in without what the policy asks (a second factor, a trusted device) has
 * this long to get it: time to set up two-step verification, or to trust the device after the
 * code step, which only a signed-in session can do. Then it ends.
 */
export const POLICY_SETUP_GRACE_MS = 10 * 60 * 1000;

/** Bounds an administrator can set: no lifetime under five minutes, none over a year. */
export const POLICY_LIMITS = {
  minDurationMs: 5 * 60 * 1000,
  maxDurationMs: 365 * 24 * 60 * 60 * 1000,
  maxSessions: 1000,
} as const;

/** One workspace's policy as it applies to a member. */
export interface MemberPolicy {
  workspaceId: string;
  workspaceName: string;
  policy: WorkspacePolicy;
}

export interface PolicyViolation {
  rule: PolicyRule;
  workspaceId: string;
  workspaceName: string;
}

/** What the rule needs of a session at the moment it is checked. */
export interface SessionState {
  session: Pick<SessionRecord, 'clientId' | 'authMethod' | 'signedInAt' | 'location'>;
  /** The latest activity known before this request. */
  lastActiveAt: number;
  /** Whether its device is trusted now. */
  trusted: boolean;
}

/** The first policy the session breaks at `now`, or null. `max_sessions` is not a per-session rule (see policies.ts). */
export function policyViolation(state: SessionState, policies: readonly MemberPolicy[], now: number): PolicyViolation | null {
  for (const { workspaceId, workspaceName, policy } of policies) {
    const rule = brokenRule(state, policy, now);
    if (rule) return { rule, workspaceId, workspaceName };
  }
  return null;
}

function brokenRule(state: SessionState, policy: WorkspacePolicy, now: number): PolicyRule | null {
  const { session, lastActiveAt, trusted } = state;
  if (policy.maxLifetimeMs !== null && now - session.signedInAt >= policy.maxLifetimeMs) return 'max_lifetime';
  if (policy.idleTimeoutMs !== null && now - lastActiveAt >= policy.idleTimeoutMs) return 'idle_timeout';
  if (policy.allowedCountries !== null) {
    const country = session.location.country;
    if (country === null || !policy.allowedCountries.includes(country)) return 'allowed_countries';
  }
  const pastGrace = now - session.signedInAt >= POLICY_SETUP_GRACE_MS;
  if (policy.mfaRequired && pastGrace && !isMultiFactor(session.authMethod) && !trusted) return 'mfa_required';
  if (pastGrace && !trusted && policy.trustedDeviceApps.includes(session.clientId)) return 'trusted_device';
  return null;
}

/** The smallest `maxSessions` among the policies, or null. */
export function sessionLimit(policies: readonly MemberPolicy[]): (MemberPolicy & { limit: number }) | null {
  let found: (MemberPolicy & { limit: number }) | null = null;
  for (const p of policies)
    if (p.policy.maxSessions !== null && (found === null || p.policy.maxSessions < found.limit))
      found = { ...p, limit: p.policy.maxSessions };
  return found;
}

/**
 * Checks a policy an administrator sets: durations within bounds, a positive session limit,
 * known client ids and well-formed country codes. Throws `invalid_request` with what is wrong.
 */
export function checkPolicy(policy: WorkspacePolicy, clientIds: readonly string[]): WorkspacePolicy {
  const { minDurationMs, maxDurationMs, maxSessions } = POLICY_LIMITS;
  for (const [name, value] of [
    ['The session lifetime', policy.maxLifetimeMs],
    ['The idle timeout', policy.idleTimeoutMs],
  ] as const) {
    if (value !== null && (!Number.isInteger(value) || value < minDurationMs || value > maxDurationMs))
      throw new SessiondError('invalid_request', `${name} must be between 5 minutes and 365 days.`);
  }
  if (policy.maxSessions !== null && (!Number.isInteger(policy.maxSessions) || policy.maxSessions < 1 || policy.maxSessions > maxSessions))
    throw new SessiondError('invalid_request', `The session limit must be between 1 and ${maxSessions}.`);
  const unknown = policy.trustedDeviceApps.filter((id) => !clientIds.includes(id));
  if (unknown.length > 0) throw new SessiondError('invalid_request', `Unknown app: ${unknown.join(', ')}.`);
  if (policy.allowedCountries !== null) {
    if (policy.allowedCountries.length === 0)
      throw new SessiondError('invalid_request', 'Allow at least one country, or allow every country.');
    const bad = policy.allowedCountries.filter((c) => !/^[A-Z]{2}$/.test(c));
    if (bad.length > 0) throw new SessiondError('invalid_request', `Not a two-letter country code: ${bad.join(', ')}.`);
  }
  return {
    ...policy,
    trustedDeviceApps: [...new Set(policy.trustedDeviceApps)].sort(),
    allowedCountries: policy.allowedCountries === null ? null : [...new Set(policy.allowedCountries)].sort(),
  };
}
