/**
 * Workspaces: the team's half. A workspace has members with roles (`owner`, `security_admin`,
 * `member`) and names one security owner. Who may do what is decided here, in `authorize`, and
 * nowhere else; every admin action goes through it and then through the same use cases the
 * members use themselves (Revocation, Mfa), with an `admin` actor, so the member's timeline says
 * an admin ended their session. Every admin action is written to the workspace's append-only
 * audit log before it answers: unlike the timeline (a best-effort record), the audit trail is
 * part of the action, and an action whose audit entry cannot be written fails.
 *
 * Someone who is not an active member of a workspace learns nothing about it: every route
 * answers 404 `not_found`, whether the workspace exists or not. A member without the right
 * gets 403 `forbidden`.
 */
import { issueLinkToken, redeemLinkToken } from './action-tokens.js';
import { keyMayTake, type ApiKeyIdentity } from './api-keys.js';
import type { ApiKeyStore } from './ports/api-key-store.js';
import type { Background } from './background.js';
import { SessiondError } from './errors.js';
import { workspaceInvitationMail } from './mail-templates.js';
import type { Mfa } from './mfa.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { Mailer } from './ports/mailer.js';
import type { UserStore } from './ports/store.js';
import type { WorkspaceStore } from './ports/workspace-store.js';
import type { Devices, DeviceReplaced } from './devices.js';
import type { ReviewStore } from './ports/review-store.js';
import type { Reviews } from './reviews.js';
import type { Revocation } from './revocation.js';
import { actorIp, type Actor } from './security-events.js';
import type { DomainEvent } from './events.js';
import type { LinkSettings } from './security-signals.js';
import type { SessionRecord } from './session.js';
import type { Sessions } from './sessions.js';
import { newId } from './token.js';
import { emailKey, isPlausibleEmail, type UserProfile } from './user.js';

export type WorkspaceRole = 'owner' | 'security_admin' | 'member';
export const WORKSPACE_ROLES: readonly WorkspaceRole[] = ['owner', 'security_admin', 'member'];

/** Higher ranks hold every right of the lower ones. */
const RANK: Record<WorkspaceRole, number> = { member: 0, security_admin: 1, owner: 2 };

export function higherRole(a: WorkspaceRole, b: WorkspaceRole): WorkspaceRole {
  return RANK[a] >= RANK[b] ? a : b;
}

/** What someone may ask of a workspace. */
export type WorkspaceAction =
  /** Read the workspace itself: its name, security owner and one's own role. */
  | 'view_workspace'
  | 'view_members'
  | 'invite_members'
  /** Invite as owner or security admin, name the security owner. */
  | 'assign_admin_roles'
  | 'manage_sessions'
  | 'offboard_members'
  | 'view_audit'
  /** Search the members' sessions, and end those that match an incident (core/incidents.ts). */
  | 'respond_to_incidents'
  /** Set how many sessions an incident may end before a second admin must approve. */
  | 'set_incident_threshold'
  /** Approve an incident operation waiting for a second admin: a person's decision, never an API key's. */
  | 'approve_incidents'
  /** Create, list and revoke the workspace's API keys (core/api-keys.ts). */
  | 'manage_api_keys'
  /** Set how many days the workspace's audit entries are kept. */
  | 'set_audit_retention'
  /** Set the workspace's session policy (core/policies.ts). */
  | 'set_session_policy'
  /** Read the workspace's security overview (core/overview.ts). */
  | 'view_overview';

/** The one authorisation table: the lowest role that may take each action. */
const LOWEST_ROLE: Record<WorkspaceAction, WorkspaceRole> = {
  view_workspace: 'member',
  view_members: 'security_admin',
  invite_members: 'security_admin',
  assign_admin_roles: 'owner',
  manage_sessions: 'security_admin',
  offboard_members: 'security_admin',
  view_audit: 'security_admin',
  respond_to_incidents: 'security_admin',
  set_incident_threshold: 'owner',
  approve_incidents: 'security_admin',
  manage_api_keys: 'owner',
  set_audit_retention: 'owner',
  set_session_policy: 'security_admin',
  view_overview: 'security_admin',
};

export function mayTake(role: WorkspaceRole, action: WorkspaceAction): boolean {
  return RANK[role] >= RANK[LOWEST_ROLE[action]];
}

