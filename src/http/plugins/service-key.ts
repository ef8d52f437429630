/**
 * The hook of every plane other services call (introspection, the revocation stream): a service
 * key (`sessiond service-keys create`) as `Authorization: Bearer <key>`, or 401. Session tokens
 * and cookies are never accepted here: a user's session cannot introspect other users' tokens.
 */
import type { FastifyRequest } from 'fastify';
import { SessiondError } from '../../core/errors.js';
import { verifyServiceKey, type ServiceKeyDeps } from '../../core/service-keys.js';

const BEARER = /^Bearer +(\S+)\s*$/i;

export function requireServiceKey(deps: ServiceKeyDeps) {
  return async function requireServiceKeyHook(request: FastifyRequest): Promise<void> {
    const key = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const service = key ? await verifyServiceKey(deps, key) : null;
    if (!service) throw new SessiondError('unauthenticated', 'A valid service key is required.');
  };
}
