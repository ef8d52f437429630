import type { FastifyRequest } from 'fastify';
import type { WorkspaceCaller } from '../../core/workspaces.js';
import { authOf } from '../plugins/authenticate.js';
import { clientIp, requestUserAgent } from '../plugins/request-context.js';

/** Who is acting on a workspace, as the audit log records them. */
export function callerOf(request: FastifyRequest): WorkspaceCaller {
  return { userId: authOf(request).user.id, ip: clientIp(request), userAgent: requestUserAgent(request), requestId: request.id };
}
