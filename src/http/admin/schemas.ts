/**
 * Wire shapes of workspaces and the admin plane. Requests refuse unknown fields and malformed ids
 * (400); responses are allowlists, so an invitation's secret hash or a membership's internals
 * never leave the server.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from '../schemas.js';
import {
  MAX_AUDIT_RETENTION_DAYS,
  MAX_WORKSPACE_NAME,
  MIN_AUDIT_RETENTION_DAYS,
  WORKSPACE_ROLES,
  type AuditAction,
  type WorkspaceRole,
} from '../../core/workspaces.js';

/** The shape of every id this server issues (`isWellFormedId` in core/token.ts): 22 base64url characters. */
export const ID_PATTERN = '^[A-Za-z0-9_-]{22}$';
const Id = Type.String({ pattern: ID_PATTERN });

const Role = Type.Unsafe<WorkspaceRole>({ type: 'string', enum: [...WORKSPACE_ROLES] });

/** Every audit action, from a record so that a new one in core does not compile until it is listed here. */
const AUDIT_ACTIONS = Object.keys({
  'workspace.created': true,
  'security_owner.changed': true,
  'member.invited': true,
  'member.joined': true,
  'member.offboarded': true,
  'session.revoked': true,
  'sessions.revoked': true,
  'review.requested': true,
  'incident.requested': true,
  'incident.approved': true,
  'incident.refused': true,
  'incident.started': true,
  'incident.progress': true,
  'incident.finished': true,
  'incident.threshold_changed': true,
  'member.role_changed': true,
  'device.replaced': true,
  'api_key.created': true,
  'api_key.revoked': true,
  'audit.retention_changed': true,
  'policy.changed': true,
  'credential.app_connected': true,
  'credential.app_removed': true,
  'credential.device_sign_in_approved': true,
  'credential.relying_party_signed_out': true,
  'credential.token_created': true,
  'credential.token_revoked': true,
} satisfies Record<AuditAction, true>) as AuditAction[];

/** Routes that take no query string still refuse one they do not understand. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

export const WorkspaceParams = Type.Object({ ws: Id }, { additionalProperties: false });
export const MemberParams = Type.Object({ ws: Id, userId: Id }, { additionalProperties: false });
export const MemberSessionParams = Type.Object({ ws: Id, userId: Id, id: Id }, { additionalProperties: false });

export const CreateWorkspaceBody = Type.Object(
  // Core trims and checks the length again: "   " passes here and is refused there.
  { name: Type.String({ minLength: 1, maxLength: MAX_WORKSPACE_NAME }) },
  { additionalProperties: false },
);

/** The token of an invitation link (`/workspaces/join?token=`). */
export const JoinBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

export const InviteBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }), role: Role },
  { additionalProperties: false },
);

export const RoleBody = Type.Object({ role: Role }, { additionalProperties: false });

export const SecurityOwnerBody = Type.Object({ user_id: Id }, { additionalProperties: false });

export const AuditRetentionBody = Type.Object(
  {
    days: Type.Integer({
      minimum: MIN_AUDIT_RETENTION_DAYS,
      maximum: MAX_AUDIT_RETENTION_DAYS,
      description: 'How many days audit entries are kept; older ones are deleted by the periodic purge',
    }),
  },
  { additionalProperties: false },
);

export const AUDIT_FORMATS = ['json', 'jsonl', 'csv'] as const;

export const AuditQuery = Type.Object(
  {
    // Digits only: the query string is not coerced, so "10" is checked here and parsed once.
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: 'Page size, 1-200 (default 50); JSON only' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The `next_cursor` of the previous page; JSON only' })),
    format: Type.Optional(
      Type.Unsafe<(typeof AUDIT_FORMATS)[number]>({
        type: 'string',
        enum: [...AUDIT_FORMATS],
        description: '`json` (default): one page. `jsonl` or `csv`: the whole trail, newest first, as a download',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Workspace = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    security_owner_id: Type.String({ description: 'The user id of the member whom alerts name as who to contact' }),
    created_at: Type.String({ description: 'ISO 8601 UTC' }),
  },
  { $id: 'Workspace' },
);

export const MyWorkspaceList = Type.Object({
  workspaces: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      role: Role,
      security_owner_id: Type.String(),
      created_at: Type.String(),
    }),
  ),
});

