/**
 * The WorkspaceStore port over Kysely (SQLite, PostgreSQL and MySQL). An invitation is spent and its
 * membership written in one transaction, by a conditional UPDATE (`… where used_at is null and
 * expires_at > now`), so of two racing uses one wins. The audit log is only ever inserted into,
 * but for the purge of entries past their workspace's retention (and the database refuses anything
 * else: migrations 0010 and 0017).
 */
import { sql, type Selectable } from 'kysely';
import type { WorkspaceStore } from '../../core/ports/workspace-store.js';
import { higherRole, type AuditEntry, type InvitationRecord, type MembershipRecord, type WorkspaceRecord } from '../../core/workspaces.js';
import type { AuditLogTable, Db, WorkspaceInvitationsTable, WorkspaceMembersTable, WorkspacesTable } from './database.js';
import { bigintType, databaseNowMs, deleteBatch, engineOf } from './engine.js';

export function kyselyWorkspaceStore(db: Db): WorkspaceStore {
  return {
    async insertWorkspace(workspace, owner) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('workspaces')
          .values({ id: workspace.id, name: workspace.name, security_owner_id: workspace.securityOwnerId, created_at: workspace.createdAt })
          .execute();
        await trx.insertInto('workspace_members').values(toMemberRow(owner)).execute();
      });
    },

    async findWorkspace(id) {
      const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toWorkspace(row) : null;
    },

    async listWorkspacesOf(userId) {
      const rows = await db
        .selectFrom('workspace_members as m')
        .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
        .selectAll('w')
        .select('m.role')
        .where('m.user_id', '=', userId)
        .where('m.status', '=', 'active')
        .orderBy('w.created_at')
        .orderBy('w.id')
        .execute();
      return rows.map((r) => ({ workspace: toWorkspace(r), role: r.role }));
    },

    async findMembership(workspaceId, userId) {
      const row = await db
        .selectFrom('workspace_members')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? toMembership(row) : null;
    },

    async listMembers(workspaceId, now) {
      const rows = await db
        .selectFrom('workspace_members as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .selectAll('m')
        .select(['u.email', 'u.name'])
        .select((eb) => {
          const live = eb
            .selectFrom('sessions as s')
            .whereRef('s.user_id', '=', 'm.user_id')
            .where('s.revoked_at', 'is', null)
            .where('s.expires_at', '>', now);
          return [
            live.select((e) => e.fn.countAll<number | string>().as('n')).as('active_sessions'),
            live.select((e) => e.fn.max('s.last_active_at').as('t')).as('last_active_at'),
            eb
              .selectFrom('mfa_totp as t')
              .whereRef('t.user_id', '=', 'm.user_id')
              .where('t.enabled_at', 'is not', null)
              .select((e) => e.fn.countAll<number | string>().as('n'))
              .as('mfa'),
            eb
              .selectFrom('devices as d')
              .whereRef('d.user_id', '=', 'm.user_id')
              .where('d.trusted_until', '>', now)
              .select((e) => e.fn.countAll<number | string>().as('n'))
              .as('trusted_devices'),
            eb
              .selectFrom('session_reviews as r')
              .whereRef('r.user_id', '=', 'm.user_id')
              .select((e) => e.fn.max('r.completed_at').as('t'))
              .as('last_reviewed_at'),
          ];
        })
        .where('m.workspace_id', '=', workspaceId)
        .orderBy('u.email_key')
        .execute();
      return rows.map((r) => ({
        membership: toMembership(r),
        user: { id: r.user_id, email: r.email, name: r.name },
        activeSessions: Number(r.active_sessions ?? 0),
        lastActiveAt: r.last_active_at === null || r.last_active_at === undefined ? null : Number(r.last_active_at),
        mfaEnabled: Number(r.mfa ?? 0) > 0,
        trustedDevices: Number(r.trusted_devices ?? 0),
        lastReviewedAt: r.last_reviewed_at === null || r.last_reviewed_at === undefined ? null : Number(r.last_reviewed_at),
      }));
    },

    async setSecurityOwner(workspaceId, userId) {
      await db.updateTable('workspaces').set({ security_owner_id: userId }).where('id', '=', workspaceId).execute();
    },

    async setRole(workspaceId, userId, role) {
      await db
        .updateTable('workspace_members')
        .set({ role })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
    },

    async disableMembership(workspaceId, userId, now, by) {
      const result = await db
        .updateTable('workspace_members')
        .set({ status: 'disabled', disabled_at: now, disabled_by: by })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async insertInvitation(invitation) {
      await db.insertInto('workspace_invitations').values(toInvitationRow(invitation)).execute();
    },

    async findInvitation(id) {
      const row = await db.selectFrom('workspace_invitations').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toInvitation(row) : null;
    },

    async acceptInvitation(id, userId, now) {
      return db.transaction().execute(async (trx) => {
        const spent = await trx
          .updateTable('workspace_invitations')
          .set({ used_at: now })
          .where('id', '=', id)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .executeTakeFirst();
        if (Number(spent.numUpdatedRows) === 0) return false;
        const invitation = await trx
          .selectFrom('workspace_invitations')
          .select(['workspace_id', 'role'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const existing = await trx
          .selectFrom('workspace_members')
          .select('role')
          .where('workspace_id', '=', invitation.workspace_id)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        const role = existing ? higherRole(existing.role, invitation.role) : invitation.role;
        await trx
          .insertInto('workspace_members')
          .values({
            workspace_id: invitation.workspace_id,
            user_id: userId,
            role,
            status: 'active',
            joined_at: now,
            disabled_at: null,
            disabled_by: null,
          })
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role, status: 'active', disabled_at: null, disabled_by: null }),
          )
          .execute();
        return true;
      });
    },

    async appendAudit(entry) {
      await db
        .insertInto('audit_log')
        .values({
          id: entry.id,
          workspace_id: entry.workspaceId,
          at: entry.at,
          actor_id: entry.actorId,
          action: entry.action,
          target_kind: entry.targetKind,
          target_id: entry.targetId,
          ip: entry.ip,
          user_agent: entry.userAgent,
          request_id: entry.requestId,
          details: JSON.stringify(entry.details),
        })
        .execute();
    },

    async findAuditRetention(workspaceId) {
      const row = await db.selectFrom('workspaces').select('audit_retention_days').where('id', '=', workspaceId).executeTakeFirst();
      return row ? Number(row.audit_retention_days) : null;
    },

    async setAuditRetention(workspaceId, days) {
      await db.updateTable('workspaces').set({ audit_retention_days: days }).where('id', '=', workspaceId).execute();
    },

    async purgeExpiredAudit(now, limit) {
      const engine = engineOf(db);
      const postgres = engine === 'postgres';
      // The trigger judges each row's age by the database's clock: ask for no row it would refuse
      // (an application clock a little ahead must not fail the whole batch), as well as by `now`.
      const databaseNow = databaseNowMs(engine);
      const retention = sql`cast(w.audit_retention_days as ${bigintType(engine)}) * ${sql.lit(DAY_MS)}`;
      return db.transaction().execute(async (trx) => {
        // The permit the trigger asks for, seen by this transaction only (migration 0017).
        if (postgres) await sql`select set_config('sessiond.audit_purge', 'on', true)`.execute(trx);
        else
          await trx
            .insertInto('audit_purge_permit')
            .values({ id: 1 })
            .onConflict((oc) => oc.doNothing())
            .execute();
        // A bounded batch (DELETE … LIMIT is not portable): never one huge delete holding locks.
        const batch = trx
          .selectFrom('audit_log as a')
          .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
          .select('a.seq')
          .where(sql<boolean>`a.at < cast(${now} as ${bigintType(engine)}) - ${retention}`)
          .where(sql<boolean>`a.at < ${databaseNow} - ${retention}`)
          .limit(limit);
        const deleted = await deleteBatch(trx, 'audit_log', 'seq', batch);
        if (!postgres) await trx.deleteFrom('audit_purge_permit').execute();
        return deleted;
      });
    },

    async listAudit(workspaceId, after, limit) {
      let query = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
      if (after) query = query.where('seq', '<', after.seq);
      const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(toAuditEntry);
    },
  };
}

