/**
 * What `POST /v1/introspect` answers for a token (RFC 7662 §2.2), in one place for the route and
 * for the introspection fast path (fast-path.ts). The token may be a session token, a personal
 * access token (`sdpat_…`) or an OAuth access token sessiond issued; anything else, or one that
 * is revoked, expired or whose account is disabled, is `{active: false}`.
 */
import type { Static } from 'typebox';
import type { SessionWithUser } from '../../core/ports/store.js';
import { PERSONAL_TOKEN_PREFIX } from '../../core/personal-tokens.js';
import { effectiveExpiry } from '../../core/session.js';
import { parseToken } from '../../core/token.js';
import type { HttpContext } from '../context.js';
import type { IntrospectionAnswer } from '../me/token-schemas.js';

export type Introspection = Static<typeof IntrospectionAnswer>;

/** A token is at most 4,096 characters; percent-encoding may triple it. JSON or form, nothing bigger is read. */
export const INTROSPECTION_BODY_LIMIT = 16 * 1024;

/** `client_id` of a personal access token's answer: it was issued to a person, not to an app. */
export const PERSONAL_TOKEN_CLIENT_ID = 'personal-token';

/**
 * The answer for a token. Synchronous when it is a session this node's cache decides (the common
 * case for services checking their users' requests), a promise otherwise.
 */
export function introspector({ registry, metrics }: Pick<HttpContext, 'registry' | 'metrics'>) {
  const { sessions } = registry;

  const sessionAnswer = (found: SessionWithUser | null, started: number): Introspection => {
    metrics.countValidation(found ? 'valid' : 'invalid', (performance.now() - started) / 1000);
    if (!found) return { active: false };
    const { session, user } = found;
    return {
      active: true,
      sub: user.id,
      sid: session.id,
      client_id: session.clientId,
      exp: Math.floor(effectiveExpiry(session, sessions.policy) / 1000),
      iat: Math.floor(session.signedInAt / 1000),
    };
  };

  const personalToken = async (token: string): Promise<Introspection> => {
    // The address the token is used from is the service's caller's, which this request does not carry.
    const use = await registry.personalTokens.verify(token, null);
    if (!use) return { active: false };
    return {
      active: true,
      sub: use.userId,
      client_id: PERSONAL_TOKEN_CLIENT_ID,
      token_type: 'personal_access_token',
      scope: use.scopes.join(' '),
      ...(use.expiresAt === null ? {} : { exp: Math.floor(use.expiresAt / 1000) }),
      iat: Math.floor(use.createdAt / 1000),
      token_id: use.tokenId,
    };
  };

  /** An OAuth access token sessiond issued (a CLI's device sign-in, a connected app). */
  const accessToken = async (token: string): Promise<Introspection> => {
    const access = await registry.oauth.accessToken(token);
    if (!access) return { active: false };
    return {
      active: true,
      sub: access.userId,
      client_id: access.clientId,
      token_type: 'access_token',
      scope: access.scopes.join(' '),
      exp: Math.floor(access.expiresAt / 1000),
      iat: Math.floor(access.issuedAt / 1000),
      grant_id: access.grantId,
    };
  };

  return (token: string): Introspection | Promise<Introspection> => {
    if (token.startsWith(PERSONAL_TOKEN_PREFIX)) return personalToken(token);
    if (!parseToken(token)) return accessToken(token);
    const started = performance.now();
    const found = sessions.validateToken(token);
    return found instanceof Promise ? found.then((f) => sessionAnswer(f, started)) : sessionAnswer(found, started);
  };
}
