/**
 * Token introspection for other services (RFC 7662). The caller authenticates with a service key
 * (`sessiond service-keys create`) as `Authorization: Bearer <key>`. The token may be a session
 * token, a personal access token (`sdpat_…`, core/personal-tokens.ts) or an OAuth access token
 * sessiond issued (oauth/oauth.ts); anything else, or one
 * that is revoked, expired or whose account is disabled, is `{active: false}`.
 *
 * The body is JSON, or a form (`application/x-www-form-urlencoded`) as RFC 7662 §2.1 sends it
 * and OAuth libraries do. The form parser is this plugin's alone: everywhere else JSON stays the
 * only body (app.ts), so an HTML form cannot reach a state change there. Here a form gains an
 * attacker nothing: the request needs a service key as a bearer header, which no cross-site form
 * can send, and it changes nothing but a token's last use.
 */
import { parse as parseForm } from 'node:querystring';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError } from '../../core/errors.js';
import { PERSONAL_TOKEN_PREFIX } from '../../core/personal-tokens.js';
import { effectiveExpiry } from '../../core/session.js';
import { parseToken } from '../../core/token.js';
import type { HttpContext } from '../context.js';
import { IntrospectionAnswer, IntrospectionBody } from '../me/token-schemas.js';
import { requireServiceKey } from '../plugins/service-key.js';
import { SECURITY } from '../openapi.js';
import { responses } from '../schemas.js';

/** A token is at most 4,096 characters; percent-encoding may triple it. JSON or form, nothing bigger is read. */
const INTROSPECTION_BODY_LIMIT = 16 * 1024;

/** `client_id` of a personal access token's answer: it was issued to a person, not to an app. */
export const PERSONAL_TOKEN_CLIENT_ID = 'personal-token';

export function introspectionRoutes({ registry, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', requireServiceKey(registry));
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      // RFC 6749 §3.1 (which RFC 7662 follows): a parameter is sent at most once.
      const form = parseForm(body as string);
      for (const value of Object.values(form))
        if (Array.isArray(value)) return done(new SessiondError('invalid_request', 'A parameter was sent more than once.'), undefined);
      done(null, form);
    });

    app.post(
      '/introspect',
      {
        bodyLimit: INTROSPECTION_BODY_LIMIT,
        schema: {
          tags: ['introspection'],
          operationId: 'introspectToken',
          summary: 'Whether a session token or personal access token is active, and whose (RFC 7662)',
          security: SECURITY.serviceKey,
          consumes: ['application/json', 'application/x-www-form-urlencoded'],
          body: IntrospectionBody,
          response: responses({ 200: IntrospectionAnswer }),
        },
      },
      async (request) => {
        const { token } = request.body;
        if (token.startsWith(PERSONAL_TOKEN_PREFIX)) {
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
        }
        // An OAuth access token sessiond issued (a CLI's device sign-in, a connected app).
        if (!parseToken(token)) {
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
        }
        const started = performance.now();
        const found = await registry.sessions.validateSessionToken(token);
        metrics.countValidation(found ? 'valid' : 'invalid', (performance.now() - started) / 1000);
        if (!found) return { active: false };
        const { session, user } = found;
        return {
          active: true,
          sub: user.id,
          sid: session.id,
          client_id: session.clientId,
          exp: Math.floor(effectiveExpiry(session, registry.sessions.policy) / 1000),
          iat: Math.floor(session.signedInAt / 1000),
        };
      },
    );
  };
}