const DAY_MS = 86_400_000;

function toWorkspace(r: Selectable<WorkspacesTable>): WorkspaceRecord {
  return { id: r.id, name: r.name, securityOwnerId: r.security_owner_id, createdAt: Number(r.created_at) };
}

function toMemberRow(m: MembershipRecord): WorkspaceMembersTable {
  return {
    workspace_id: m.workspaceId,
    user_id: m.userId,
    role: m.role,
    status: m.status,
    joined_at: m.joinedAt,
    disabled_at: m.disabledAt,
    disabled_by: m.disabledBy,
  };
}

function toMembership(r: Selectable<WorkspaceMembersTable>): MembershipRecord {
  return {
    workspaceId: r.workspace_id,
    userId: r.user_id,
    role: r.role,
    status: r.status,
    joinedAt: Number(r.joined_at),
    disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
    disabledBy: r.disabled_by,
  };
}

function toInvitationRow(i: InvitationRecord): WorkspaceInvitationsTable {
  return {
    id: i.id,
    workspace_id: i.workspaceId,
    email: i.email,
    email_key: i.emailKey,
    role: i.role,
    secret_hash: i.secretHash,
    invited_by: i.invitedBy,
    created_at: i.createdAt,
    expires_at: i.expiresAt,
    used_at: i.usedAt,
  };
}

function toInvitation(r: Selectable<WorkspaceInvitationsTable>): InvitationRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    email: r.email,
    emailKey: r.email_key,
    role: r.role,
    secretHash: r.secret_hash,
    invitedBy: r.invited_by,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    usedAt: r.used_at === null ? null : Number(r.used_at),
  };
}

function toAuditEntry(r: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(r.seq),
    id: r.id,
    workspaceId: r.workspace_id,
    at: Number(r.at),
    actorId: r.actor_id,
    action: r.action,
    targetKind: r.target_kind,
    targetId: r.target_id,
    ip: r.ip,
    userAgent: r.user_agent,
    requestId: r.request_id,
    details: JSON.parse(r.details) as AuditEntry['details'],
  };
}
