/**
 * After a privilege change the caller's session has a new token (Revocation.rotateSession); this
 * hands it to the client the way the client holds its token. A browser gets it as the session
 * cookie — whenever the request carried the cookie, so a client that sends both a cookie and a
 * bearer token never keeps a dead cookie — and a bearer client gets it in the body.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IssuedSession } from '../../core/sessions.js';
import type { HttpContext } from '../context.js';
import { setSessionCookie } from '../cookies.js';
import { authOf } from '../plugins/authenticate.js';

export function renewedCredential(
  { registry, cookies }: HttpContext,
  request: FastifyRequest,
  reply: FastifyReply,
  renewed: IssuedSession,
): { token?: string } {
  const { via } = authOf(request);
  if (via === 'cookie' || request.cookies[cookies.session])
    setSessionCookie(reply, cookies, renewed.token, Math.floor(registry.config.maxAgeMs / 1000));
  return via === 'bearer' ? { token: renewed.token } : {};
}
