import type { FastifyRequest } from 'fastify';
import type { WorkspaceCaller } from '../../core/workspaces.js';
import { authOf } from '../plugins/authenticate.js';
import { clientIp, requestUserAgent } from '../plugins/request-context.js';

/**
 * Who is acting on a workspace, as the audit log records them: the signed-in user, or a workspace
 * API key acting for the owner who made it (plugins/workspace-key.ts).
 */
export function callerOf(request: FastifyRequest): WorkspaceCaller {
  const context = { ip: clientIp(request), userAgent: requestUserAgent(request), requestId: request.id };
  const key = request.apiKey;
  if (key) return { userId: key.createdBy, key: { id: key.id, workspaceId: key.workspaceId, scopes: key.scopes }, ...context };
  return { userId: authOf(request).user.id, ...context };
}
