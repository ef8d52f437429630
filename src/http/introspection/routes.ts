/**
 * Token introspection for other services (RFC 7662 style). The caller authenticates with a
 * service key (`sessiond service-keys create`) as `Authorization: Bearer <key>`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { effectiveExpiry } from '../../core/session.js';
import type { HttpContext } from '../context.js';
import { requireServiceKey } from '../plugins/service-key.js';
import { SECURITY } from '../openapi.js';
import { IntrospectBody, IntrospectResponse, responses } from '../schemas.js';

export function introspectionRoutes({ registry, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', requireServiceKey(registry));

    app.post(
      '/introspect',
      {
        schema: {
          tags: ['introspection'],
          operationId: 'introspectToken',
          summary: 'Whether a session token is active, and whose (RFC 7662 style)',
          security: SECURITY.serviceKey,
          body: IntrospectBody,
          response: responses({ 200: IntrospectResponse }),
        },
      },
      async (request) => {
        const started = performance.now();
        const found = await registry.sessions.validateSessionToken(request.body.token);
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
