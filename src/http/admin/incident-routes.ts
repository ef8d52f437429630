/**
 * Incident response over HTTP (`/v1/admin/workspaces/:ws/sessions` and `…/incidents`): entry
 * points only. Every route turns the request into a `WorkspaceCaller` and calls one use case of
 * `Incidents` (core/incidents.ts), which authorises, counts, asks for a second admin above the
 * threshold, ends sessions through Revocation and writes the audit log. Creating, approving and
 * refusing an operation, and changing the threshold, need a recent authentication.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError } from '../../core/errors.js';
import type { IncidentRecord } from '../../core/incidents.js';
import { formatSessionFilter, parseSessionFilter, type SessionFilter } from '../../core/session-filter.js';
import type { SessionRecord } from '../../core/session.js';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { callerOf } from './caller.js';
import { holdUntilPasswordChange } from '../plugins/password-change-hold.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { requireSessionOrWorkspaceKey } from '../plugins/workspace-key.js';
import { EmptyBody, MAX_PAGE_SIZE, responses } from '../schemas.js';
import { iso, sessionView } from '../views.js';
import {
  CreateIncidentBody,
  DryRunBody,
  DryRunResult,
  IncidentAnswer,
  IncidentList,
  IncidentParams,
  IncidentSettings,
  WorkspaceSessionPage,
  WorkspaceSessionQuery,
  type IncidentView,
  type SessionFilterBodyView,
} from './incident-schemas.js';
import { NoQuery, WorkspaceParams } from './schemas.js';

const TAGS = ['admin'];
const DEFAULT_PAGE = 50;
const LIST_LIMIT = 100;

/** The JSON filter in its text spelling, then through core's one parser. */
export function filterFromBody(body: SessionFilterBodyView): SessionFilter {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    params[key] = typeof value === 'boolean' ? String(value) : value;
  }
  return parseSessionFilter(params);
}

export function incidentView(i: IncidentRecord): IncidentView {
  const time = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    id: i.id,
    status: i.status,
    filter: formatSessionFilter(i.filter),
    matched: i.matched,
    threshold: i.threshold,
    requested_by: i.requestedBy,
    created_at: iso(i.createdAt),
    decided_by: i.decidedBy,
    decided_at: time(i.decidedAt),
    started_at: time(i.startedAt),
    finished_at: time(i.finishedAt),
    revoked: i.revoked,
    batches: i.batches,
  };
}

