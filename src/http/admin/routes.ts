/**
 * Workspaces over HTTP: the caller's own memberships (`/v1/me/workspaces`) and the admin plane
 * (`/v1/admin/workspaces/...`). Entry points only: every route turns the request into a
 * `WorkspaceCaller` and calls one use case of `Workspaces` (core/workspaces.ts), which decides
 * who may do what (404 for outsiders and disabled members, 403 for members without the right),
 * revokes through the same Revocation the members use, and writes the audit log. Nothing here
 * authorises or revokes by itself.
 *
 * Every route needs a session (cookie with the me plane's CSRF rule, or bearer) and is held by a
 * pending password change like the me plane; a workspace's routes also take that workspace's API
 * key (plugins/workspace-key.ts), within its scopes. Acting on another member's sessions,
 * offboarding, inviting and naming the security owner are sensitive, as ending another of one's
 * own sessions is: they need a recent authentication (403 `reauth_required`).
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError } from '../../core/errors.js';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { callerOf } from './caller.js';
import { authOf } from '../plugins/authenticate.js';
import { holdUntilPasswordChange } from '../plugins/password-change-hold.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { requireSessionOrWorkspaceKey } from '../plugins/workspace-key.js';
import { DeviceReplaced, EmptyBody, MAX_PAGE_SIZE, RevokedCount, SessionList, responses } from '../schemas.js';
import { iso, sessionView } from '../views.js';
import {
  AuditPage,
  AuditQuery,
  AuditRetentionBody,
  CreateWorkspaceBody,
  InvitationSent,
  InviteBody,
  JoinBody,
  MemberList,
  MemberParams,
  MemberSessionParams,
  MyWorkspaceList,
  NoQuery,
  OffboardResult,
  ReviewRequestBody,
  RoleBody,
  ReviewStatusList,
  ReviewsAsked,
  SecurityOwnerBody,
  WorkspaceAndRole,
  WorkspaceAnswer,
  WorkspaceParams,
} from './schemas.js';
import {
  CSV_COLUMNS,
  auditCsvRow,
  auditEntryView,
  csvRow,
  decodeAuditCursor,
  encodeAuditCursor,
  memberView,
  wholeTrail,
  workspaceView,
} from './views.js';

/** A page of the audit trail when `limit` is not given. */
export const DEFAULT_AUDIT_PAGE = 50;
/** How many entries an export reads from the store at a time. */
const EXPORT_PAGE = 500;

const TAGS = { workspaces: ['workspaces'], admin: ['admin'] };

