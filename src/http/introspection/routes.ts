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
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError } from '../../core/errors.js';
import type { HttpContext } from '../context.js';
import { IntrospectionAnswer, IntrospectionBody } from '../me/token-schemas.js';
import { requireServiceKey } from '../plugins/service-key.js';
import { SECURITY } from '../openapi.js';
import { responses } from '../schemas.js';
import { INTROSPECTION_BODY_LIMIT, introspector } from './answer.js';
import { replayedBody } from './fast-path.js';

export function introspectionRoutes({ registry, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  const introspect = introspector({ registry, metrics });
  return async (app) => {
    app.addHook('onRequest', requireServiceKey(registry));
    // A body the fast path read before leaving the request to Fastify (fast-path.ts) is parsed from its bytes.
    app.addHook('preParsing', async (request, _reply, payload) => {
      const body = replayedBody(request.raw);
      return body === null ? payload : Readable.from([body], { objectMode: false });
    });
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
      async (request) => introspect(request.body.token),
    );
  };
}