export const WorkspaceAnswer = Type.Object({ workspace: Workspace });

/**
 * A workspace as its members see it (GET /v1/admin/workspaces/:ws): who the security owner is by
 * address too, since a plain member cannot list the members to look the id up.
 */
export const WorkspaceDetail = Type.Object(
  {
    ...Workspace.properties,
    security_owner: Nullable(
      Type.Object(
        { id: Type.String(), email: Type.String(), name: Nullable(Type.String()) },
        { description: 'Null only if the account is gone' },
      ),
    ),
    audit_retention_days: Type.Integer({ description: 'How many days audit entries are kept (365 unless an owner changed it)' }),
  },
  { $id: 'WorkspaceDetail' },
);
export const WorkspaceAndRole = Type.Object({ workspace: WorkspaceDetail, role: Role });

export const Member = Type.Object(
  {
    user_id: Type.String(),
    email: Type.String(),
    name: Nullable(Type.String()),
    role: Role,
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
    joined_at: Type.String(),
    disabled_at: Nullable(Type.String()),
    active_sessions: Type.Integer(),
    last_active_at: Nullable(Type.String({ description: 'The latest activity of any active session; null without one' })),
    mfa_enabled: Type.Boolean(),
    trusted_devices: Type.Integer(),
    last_reviewed_at: Nullable(
      Type.String({
        description: 'When the member last confirmed reviewing their sessions (asked by any workspace or after an alert); null: never',
      }),
    ),
  },
  { $id: 'WorkspaceMember' },
);

export const MemberList = Type.Object({ members: Type.Array(Member) });

export const InvitationSent = Type.Object({
  id: Type.String(),
  expires_at: Type.String({ description: 'ISO 8601 UTC; the link itself only goes by mail' }),
});

export const OffboardResult = Type.Object({
  sessions_ended: Type.Integer(),
  devices_untrusted: Type.Integer(),
  keys_revoked: Type.Integer({ description: 'The workspace API keys the member made, revoked now' }),
  apps_removed: Type.Integer({ description: 'The member’s connected apps and device sign-ins, ended now (back-channel logout sent)' }),
  tokens_revoked: Type.Integer({ description: 'The member’s personal access tokens, revoked now' }),
  membership_disabled: Type.Boolean({ description: 'False when it was already disabled (a second run finishes what a first began)' }),
});

export const AuditEntry = Type.Object(
  {
    id: Type.String(),
    at: Type.String({ description: 'ISO 8601 UTC' }),
    actor_id: Type.String({ description: 'The user id of the member who acted' }),
    action: Type.Unsafe<AuditAction>({ type: 'string', enum: [...AUDIT_ACTIONS] }),
    target_kind: Type.Union([
      Type.Literal('workspace'),
      Type.Literal('member'),
      Type.Literal('invitation'),
      Type.Literal('session'),
      Type.Literal('incident'),
      Type.Literal('api_key'),
    ]),
    target_id: Type.String(),
    ip: Nullable(Type.String()),
    user_agent: Nullable(Type.String()),
    request_id: Nullable(Type.String()),
    details: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
  },
  { $id: 'AuditEntry' },
);

export const AuditPage = Type.Object({
  entries: Type.Array(AuditEntry),
  next_cursor: Nullable(Type.String({ description: 'Pass as ?cursor= for the next page; null on the last page' })),
});

export const ReviewRequestBody = Type.Object(
  {
    user_ids: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 1000,
        uniqueItems: true,
        description: 'Only these members; all active members when left out.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ReviewsAsked = Type.Object({
  asked: Type.Integer({ description: 'Members newly asked; one already asked by this workspace and not yet done is not asked twice.' }),
});

export const ReviewStatusList = Type.Object({
  members: Type.Array(
    Type.Object({
      user_id: Type.String(),
      email: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      requested_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
        description: 'The latest request this workspace made; null: never asked.',
      }),
      completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Null while that request is pending.' }),
      sign_outs: Type.Union([Type.Integer(), Type.Null()], { description: 'Sessions the member ended themselves before confirming.' }),
    }),
  ),
});

export type WorkspaceView = Static<typeof Workspace>;
export type MemberView = Static<typeof Member>;
export type AuditEntryView = Static<typeof AuditEntry>;
