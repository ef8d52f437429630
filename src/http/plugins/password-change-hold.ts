/**
 * A session that reported another as "This wasn't me" is held to the password change
 * (core/revocation.ts, reportSession): until the password changes it may read (GET), and of the
 * state changes only those a route marks `config: { whilePasswordChangeRequired: true }` —
 * re-authenticating and changing the password. Signing out is the auth plane's and always works.
 * Everything else answers 403 `password_change_required`. The hold rides on the session record,
 * so it costs no read.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessiondError } from '../../core/errors.js';
import { authOf } from './authenticate.js';
import { isStateChanging } from './csrf.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route stays open to a session held to a password change. */
    whilePasswordChangeRequired?: boolean;
  }
}

export async function holdUntilPasswordChange(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  // A workspace API key has no session to hold (plugins/workspace-key.ts).
  if (request.apiKey) return;
  if (!authOf(request).session.passwordChangeRequired || !isStateChanging(request)) return;
  if (request.routeOptions.config.whilePasswordChangeRequired === true) return;
  throw new SessiondError(
    'password_change_required',
    'You reported a session as not yours: change your password before anything else on this account.',
  );
}
