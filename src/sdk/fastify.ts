/**
 * Fastify helper: `app.register(sessiondFastify({ verifier }))` puts the caller's session (or
 * null) on `request.session` for every route of the app. It does not refuse anyone: routes
 * decide (`if (!request.session) return reply.code(401)...`). When sessiond cannot be asked, the
 * request fails with `SessiondUnavailableError` (statusCode 503) through Fastify's error handler.
 */
import type { FastifyPluginAsync } from 'fastify';
import { DEFAULT_COOKIE_NAME, readToken } from './credential.js';
import type { VerifiedSession } from './session.js';
import type { Verifier } from './verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `sessiondFastify`: the caller's live session, or null. */
    session: VerifiedSession | null;
  }
}

export interface SessiondFastifyOptions {
  verifier: Pick<Verifier, 'verify'>;
  /** The session cookie's name, when this service shares sessiond's site. @default '__Host-sessiond' */
  cookieName?: string;
}

export function sessiondFastify({ verifier, cookieName = DEFAULT_COOKIE_NAME }: SessiondFastifyOptions): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    app.decorateRequest('session', null);
    app.addHook('onRequest', async function sessiondSession(request) {
      const token = readToken(request.headers.authorization, request.headers.cookie, cookieName);
      request.session = token === null ? null : await verifier.verify(token);
    });
  };
  // What fastify-plugin does, without the dependency: the hook applies to the whole app, not
  // only to an encapsulated child context.
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'sessiond' });
}
