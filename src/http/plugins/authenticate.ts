/**
 * Who is calling. Browsers send the session cookie; native, CLI and API clients send
 * `Authorization: Bearer <token>`. Both at once with different values is ambiguous and refused
 * (400), never guessed. Tokens in URLs or other cookie names are never read.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessiondError } from '../../core/errors.js';
import type { RevokeReason, SessionRecord } from '../../core/session.js';
import { POLICY_RULES, type PolicyRule } from '../../core/workspace-policy.js';
import type { UserProfile } from '../../core/user.js';
import type { Registry } from '../../registry.js';
import type { CookiePolicy } from '../cookies.js';
import type { Metrics } from '../metrics.js';
import { refusedByFastPath } from '../fast-validation.js';
import { isStateChanging, requestSite } from './csrf.js';
import { clientIp } from './request-context.js';

export interface AuthContext {
  user: UserProfile;
  session: SessionRecord;
  via: 'cookie' | 'bearer';
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export type Credential = { token: string; via: 'cookie' | 'bearer' };

const BEARER = /^Bearer +(\S+)\s*$/i;

/** Reads the credential; throws `ambiguous_credentials` when cookie and bearer disagree. */
export function readCredential(request: FastifyRequest, cookies: CookiePolicy): Credential | null {
  const cookie = request.cookies[cookies.session] || undefined;
  const header = request.headers.authorization;
  const bearer = header ? BEARER.exec(header)?.[1] : undefined;
  if (cookie !== undefined && bearer !== undefined && cookie !== bearer) throw new SessiondError('ambiguous_credentials');
  if (bearer !== undefined) return { token: bearer, via: 'bearer' };
  if (cookie !== undefined) return { token: cookie, via: 'cookie' };
  return null;
}

/** Resolves the caller's session, or null. Invalid tokens are an answer, not an error. */
export async function resolveSession(
  request: FastifyRequest,
  registry: Registry,
  cookies: CookiePolicy,
  metrics: Metrics,
): Promise<AuthContext | null> {
  let credential: Credential | null;
  try {
    credential = readCredential(request, cookies);
  } catch (err) {
    metrics.countValidation('ambiguous');
    throw err;
  }
  if (!credential) return null;
  // The fast path in front of Fastify validated this token already and found it invalid.
  const refused = refusedByFastPath(request.raw, credential.token);
  if (refused && request.statements) request.statements.statements += refused.statements;
  const started = performance.now();
  const found = refused ? null : await registry.sessions.validateSessionToken(credential.token);
  metrics.countValidation(found ? 'valid' : 'invalid', refused ? refused.seconds : (performance.now() - started) / 1000);
  return found ? { ...found, via: credential.via } : null;
}

/**
 * The hook of every session-only plane: 401 without a valid session; 403 for a
 * cookie-authenticated state change that cannot show it came from our own pages.
 */
export function requireSession(registry: Registry, cookies: CookiePolicy, metrics: Metrics) {
  return async function requireSessionHook(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const auth = await resolveSession(request, registry, cookies, metrics);
    if (!auth) throw await unauthenticated(request, registry, cookies);
    if (auth.via === 'cookie' && isStateChanging(request) && requestSite(request, registry.config.publicUrl) !== 'same') {
      throw new SessiondError('csrf_failed');
    }
    request.auth = auth;
    // The address it is used from, for its history: noted in memory, written in batches.
    registry.sessions.noteAddress(auth.session.id, clientIp(request));
  };
}

/** What the 401 says when an administrator ended the presented session (reason `admin`). */
export const ADMIN_ENDED_MESSAGE = 'An administrator of your workspace ended this session. Sign in again to continue.';

/** What the 401 says when a workspace policy ended the presented session (reason `policy`): which policy. */
export const POLICY_ENDED_MESSAGES: Record<PolicyRule, string> = {
  max_lifetime: 'Your workspace’s policy ended this session: it reached the longest a session may last. Sign in again to continue.',
  idle_timeout: 'Your workspace’s policy ended this session: it was unused longer than the policy allows. Sign in again to continue.',
  max_sessions:
    'Your workspace’s policy ended this session: it limits how many sessions you may have at once, and this was the oldest. Sign in again to continue.',
  mfa_required:
    'Your workspace’s policy ended this session: it requires two-step verification. Sign in again and set it up in Settings › Security within 10 minutes.',
  trusted_device:
    'Your workspace’s policy ended this session: this app may only be used on a trusted device. Sign in with two-step verification and trust this device.',
  allowed_countries: 'Your workspace’s policy ended this session: it does not allow sessions from where this one is.',
};

/**
 * What the 401 says when the presented session ended because of something done to the account
 * rather than to this session: a password change or reset elsewhere, or "This wasn't me".
 */
export const ACCOUNT_ENDED_MESSAGES = {
  password_changed: 'This session ended because your password was changed. Sign in with the new password to continue.',
  password_reset: 'This session ended because your password was reset. Sign in with the new password to continue.',
  reported: 'This session ended because its sign-in was reported as not made by the account’s owner. Sign in again to continue.',
} as const satisfies Partial<Record<RevokeReason, string>>;

/**
 * The 401 for a request whose credential did not validate. Same code and shape always; only the
 * message differs, and only for the holder of the token's secret (checked in constant time by
 * Sessions.revokedReason) of a session an administrator, a policy, a password change or reset
 * or a report ended, so their pages can say why. The
 * extra read happens here, on the failure path only; a valid token never comes this way.
 */
async function unauthenticated(request: FastifyRequest, registry: Registry, cookies: CookiePolicy): Promise<SessiondError> {
  // resolveSession read the same credential a moment ago without throwing.
  const credential = readCredential(request, cookies);
  if (credential === null) return new SessiondError('unauthenticated');
  const ended = await registry.sessions.revokedReason(credential.token).catch(() => null);
  if (ended?.reason === 'admin') return new SessiondError('unauthenticated', ADMIN_ENDED_MESSAGE);
  if (ended?.reason === 'policy' && isPolicyRule(ended.detail))
    return new SessiondError('unauthenticated', POLICY_ENDED_MESSAGES[ended.detail]);
  const accountMessage = ended ? (ACCOUNT_ENDED_MESSAGES as Partial<Record<RevokeReason, string>>)[ended.reason] : undefined;
  if (accountMessage !== undefined) return new SessiondError('unauthenticated', accountMessage);
  return new SessiondError('unauthenticated');
}

function isPolicyRule(value: string | null): value is PolicyRule {
  return (POLICY_RULES as readonly (string | null)[]).includes(value);
}

/** The session a route has already required; a programming error if the hook did not run. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error('route registered without requireSession');
  return request.auth;
}
