/**
 * Sudo mode for sensitive actions (ASVS 5.0 7.5.1, 7.5.2): the session must have signed in or
 * re-authenticated within the window (default 10 minutes), else 403 `reauth_required`. The time
 * is read from the database, past the session cache, so a re-authentication made through another
 * node counts at once. A workspace API key has no session and is not asked
 * (plugins/workspace-key.ts says why); what it may do is its scopes' and its creator's role's.
 */
import type { FastifyRequest } from 'fastify';
import type { Registry } from '../../registry.js';
import { authOf } from './authenticate.js';

export async function requireRecentAuth(request: FastifyRequest, registry: Registry): Promise<void> {
  if (request.apiKey) return;
  await registry.mfa.requireRecentAuth(authOf(request).session);
}
