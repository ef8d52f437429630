import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../core/security-events.js';
import type { RequestPlace } from '../../core/events.js';
import { limitKeyForIp } from '../../core/ip-limit-key.js';
import type { Registry } from '../../registry.js';
import type { AuthContext } from '../plugins/authenticate.js';
import { clientIp } from '../plugins/request-context.js';

/** Where a request came from, for the security timeline and mail. */
export function requestPlace(request: FastifyRequest, registry: Registry): RequestPlace {
  const ip = clientIp(request);
  return { ip, location: registry.geo.locate(ip) };
}

/**
 * The caller's address as the per-IP limits count it (`limitKeyForIp`): IPv6 by its network of
 * `--ipv6-limit-prefix` bits. For use cases whose address is used for nothing but limits.
 */
export function limitIp(request: FastifyRequest, registry: Registry): string {
  return limitKeyForIp(clientIp(request), registry.config.ipv6LimitPrefix);
}

/** The caller's own session, as the actor of a change. */
export function sessionActor(request: FastifyRequest, auth: AuthContext): Actor {
  return { kind: 'session', sessionId: auth.session.id, ip: clientIp(request) };
}