export function adminRoutes({ registry, cookies, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  const { config, sessions, workspaces } = registry;

  return async (app) => {
    app.addHook('onRequest', requireSessionOrWorkspaceKey(registry, cookies, metrics));
    app.addHook('preHandler', holdUntilPasswordChange);

    app.get(
      '/me/workspaces',
      {
        schema: {
          tags: TAGS.workspaces,
          operationId: 'listMyWorkspaces',
          summary: 'The workspaces the caller is an active member of, with their role',
          security: SECURITY.session,
          querystring: NoQuery,
          response: responses({ 200: MyWorkspaceList }),
        },
      },
      async (request) => {
        const mine = await workspaces.listMine(authOf(request).user.id);
        return { workspaces: mine.map(({ workspace, role }) => ({ ...workspaceView(workspace), role })) };
      },
    );

    app.post(
      '/me/workspaces/join',
      {
        schema: {
          tags: TAGS.workspaces,
          operationId: 'joinWorkspace',
          summary: 'Accept an invitation: join the workspace with the link from the invitation mail',
          description:
            'The link works once, before it expires, and only for the account with the invited address; otherwise 400 `invalid_token`, the same for every reason.',
          security: SECURITY.session,
          querystring: NoQuery,
          body: JoinBody,
          response: responses({ 200: WorkspaceAnswer }),
        },
      },
      async (request) => {
        const workspace = await workspaces.accept({ ...callerOf(request), email: authOf(request).user.email }, request.body.token);
        return { workspace: workspaceView(workspace) };
      },
    );

    app.post(
      '/admin/workspaces',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'createWorkspace',
          summary: 'Create a workspace; the caller becomes its owner and security owner',
          security: SECURITY.session,
          querystring: NoQuery,
          body: CreateWorkspaceBody,
          response: responses({ 201: WorkspaceAnswer }),
        },
      },
      async (request, reply) => {
        const workspace = await workspaces.create(callerOf(request), request.body.name);
        return reply.code(201).send({ workspace: workspaceView(workspace) });
      },
    );

    app.get(
      '/admin/workspaces/:ws',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'getWorkspace',
          summary: 'A workspace, who its security owner is, and the caller’s role in it (any active member)',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          response: responses({ 200: WorkspaceAndRole }),
        },
      },
      async (request) => {
        const { workspace, membership } = await workspaces.authorize(callerOf(request), request.params.ws, 'view_workspace');
        // Every member may know whom to contact: the owner's address, not only an id they cannot look up.
        const owner = await registry.store.findUserById(workspace.securityOwnerId);
        const securityOwner = owner === null ? null : { id: owner.id, email: owner.email, name: owner.name };
        const retention = await workspaces.auditRetention(callerOf(request), workspace.id);
        return {
          workspace: { ...workspaceView(workspace), security_owner: securityOwner, audit_retention_days: retention },
          role: membership.role,
        };
      },
    );

    app.get(
      '/admin/workspaces/:ws/members',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'listWorkspaceMembers',
          summary: 'Every member, disabled ones too, with their sessions, MFA status and trusted devices',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          response: responses({ 200: MemberList }),
        },
      },
      async (request) => {
        const members = await workspaces.members(callerOf(request), request.params.ws);
        return { members: members.map(memberView) };
      },
    );

    app.post(
      '/admin/workspaces/:ws/invitations',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'inviteWorkspaceMember',
          summary: 'Mail an invitation link for an address and a role (owner or security admin: owners only)',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          body: InviteBody,
          response: responses({ 202: InvitationSent }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const { email, role } = request.body;
        const sent = await workspaces.invite(callerOf(request), request.params.ws, email, role);
        return reply.code(202).send({ id: sent.id, expires_at: iso(sent.expiresAt) });
      },
    );

    app.put(
      '/admin/workspaces/:ws/security-owner',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'setWorkspaceSecurityOwner',
          summary: 'Name the security owner: an active owner or security admin (owners only)',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          body: SecurityOwnerBody,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        await workspaces.setSecurityOwner(callerOf(request), request.params.ws, request.body.user_id);
        return reply.code(204).send();
      },
    );

    app.put(
      '/admin/workspaces/:ws/members/:userId/role',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'changeWorkspaceMemberRole',
          summary: "Change a member's role (owners only); it applies to the member's next request",
          security: SECURITY.session,
          querystring: NoQuery,
          params: MemberParams,
          body: RoleBody,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const { ws, userId } = request.params;
        await workspaces.changeRole(callerOf(request), ws, userId, request.body.role);
        return reply.code(204).send();
      },
    );

    app.get(
      '/admin/workspaces/:ws/members/:userId/sessions',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'listWorkspaceMemberSessions',
          summary: 'A member’s active sessions, as the member sees them',
          security: SECURITY.session,
          querystring: NoQuery,
          params: MemberParams,
          response: responses({ 200: SessionList }),
        },
      },
      async (request) => {
        const { ws, userId } = request.params;
        const found = await workspaces.memberSessions(callerOf(request), ws, userId);
        // No session is the caller's here: none is `current`.
        return { sessions: found.map((s) => sessionView(s, null, config.clients, sessions.policy, registry.devices)) };
      },
    );

    app.delete(
      '/admin/workspaces/:ws/members/:userId/sessions/:id',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'revokeWorkspaceMemberSession',
          summary: 'End one of a member’s sessions; their timeline says an admin ended it',
          security: SECURITY.session,
          querystring: NoQuery,
          params: MemberSessionParams,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const { ws, userId, id } = request.params;
        await workspaces.endMemberSession(callerOf(request), ws, userId, id);
        return reply.code(204).send();
      },
    );

    app.post(
      '/admin/workspaces/:ws/members/:userId/sessions/:id/replace-device',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'replaceWorkspaceMemberDevice',
          summary: "A member's lost or replaced device: end every session on the device this session ran on, and untrust it",
          security: SECURITY.session,
          querystring: NoQuery,
          params: MemberSessionParams,
          body: EmptyBody,
          response: responses({ 200: DeviceReplaced }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        const { ws, userId, id } = request.params;
        const replaced = await workspaces.replaceMemberDevice(callerOf(request), ws, userId, id);
        return { revoked: replaced.revoked, untrusted: replaced.untrusted };
      },
    );

    app.delete(
      '/admin/workspaces/:ws/members/:userId/sessions',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'revokeWorkspaceMemberSessions',
          summary: 'End every session of a member',
          security: SECURITY.session,
          querystring: NoQuery,
          params: MemberParams,
          response: responses({ 200: RevokedCount }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        const { ws, userId } = request.params;
        return { revoked: await workspaces.endMemberSessions(callerOf(request), ws, userId) };
      },
    );

    app.post(
      '/admin/workspaces/:ws/members/:userId/offboard',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'offboardWorkspaceMember',
          summary: 'Offboard a member in one step: disable the membership, end every session, untrust every device, revoke their API keys',
          security: SECURITY.session,
          querystring: NoQuery,
          params: MemberParams,
          body: EmptyBody,
          response: responses({ 200: OffboardResult }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        const { ws, userId } = request.params;
        const done = await workspaces.offboard(callerOf(request), ws, userId);
        return {
          sessions_ended: done.sessionsEnded,
          devices_untrusted: done.devicesUntrusted,
          keys_revoked: done.keysRevoked,
          apps_removed: done.appsRemoved,
          tokens_revoked: done.tokensRevoked,
          membership_disabled: done.membershipDisabled,
        };
      },
    );

    app.post(
      '/admin/workspaces/:ws/reviews',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'requestWorkspaceReview',
          summary: 'Ask active members (all, or those named) to review their Active sessions',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          body: ReviewRequestBody,
          response: responses({ 200: ReviewsAsked }),
        },
      },
      async (request) => {
        const { ws } = request.params;
        return workspaces.requestReview(callerOf(request), ws, request.body.user_ids ?? null);
      },
    );

    app.get(
      '/admin/workspaces/:ws/reviews',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'listWorkspaceReviews',
          summary: 'Who has and has not reviewed: each active member with the latest review this workspace asked for',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          response: responses({ 200: ReviewStatusList }),
        },
      },
      async (request) => ({
        members: (await workspaces.reviewStatus(callerOf(request), request.params.ws)).map((r) => ({
          user_id: r.user.id,
          email: r.user.email,
          name: r.user.name,
          requested_at: r.requestedAt === null ? null : iso(r.requestedAt),
          completed_at: r.completedAt === null ? null : iso(r.completedAt),
          sign_outs: r.signOuts,
        })),
      }),
    );

    app.put(
      '/admin/workspaces/:ws/audit/retention',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'setWorkspaceAuditRetention',
          summary: 'Set how many days audit entries are kept, 30 to 3650 (owners only); the change is itself audited',
          description:
            'Entries older than this are deleted by the periodic purge (`serve`, `sessiond audit purge`); nothing else deletes one.',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          body: AuditRetentionBody,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        await workspaces.setAuditRetention(callerOf(request), request.params.ws, request.body.days);
        return reply.code(204).send();
      },
    );

    app.get(
      '/admin/workspaces/:ws/audit',
      {
        schema: {
          tags: TAGS.admin,
          operationId: 'listWorkspaceAudit',
          summary: 'The workspace’s audit trail, newest first: one page, or all of it as JSON Lines or CSV',
          description:
            "CSV: a header row, then one row per entry; `details` is JSON. A cell that would start with = + - @ (a formula to a spreadsheet) or ' starts with an added '.",
          security: SECURITY.session,
          params: WorkspaceParams,
          querystring: AuditQuery,
          response: responses({
            200: {
              description: 'A page (JSON), or the whole trail as a download (`jsonl`, `csv`)',
              content: {
                'application/json': { schema: AuditPage },
                'application/x-ndjson': { schema: { type: 'string', description: 'One audit entry (JSON) per line' } },
                'text/csv': { schema: { type: 'string', description: `Columns: ${CSV_COLUMNS.join(', ')}` } },
              },
            },
          }),
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const { ws } = request.params;
        const { format = 'json', limit: limitText, cursor: cursorText } = request.query;
        if (format === 'json') {
          const limit = limitText === undefined ? DEFAULT_AUDIT_PAGE : Number(limitText);
          if (limit > MAX_PAGE_SIZE) throw new SessiondError('invalid_request', `limit must be at most ${MAX_PAGE_SIZE}.`);
          const after = cursorText === undefined ? null : decodeAuditCursor(cursorText);
          // One more than asked: whether there is a next page is known without an empty last page.
          const entries = await workspaces.audit(caller, ws, after, limit + 1);
          const page = entries.slice(0, limit);
          const last = page.at(-1);
          return {
            entries: page.map(auditEntryView),
            next_cursor: entries.length > limit && last ? encodeAuditCursor({ seq: last.seq }) : null,
          };
        }
        if (limitText !== undefined || cursorText !== undefined)
          throw new SessiondError('invalid_request', 'An export is the whole trail: it takes no limit or cursor.');
        // The first page before any header: a refusal is still the error envelope.
        const first = await workspaces.audit(caller, ws, null, EXPORT_PAGE);
        const entries = wholeTrail(first, EXPORT_PAGE, (after) => workspaces.audit(caller, ws, after, EXPORT_PAGE));
        const stamp = iso(registry.clock.now()).slice(0, 10);
        const lines =
          format === 'csv'
            ? (async function* () {
                yield csvRow(CSV_COLUMNS);
                for await (const e of entries) yield auditCsvRow(auditEntryView(e));
              })()
            : (async function* () {
                for await (const e of entries) yield `${JSON.stringify(auditEntryView(e))}\n`;
              })();
        return reply
          .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="audit-${ws}-${stamp}.${format}"`)
          .send(Readable.from(lines));
      },
    );
  };
}