export function incidentRoutes({ registry, cookies, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  const { config, sessions, incidents, clock } = registry;
  const view = (s: SessionRecord) => {
    const trusted = s.deviceTrustedUntil !== null && s.deviceTrustedUntil > clock.now();
    return { ...sessionView({ ...s, trusted }, null, config.clients, sessions.policy), user_id: s.userId };
  };

  return async (app) => {
    app.addHook('onRequest', requireSessionOrWorkspaceKey(registry, cookies, metrics));
    app.addHook('preHandler', holdUntilPasswordChange);

    app.get(
      '/admin/workspaces/:ws/sessions',
      {
        schema: {
          tags: TAGS,
          operationId: 'searchWorkspaceSessions',
          summary: 'The active sessions of the workspace’s members that match a filter, by cursor',
          security: SECURITY.session,
          params: WorkspaceParams,
          querystring: WorkspaceSessionQuery,
          response: responses({ 200: WorkspaceSessionPage }),
        },
      },
      async (request) => {
        const { limit: limitText, cursor, ...filterText } = request.query;
        const limit = limitText === undefined ? DEFAULT_PAGE : Number(limitText);
        if (limit > MAX_PAGE_SIZE) throw new SessiondError('invalid_request', `limit must be at most ${MAX_PAGE_SIZE}.`);
        const filter = parseSessionFilter(filterText);
        const page = await incidents.search(callerOf(request), request.params.ws, filter, cursor ?? null, limit);
        return { sessions: page.sessions.map(view), next_cursor: page.nextCursor };
      },
    );

    app.post(
      '/admin/workspaces/:ws/incidents/dry-run',
      {
        schema: {
          tags: TAGS,
          operationId: 'dryRunWorkspaceIncident',
          summary: 'How many sessions a filter matches now, and a sample; changes nothing',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          body: DryRunBody,
          response: responses({ 200: DryRunResult }),
        },
      },
      async (request) => {
        const { count, sample } = await incidents.dryRun(callerOf(request), request.params.ws, filterFromBody(request.body.filter));
        return { count, sample: sample.map(view) };
      },
    );

    app.post(
      '/admin/workspaces/:ws/incidents',
      {
        schema: {
          tags: TAGS,
          operationId: 'createWorkspaceIncident',
          summary: 'End every session a filter matches: runs at once, or waits for a second admin above the threshold',
          description:
            '`confirm_count` must be the count of a dry run; 409 `count_mismatch` when the sessions changed since (dry-run again). The operation runs in the background: read it for progress.',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          body: CreateIncidentBody,
          response: responses({ 202: IncidentAnswer }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const { filter, confirm_count } = request.body;
        const incident = await incidents.request(callerOf(request), request.params.ws, filterFromBody(filter), confirm_count);
        return reply.code(202).send({ incident: incidentView(incident) });
      },
    );

    app.get(
      '/admin/workspaces/:ws/incidents',
      {
        schema: {
          tags: TAGS,
          operationId: 'listWorkspaceIncidents',
          summary: `The workspace’s incident operations, newest first (the latest ${LIST_LIMIT})`,
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          response: responses({ 200: IncidentList }),
        },
      },
      async (request) => ({ incidents: (await incidents.list(callerOf(request), request.params.ws, LIST_LIMIT)).map(incidentView) }),
    );

    app.get(
      '/admin/workspaces/:ws/incidents/:id',
      {
        schema: {
          tags: TAGS,
          operationId: 'getWorkspaceIncident',
          summary: 'One incident operation: its status and progress',
          security: SECURITY.session,
          querystring: NoQuery,
          params: IncidentParams,
          response: responses({ 200: IncidentAnswer }),
        },
      },
      async (request) => ({ incident: incidentView(await incidents.get(callerOf(request), request.params.ws, request.params.id)) }),
    );

    app.post(
      '/admin/workspaces/:ws/incidents/:id/approve',
      {
        schema: {
          tags: TAGS,
          operationId: 'approveWorkspaceIncident',
          summary: 'Approve a waiting operation (a second owner or security admin, never the requester); it starts',
          security: SECURITY.session,
          querystring: NoQuery,
          params: IncidentParams,
          body: EmptyBody,
          response: responses({ 200: IncidentAnswer }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        return { incident: incidentView(await incidents.approve(callerOf(request), request.params.ws, request.params.id)) };
      },
    );

    app.post(
      '/admin/workspaces/:ws/incidents/:id/refuse',
      {
        schema: {
          tags: TAGS,
          operationId: 'refuseWorkspaceIncident',
          summary: 'Refuse a waiting operation; it never runs',
          security: SECURITY.session,
          querystring: NoQuery,
          params: IncidentParams,
          body: EmptyBody,
          response: responses({ 200: IncidentAnswer }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        return { incident: incidentView(await incidents.refuse(callerOf(request), request.params.ws, request.params.id)) };
      },
    );

    app.post(
      '/admin/workspaces/:ws/incidents/:id/resume',
      {
        schema: {
          tags: TAGS,
          operationId: 'resumeWorkspaceIncident',
          summary: 'Go on with a running operation whose server stopped (every start also resumes them)',
          security: SECURITY.session,
          querystring: NoQuery,
          params: IncidentParams,
          body: EmptyBody,
          response: responses({ 202: IncidentAnswer }),
        },
      },
      async (request, reply) => {
        const incident = await incidents.resume(callerOf(request), request.params.ws, request.params.id);
        return reply.code(202).send({ incident: incidentView(incident) });
      },
    );

    app.get(
      '/admin/workspaces/:ws/incident-settings',
      {
        schema: {
          tags: TAGS,
          operationId: 'getWorkspaceIncidentSettings',
          summary: 'Above how many sessions an operation waits for a second admin',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          response: responses({ 200: IncidentSettings }),
        },
      },
      async (request) => ({ approval_threshold: await incidents.threshold(callerOf(request), request.params.ws) }),
    );

    app.put(
      '/admin/workspaces/:ws/incident-settings',
      {
        schema: {
          tags: TAGS,
          operationId: 'setWorkspaceIncidentSettings',
          summary: 'Set the approval threshold (owners only)',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          body: IncidentSettings,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        await incidents.setThreshold(callerOf(request), request.params.ws, request.body.approval_threshold);
        return reply.code(204).send();
      },
    );
  };
}