export interface WorkspaceRecord {
  id: string;
  name: string;
  /** The one person members' alerts name as who to contact; an active owner or security admin. */
  securityOwnerId: string;
  createdAt: number;
}

export interface MembershipRecord {
  workspaceId: string;
  userId: string;
  role: WorkspaceRole;
  status: 'active' | 'disabled';
  joinedAt: number;
  disabledAt: number | null;
  /** The user id of whoever disabled it (offboarding). */
  disabledBy: string | null;
}

export interface InvitationRecord {
  id: string;
  workspaceId: string;
  email: string;
  emailKey: string;
  role: WorkspaceRole;
  secretHash: string;
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** A row of the admin's member list. */
export interface MemberSummary {
  membership: MembershipRecord;
  user: Pick<UserProfile, 'id' | 'email' | 'name'>;
  activeSessions: number;
  /** The latest stored activity of any active session; null without one. */
  lastActiveAt: number | null;
  mfaEnabled: boolean;
  trustedDevices: number;
  /** When the member last confirmed "I have reviewed my sessions" (asked by any workspace, or after a reset or an alert); null: never. */
  lastReviewedAt: number | null;
}

/** Who acted, as the entry point saw them (recorded with every audit entry). */
export interface WorkspaceCaller {
  userId: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** Set when an API key acts (for its creator, `userId`): authorize also asks its scopes and workspace. */
  key?: ApiKeyIdentity | undefined;
}

export type AuditAction =
  | 'workspace.created'
  | 'security_owner.changed'
  | 'member.invited'
  | 'member.joined'
  | 'member.offboarded'
  | 'session.revoked'
  | 'sessions.revoked'
  | 'review.requested'
  | 'member.role_changed'
  | 'incident.requested'
  | 'incident.approved'
  | 'incident.refused'
  | 'incident.started'
  | 'incident.progress'
  | 'incident.finished'
  | 'incident.threshold_changed'
  | 'device.replaced'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'audit.retention_changed'
  | 'policy.changed'
  // A member's own credentials past the session list (issue 11), in each workspace they belong to.
  | 'credential.app_connected'
  | 'credential.app_removed'
  | 'credential.device_sign_in_approved'
  | 'credential.relying_party_signed_out'
  | 'credential.token_created'
  | 'credential.token_revoked';

export interface AuditEntry {
  /** The log's own order, assigned by the store as entries are appended: the cursor pages by it. */
  seq: number;
  id: string;
  workspaceId: string;
  at: number;
  actorId: string;
  action: AuditAction;
  targetKind: 'workspace' | 'member' | 'invitation' | 'session' | 'incident' | 'api_key';
  targetId: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** What else a reader needs: counts, the invited address and role. Never a secret. */
  details: Record<string, string | number | boolean | null>;
}

/** What an audit entry is before the store appends it (and gives it its place in the order). */
export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

/** Where a page of the audit trail starts: strictly before this entry. */
export interface AuditCursor {
  seq: number;
}

export interface WorkspaceDeps {
  store: WorkspaceStore;
  users: Pick<UserStore, 'findUserById'>;
  sessions: Pick<Sessions, 'listUserSessions' | 'announce'>;
  revocation: Pick<Revocation, 'endSession' | 'endMatching'>;
  mfa: Pick<Mfa, 'trustedDeviceIds' | 'untrustDevice'>;
  reviews: Pick<Reviews, 'request'>;
  devices: Pick<Devices, 'replace'>;
  reviewStore: Pick<ReviewStore, 'latestWorkspaceReviews'>;
  /** Offboarding revokes the keys the member made. */
  apiKeys: Pick<ApiKeyStore, 'revokeApiKeysOf'>;
  /**
   * Offboarding also ends what acts for the member past the session list (issue 11): their
   * connected apps and device sign-ins, and their personal access tokens. Absent: nothing to end.
   */
  credentials?: { endAll(userId: string, actor: Actor): Promise<{ appsRemoved: number; tokensRevoked: number }> };
  clock: Clock;
  crypto: Crypto;
  mailer: Mailer;
  background: Background;
  links: LinkSettings;
  /** How long an invitation link works. */
  invitationTtlMs: number;
}

export const MAX_WORKSPACE_NAME = 100;
/**
 * How long audit entries are kept unless an owner says otherwise, and the range an owner may set.
 * At least 30 days, so a change is itself on record for a month (an owner cannot quietly wipe
 * yesterday's trail); a year by default, what many compliance regimes ask for (PCI DSS 10.5.1 wants
 * twelve months); ten years at most. Migration 0017 has the same default.
 */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;
export const MIN_AUDIT_RETENTION_DAYS = 30;
export const MAX_AUDIT_RETENTION_DAYS = 3650;
export const DEFAULT_INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface Authorized {
  workspace: WorkspaceRecord;
  membership: MembershipRecord;
}

export interface OffboardResult {
  sessionsEnded: number;
  devicesUntrusted: number;
  /** The member's workspace API keys revoked now. */
  keysRevoked: number;
  /** The member's connected apps and device sign-ins ended now. */
  appsRemoved: number;
  /** The member's personal access tokens revoked now. */
  tokensRevoked: number;
  /** False when the membership was already disabled (a second run finishes what the first began). */
  membershipDisabled: boolean;
}

export class Workspaces {
  readonly #deps: WorkspaceDeps;

