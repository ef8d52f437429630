/**
 * The hook of every plane other services call (introspection, the revocation stream): a service
 * key (`sessiond service-keys create`) as `Authorization: Bearer <key>`, or 401. Session tokens
 * and cookies are never accepted here: a user's session cannot introspect other users' tokens.
 * Verified from the node's cache of service keys while its bus is live (core/service-keys.ts): a
 * revoked key is refused from its next request on every node.
 */
import type { FastifyRequest } from 'fastify';
import { SessiondError } from '../../core/errors.js';
import type { ServiceKeys } from '../../core/service-keys.js';

const BEARER = /^Bearer +(\S+)\s*$/i;

/** The service key an `Authorization` header presents, if any (the introspection fast path reads it here too). */
export function presentedServiceKey(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}

export function requireServiceKey(deps: { serviceKeys: ServiceKeys }) {
  return async function requireServiceKeyHook(request: FastifyRequest): Promise<void> {
    const key = presentedServiceKey(request.headers.authorization);
    const service = key ? await deps.serviceKeys.verify(key) : null;
    if (!service) throw new SessiondError('unauthenticated', 'A valid service key is required.');
  };
}
