/**
 * Persistence for workspaces: the workspace, its members and their roles, invitations by mail,
 * and the append-only audit log. Implemented by the Kysely store over SQLite and PostgreSQL;
 * both pass `src/core/testing/workspace-store.contract.ts`.
 */
import type {
  AuditEntry,
  AuditCursor,
  NewAuditEntry,
  MemberSummary,
  WorkspaceRecord,
  MembershipRecord,
  InvitationRecord,
} from '../workspaces.js';

export interface WorkspaceStore {
  /** The workspace and its first member (its owner and security owner), in one transaction. */
  insertWorkspace(workspace: WorkspaceRecord, owner: MembershipRecord): Promise<void>;
  findWorkspace(id: string): Promise<WorkspaceRecord | null>;
  /** Workspaces where the user has an active membership, oldest first, with their role. */
  listWorkspacesOf(userId: string): Promise<{ workspace: WorkspaceRecord; role: MembershipRecord['role'] }[]>;
  /** The membership, active or disabled; null when the user never joined. */
  findMembership(workspaceId: string, userId: string): Promise<MembershipRecord | null>;
  /**
   * Every membership of the workspace (disabled ones too), with what an admin reviews: the
   * member's active sessions (unrevoked, before absolute expiry at `now`), last activity, MFA
   * status and trusted devices. Ordered by email.
   */
  listMembers(workspaceId: string, now: number): Promise<MemberSummary[]>;
  setSecurityOwner(workspaceId: string, userId: string): Promise<void>;
  /** Sets the role of a membership. */
  setRole(workspaceId: string, userId: string, role: MembershipRecord['role']): Promise<void>;
  /** Disables an active membership; false when it was not active. */
  disableMembership(workspaceId: string, userId: string, now: number, by: string): Promise<boolean>;

  insertInvitation(invitation: InvitationRecord): Promise<void>;
  findInvitation(id: string): Promise<InvitationRecord | null>;
  /**
   * Spends the invitation and adds (or re-enables) the membership with its role, in one
   * transaction; false, and nothing changes, when it was used or expired at `now` (of two
   * racing uses, one wins). A membership that exists keeps the higher of its role and the
   * invited one.
   */
  acceptInvitation(id: string, userId: string, now: number): Promise<boolean>;

  /** The workspace's audit retention in days; null when there is no such workspace. */
  findAuditRetention(workspaceId: string): Promise<number | null>;
  setAuditRetention(workspaceId: string, days: number): Promise<void>;

  /** Appends one entry; the log has no update or delete path but the purge below. */
  appendAudit(entry: NewAuditEntry): Promise<void>;
  /** Newest first (by `seq`), strictly older than `after`. */
  listAudit(workspaceId: string, after: AuditCursor | null, limit: number): Promise<AuditEntry[]>;
  /**
   * Deletes up to `limit` entries that are older than their workspace's retention at `now`
   * (strictly: an entry exactly the retention old stays), in one transaction; returns how many.
   * Entries of a workspace that does not exist are kept. The only delete the database allows.
   */
  purgeExpiredAudit(now: number, limit: number): Promise<number>;
}