  constructor(deps: WorkspaceDeps) {
    this.#deps = deps;
  }

  /**
   * The caller's workspace and membership when they may take `action`. Throws `not_found` when
   * the caller is not an active member (or there is no such workspace: the same answer), and
   * `forbidden` when their role does not allow the action. An API key acts for its creator with
   * at most their rights: in its own workspace only (elsewhere `not_found`, as for an outsider),
   * and only for actions its scopes name (`forbidden` otherwise).
   */
  async authorize(caller: Pick<WorkspaceCaller, 'userId' | 'key'>, workspaceId: string, action: WorkspaceAction): Promise<Authorized> {
    const { store } = this.#deps;
    const { key } = caller;
    const membership = key && key.workspaceId !== workspaceId ? null : await store.findMembership(workspaceId, caller.userId);
    const workspace = membership?.status === 'active' ? await store.findWorkspace(workspaceId) : null;
    if (!membership || !workspace) throw new SessiondError('not_found', 'No such workspace.');
    if (!mayTake(membership.role, action)) throw new SessiondError('forbidden', 'Your role in this workspace does not allow this.');
    if (key && !keyMayTake(key.scopes, action)) throw new SessiondError('forbidden', 'This API key’s scopes do not allow this.');
    return { workspace, membership };
  }

  /** A new workspace; its creator is its owner and security owner. */
  async create(caller: WorkspaceCaller, name: string): Promise<WorkspaceRecord> {
    const { store, clock, crypto } = this.#deps;
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_WORKSPACE_NAME)
      throw new SessiondError('invalid_request', `A workspace name has 1 to ${MAX_WORKSPACE_NAME} characters.`);
    const at = clock.now();
    const workspace: WorkspaceRecord = { id: newId(crypto), name: trimmed, securityOwnerId: caller.userId, createdAt: at };
    await store.insertWorkspace(workspace, {
      workspaceId: workspace.id,
      userId: caller.userId,
      role: 'owner',
      status: 'active',
      joinedAt: at,
      disabledAt: null,
      disabledBy: null,
    });
    await this.#audit(caller, workspace.id, 'workspace.created', 'workspace', workspace.id, { name: trimmed });
    return workspace;
  }

