/**
 * The security overview over HTTP (issue 10): `/v1/admin/workspaces/:ws/overview` for the
 * workspace's owners and security admins (and its API keys with `audit:read`), and
 * `/v1/admin/overview` for the instance's admins (`--instance-admins`). Entry points only:
 * core/overview.ts authorises and computes.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OverviewReport } from '../../core/overview.js';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { authOf } from '../plugins/authenticate.js';
import { holdUntilPasswordChange } from '../plugins/password-change-hold.js';
import { requireSessionOrWorkspaceKey } from '../plugins/workspace-key.js';
import { responses } from '../schemas.js';
import { callerOf } from './caller.js';
import { OverviewAnswer, OverviewQuery } from './overview-schemas.js';
import { WorkspaceParams } from './schemas.js';

const TAGS = ['admin'];

/** The report in the API's wire style (snake_case); chart times stay numbers, ms since the epoch. */
function overviewView(r: OverviewReport) {
  return {
    scope: r.scope,
    range: r.range,
    from: r.from,
    to: r.to,
    previous_from: r.previousFrom,
    previous_to: r.previousTo,
    step_ms: r.stepMs,
    figures: r.figures,
    failures_by_reason: r.failuresByReason,
    revocations_by_actor: r.revocationsByActor,
    series: r.series,
  };
}

export function overviewRoutes({ registry, cookies, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  const { overview } = registry;

  return async (app) => {
    app.addHook('onRequest', requireSessionOrWorkspaceKey(registry, cookies, metrics));
    app.addHook('preHandler', holdUntilPasswordChange);

    app.get(
      '/admin/workspaces/:ws/overview',
      {
        schema: {
          tags: TAGS,
          operationId: 'getWorkspaceOverview',
          summary: 'The workspace’s security overview: figures and charts of the last 24 hours or 7 days beside the week before',
          security: SECURITY.session,
          params: WorkspaceParams,
          querystring: OverviewQuery,
          response: responses({ 200: OverviewAnswer }),
        },
      },
      async (request) => overviewView(await overview.workspace(callerOf(request), request.params.ws, request.query.range ?? '24h')),
    );

    app.get(
      '/admin/overview',
      {
        schema: {
          tags: TAGS,
          operationId: 'getInstanceOverview',
          summary: 'The instance’s security overview (instance admins: --instance-admins): every account, and the nodes',
          security: SECURITY.session,
          querystring: OverviewQuery,
          response: responses({ 200: OverviewAnswer }),
        },
      },
      async (request) => overviewView(await overview.instance(authOf(request).user.email, request.query.range ?? '24h')),
    );
  };
}