  /**
   * A recorder sink: a member's credential changes (an app connected, a device sign-in approved, a
   * token made, each one ended) go to the audit trail of every workspace they are an active member
   * of, so its security owners see what can act for their members. The actor is the member (or the
   * admin who ended it).
   */
  readonly onEvent = async (event: DomainEvent): Promise<void> => {
    if (event.type !== 'credential_changed') return;
    const { store } = this.#deps;
    // Active memberships only: the removals an offboarding makes are counted by its own entry.
    const workspaces = await store.listWorkspacesOf(event.userId);
    const actorId = (event.actor.kind === 'admin' ? event.actor.adminId : null) ?? event.userId;
    const ip = event.place?.ip ?? actorIp(event.actor);
    for (const { workspace } of workspaces) {
      const entry = newAuditEntry(this.#deps, null, actorId, workspace.id, `credential.${event.change}`, 'member', event.userId, {
        name: event.name,
        country: event.place?.location.country ?? null,
      });
      await store.appendAudit({ ...entry, ip });
    }
  };

  /** The workspaces the user is an active member of, with their role. */
  async listMine(userId: string): Promise<{ workspace: WorkspaceRecord; role: WorkspaceRole }[]> {
    return this.#deps.store.listWorkspacesOf(userId);
  }

  async members(caller: WorkspaceCaller, workspaceId: string): Promise<MemberSummary[]> {
    await this.authorize(caller, workspaceId, 'view_members');
    return this.#deps.store.listMembers(workspaceId, this.#deps.clock.now());
  }

  /**
   * Mails a single-use, expiring link that adds its holder to the workspace with `role`, once
   * they are signed in as the invited address. Inviting as owner or security admin needs an
   * owner. Returns when the invitation expires; the link itself only goes by mail.
   */
  async invite(
    caller: WorkspaceCaller,
    workspaceId: string,
    email: string,
    role: WorkspaceRole,
  ): Promise<{ id: string; expiresAt: number }> {
    const { workspace } = await this.authorize(caller, workspaceId, 'invite_members');
    if (role !== 'member') await this.authorize(caller, workspaceId, 'assign_admin_roles');
    if (!isPlausibleEmail(email)) throw new SessiondError('invalid_request', 'The email address is not valid.');
    const { store, invitationTtlMs, mailer, background, links } = this.#deps;
    const address = email.trim();
    const { id, token, expiresAt } = await issueLinkToken(this.#deps, invitationTtlMs, (record) =>
      store.insertInvitation({ ...record, workspaceId, email: address, emailKey: emailKey(address), role, invitedBy: caller.userId }),
    );
    await this.#audit(caller, workspaceId, 'member.invited', 'invitation', id, { email: address, role });
    const inviter = await this.#deps.users.findUserById(caller.userId);
    background.run('workspace invitation', async () => {
      const content = workspaceInvitationMail({
        product: links.productName,
        workspace: workspace.name,
        inviter: inviter?.email ?? 'An administrator',
        role,
        joinUrl: `${links.publicUrl}/workspaces/join?token=${encodeURIComponent(token)}`,
        expiresInDays: Math.max(1, Math.round(invitationTtlMs / 86_400_000)),
      });
      await mailer.send({ to: address, ...content });
    });
    return { id, expiresAt };
  }

  /**
   * The signed-in user accepts an invitation. The link works once, before it expires, and only
   * for the account with the invited address (a forwarded link is worth nothing to anyone
   * else). Throws `invalid_token` otherwise, the same for every reason.
   */
  async accept(caller: WorkspaceCaller & { email: string }, token: string): Promise<WorkspaceRecord> {
    const { store } = this.#deps;
    const invitation = await redeemLinkToken(
      this.#deps,
      token,
      async (id) => {
        const found = await store.findInvitation(id);
        return found && found.emailKey === emailKey(caller.email) ? found : null;
      },
      (id, now) => store.acceptInvitation(id, caller.userId, now),
    );
    const workspace = invitation && (await store.findWorkspace(invitation.workspaceId));
    if (!invitation || !workspace) throw new SessiondError('invalid_token');
    await this.#audit(caller, workspace.id, 'member.joined', 'member', caller.userId, { role: invitation.role, invitation: invitation.id });
    // The workspace's session policy now applies to the new member: every node reads their policies again.
    await this.#deps.sessions.announce({ kind: 'user', userId: caller.userId });
    // Onboarding starts with a review of the sessions the new member already has.
    await this.#deps.reviews.request(caller.userId, 'onboarding', { workspaceId: workspace.id });
    return workspace;
  }

  /** Names the workspace's security owner: an active owner or security admin. Owners only. */
  async setSecurityOwner(caller: WorkspaceCaller, workspaceId: string, userId: string): Promise<void> {
    await this.authorize(caller, workspaceId, 'assign_admin_roles');
    const target = await this.#deps.store.findMembership(workspaceId, userId);
    if (!target || target.status !== 'active') throw new SessiondError('not_found', 'No such member.');
    if (!mayTake(target.role, 'manage_sessions'))
      throw new SessiondError('invalid_request', 'The security owner must be an owner or a security admin.');
    await this.#deps.store.setSecurityOwner(workspaceId, userId);
    await this.#audit(caller, workspaceId, 'security_owner.changed', 'member', userId, {});
  }

  /**
   * Changes an active member's role. Owners only. Takes effect on the member's very next request
   * (authorisation reads the membership each time; ASVS 5.0 8.3.2). The workspace keeps at least
   * one active owner, and its security owner stays an owner or security admin (name another
   * first).
   */
  async changeRole(caller: WorkspaceCaller, workspaceId: string, userId: string, role: WorkspaceRole): Promise<void> {
    const { workspace } = await this.authorize(caller, workspaceId, 'assign_admin_roles');
    const { store, clock } = this.#deps;
    const target = await store.findMembership(workspaceId, userId);
    if (!target || target.status !== 'active') throw new SessiondError('not_found', 'No such member.');
    if (target.role === role) return;
    if (userId === workspace.securityOwnerId && !mayTake(role, 'manage_sessions'))
      throw new SessiondError('invalid_request', 'Name another security owner before making this member a plain member.');
    if (target.role === 'owner') {
      const owners = (await store.listMembers(workspaceId, clock.now())).filter(
        (m) => m.membership.status === 'active' && m.membership.role === 'owner',
      );
      if (owners.length <= 1) throw new SessiondError('invalid_request', 'A workspace keeps at least one owner.');
    }
    await store.setRole(workspaceId, userId, role);
    await this.#audit(caller, workspaceId, 'member.role_changed', 'member', userId, { from: target.role, to: role });
  }

  /** One member's active sessions, as the member sees them (no current session is marked). */
  async memberSessions(caller: WorkspaceCaller, workspaceId: string, memberId: string): Promise<SessionRecord[]> {
    await this.authorize(caller, workspaceId, 'view_members');
    await this.#member(workspaceId, memberId);
    return this.#deps.sessions.listUserSessions(memberId, null);
  }

  /** Ends one session of a member (reason `admin`). Throws `not_found` when it is not an active session of theirs. */
  async endMemberSession(caller: WorkspaceCaller, workspaceId: string, memberId: string, sessionId: string): Promise<void> {
    await this.authorize(caller, workspaceId, 'manage_sessions');
    await this.#member(workspaceId, memberId);
    const ended = await this.#deps.revocation.endSession(memberId, sessionId, adminActor(caller), 'admin');
    if (!ended) throw new SessiondError('not_found', 'No such session.');
    await this.#audit(caller, workspaceId, 'session.revoked', 'session', sessionId, { member: memberId });
  }

  /**
   * Device replacement for a member: ends every session of theirs on the device `sessionId` ran
   * on and untrusts it (reason `admin`). Throws `not_found` when it is not a session of theirs.
   */
  async replaceMemberDevice(caller: WorkspaceCaller, workspaceId: string, memberId: string, sessionId: string): Promise<DeviceReplaced> {
    await this.authorize(caller, workspaceId, 'manage_sessions');
    await this.#member(workspaceId, memberId);
    const replaced = await this.#deps.devices.replace(memberId, sessionId, adminActor(caller), 'admin');
    if (!replaced) throw new SessiondError('not_found', 'No such session.');
    await this.#audit(caller, workspaceId, 'device.replaced', 'session', sessionId, {
      member: memberId,
      revoked: replaced.revoked,
      untrusted: replaced.untrusted,
    });
    return replaced;
  }

  /** Ends every session of a member (reason `admin`); returns how many. */
  async endMemberSessions(caller: WorkspaceCaller, workspaceId: string, memberId: string): Promise<number> {
    await this.authorize(caller, workspaceId, 'manage_sessions');
    await this.#member(workspaceId, memberId);
    const count = await this.#deps.revocation.endMatching({ userId: memberId }, adminActor(caller), 'admin');
    await this.#audit(caller, workspaceId, 'sessions.revoked', 'member', memberId, { count });
    return count;
  }

  /**
   * Offboarding, one step: disables the membership, ends every session of the member, takes
   * trust from every device of theirs (their next sign-in anywhere asks for the second factor)
   * and revokes the workspace API keys they made, recorded with who did it. Safe to run again:
   * a second run finishes whatever a first one that failed halfway left. The security owner
   * cannot be offboarded until someone else is named, nor can the caller offboard themself; only
   * an owner may offboard an owner.
   */
  async offboard(caller: WorkspaceCaller, workspaceId: string, memberId: string): Promise<OffboardResult> {
    const { workspace, membership } = await this.authorize(caller, workspaceId, 'offboard_members');
    const target = await this.#member(workspaceId, memberId);
    if (memberId === caller.userId) throw new SessiondError('forbidden', 'You cannot offboard yourself.');
    if (memberId === workspace.securityOwnerId)
      throw new SessiondError('forbidden', 'Name another security owner before offboarding this member.');
    if (target.role === 'owner' && membership.role !== 'owner')
      throw new SessiondError('forbidden', 'Only an owner can offboard an owner.');
    const { store, clock, revocation, mfa } = this.#deps;
    const actor = adminActor(caller);
    const membershipDisabled = await store.disableMembership(workspaceId, memberId, clock.now(), caller.userId);
    const sessionsEnded = await revocation.endMatching({ userId: memberId }, actor, 'admin');
    const devices = [...(await mfa.trustedDeviceIds(memberId))];
    for (const deviceId of devices) await mfa.untrustDevice(memberId, deviceId, actor);
    const keysRevoked = await this.#deps.apiKeys.revokeApiKeysOf(workspaceId, memberId, clock.now(), caller.userId);
    const { appsRemoved, tokensRevoked } = (await this.#deps.credentials?.endAll(memberId, actor)) ?? { appsRemoved: 0, tokensRevoked: 0 };
    const result = { sessionsEnded, devicesUntrusted: devices.length, keysRevoked, appsRemoved, tokensRevoked, membershipDisabled };
    await this.#audit(caller, workspaceId, 'member.offboarded', 'member', memberId, { ...result });
    return result;
  }

  /**
   * Asks active members to review their sessions: all of them, or those named. Members already
   * asked by this workspace and not yet done are not asked twice. Returns how many were asked.
   */
  async requestReview(
    caller: WorkspaceCaller,
    workspaceId: string,
    memberIds: readonly string[] | null = null,
  ): Promise<{ asked: number }> {
    await this.authorize(caller, workspaceId, 'manage_sessions');
    const { store, clock, reviews } = this.#deps;
    const active = (await store.listMembers(workspaceId, clock.now())).filter((m) => m.membership.status === 'active');
    const ids = new Set(active.map((m) => m.user.id));
    if (memberIds) for (const id of memberIds) if (!ids.has(id)) throw new SessiondError('not_found', 'No such member.');
    const targets = memberIds ? [...new Set(memberIds)] : [...ids];
    let asked = 0;
    for (const userId of targets)
      if (await reviews.request(userId, 'workspace_request', { workspaceId, requestedBy: caller.userId })) asked++;
    await this.#audit(caller, workspaceId, 'review.requested', 'workspace', workspaceId, { asked, named: memberIds?.length ?? null });
    return { asked };
  }

  /** Who has and has not reviewed: each active member with their latest review this workspace asked for (null: never asked). */
  async reviewStatus(
    caller: WorkspaceCaller,
    workspaceId: string,
  ): Promise<{ user: MemberSummary['user']; requestedAt: number | null; completedAt: number | null; signOuts: number | null }[]> {
    await this.authorize(caller, workspaceId, 'view_members');
    const { store, clock, reviewStore } = this.#deps;
    const latest = new Map((await reviewStore.latestWorkspaceReviews(workspaceId)).map((r) => [r.userId, r]));
    return (await store.listMembers(workspaceId, clock.now()))
      .filter((m) => m.membership.status === 'active')
      .map((m) => {
        const r = latest.get(m.user.id);
        return { user: m.user, requestedAt: r?.requestedAt ?? null, completedAt: r?.completedAt ?? null, signOuts: r?.signOuts ?? null };
      });
  }

  /** The workspace's audit trail, newest first, one page. */
  async audit(caller: WorkspaceCaller, workspaceId: string, after: AuditCursor | null, limit: number): Promise<AuditEntry[]> {
    await this.authorize(caller, workspaceId, 'view_audit');
    return this.#deps.store.listAudit(workspaceId, after, limit);
  }

  /** How many days the workspace keeps its audit entries (any active member may know). */
  async auditRetention(caller: Pick<WorkspaceCaller, 'userId'>, workspaceId: string): Promise<number> {
    await this.authorize(caller, workspaceId, 'view_workspace');
    return (await this.#deps.store.findAuditRetention(workspaceId)) ?? DEFAULT_AUDIT_RETENTION_DAYS;
  }

  /**
   * Sets how many days the workspace keeps its audit entries (owners only), from
   * MIN_AUDIT_RETENTION_DAYS to MAX_AUDIT_RETENTION_DAYS; the change is audited. A shorter
   * retention takes effect at the next purge.
   */
  async setAuditRetention(caller: WorkspaceCaller, workspaceId: string, days: number): Promise<void> {
    await this.authorize(caller, workspaceId, 'set_audit_retention');
    if (!Number.isSafeInteger(days) || days < MIN_AUDIT_RETENTION_DAYS || days > MAX_AUDIT_RETENTION_DAYS)
      throw new SessiondError(
        'invalid_request',
        `The audit retention is a whole number of days from ${MIN_AUDIT_RETENTION_DAYS} to ${MAX_AUDIT_RETENTION_DAYS}.`,
      );
    const { store } = this.#deps;
    const previous = (await store.findAuditRetention(workspaceId)) ?? DEFAULT_AUDIT_RETENTION_DAYS;
    if (previous === days) return;
    await store.setAuditRetention(workspaceId, days);
    await this.#audit(caller, workspaceId, 'audit.retention_changed', 'workspace', workspaceId, { previous, days });
  }

  /**
   * The one way entries leave the audit log: deletes those older than their workspace's
   * retention, `batch` at a time, until none are left; returns how many. Run by `serve` every few
   * minutes and by `sessiond audit purge`; the database refuses any other delete (migration 0017).
   */
  async purgeExpiredAudit(batch = 1_000): Promise<number> {
    const now = this.#deps.clock.now();
    let total = 0;
    for (;;) {
      const n = await this.#deps.store.purgeExpiredAudit(now, batch);
      total += n;
      if (n < batch) return total;
    }
  }

  /** The target's membership (active or disabled); `not_found` when they never joined this workspace. */
  async #member(workspaceId: string, userId: string): Promise<MembershipRecord> {
    const found = await this.#deps.store.findMembership(workspaceId, userId);
    if (!found) throw new SessiondError('not_found', 'No such member.');
    return found;
  }

  async #audit(
    caller: WorkspaceCaller,
    workspaceId: string,
    action: AuditAction,
    targetKind: AuditEntry['targetKind'],
    targetId: string,
    details: AuditEntry['details'],
  ): Promise<void> {
    await this.#deps.store.appendAudit(
      newAuditEntry(this.#deps, caller, caller.userId, workspaceId, action, targetKind, targetId, details),
    );
  }
}

/**
 * An audit entry, the one way every use case makes one: a new id, the time, who acted and on
 * what. `actorId` is the caller's user, or whoever asked for a step that runs later with no
 * request (`caller` null: no address, user agent or request id). An API key's action names the
 * key (never its secret); its actor is the key's creator.
 */
export function newAuditEntry(
  deps: { clock: Clock; crypto: Crypto },
  caller: WorkspaceCaller | null,
  actorId: string,
  workspaceId: string,
  action: AuditAction,
  targetKind: AuditEntry['targetKind'],
  targetId: string,
  details: AuditEntry['details'],
): NewAuditEntry {
  return {
    id: newId(deps.crypto),
    workspaceId,
    at: deps.clock.now(),
    actorId,
    action,
    targetKind,
    targetId,
    ip: caller?.ip ?? null,
    userAgent: caller?.userAgent ?? null,
    requestId: caller?.requestId ?? null,
    details: caller?.key ? { ...details, key: caller.key.id } : details,
  };
}

/** An admin acting from a request: what the member's timeline shows as the actor. */
export function adminActor(caller: WorkspaceCaller): Actor {
  return { kind: 'admin', adminId: caller.userId, ip: caller.ip };
}
