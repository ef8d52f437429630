/**
 * The IncidentStore port over Kysely (SQLite and PostgreSQL). The session search is one indexed
 * walk of `sessions` by primary key, restricted to the workspace's active members, with every
 * condition of the filter but the IP ranges (core applies those: CIDR is not portable SQL). A
 * decision is a conditional UPDATE (`… where status = 'pending_approval'`), so of two racing
 * decisions one wins. Progress is written by the session store, in each batch's transaction.
 */
import { sql, type Selectable } from 'kysely';
import type { IncidentRecord } from '../../core/incidents.js';
import type { IncidentStore } from '../../core/ports/incident-store.js';
import type { SessionFilter } from '../../core/session-filter.js';
import { MULTI_FACTOR_METHODS } from '../../core/session.js';
import type { NewAuditEntry } from '../../core/workspaces.js';
import type { Db, IncidentOperationsTable } from './database.js';
import { fromSessionRow } from './kysely-store.js';

/** An empty list matches nothing (`in ()` is not SQL). */
const NOTHING = sql<boolean>`1 = 0`;

export function kyselyIncidentStore(db: Db): IncidentStore {
  return {
    async searchSessions(workspaceId, filter, now, afterId, limit) {
      let query = db
        .selectFrom('sessions as s')
        .leftJoin('devices as d', (join) => join.onRef('d.user_id', '=', 's.user_id').onRef('d.id', '=', 's.device_id'))
        .selectAll('s')
        .select('d.trusted_until as d_trusted_until')
        .where('s.user_id', 'in', (eb) =>
          eb.selectFrom('workspace_members').select('user_id').where('workspace_id', '=', workspaceId).where('status', '=', 'active'),
        )
        .where('s.revoked_at', 'is', null)
        .where('s.expires_at', '>', now);
      if (afterId !== null) query = query.where('s.id', '>', afterId);
      if (filter.memberIds)
        query = filter.memberIds.length > 0 ? query.where('s.user_id', 'in', [...filter.memberIds]) : query.where(NOTHING);
      if (filter.clientIds)
        query = filter.clientIds.length > 0 ? query.where('s.client_id', 'in', [...filter.clientIds]) : query.where(NOTHING);
      if (filter.countries)
        query = filter.countries.length > 0 ? query.where('s.country', 'in', [...filter.countries]) : query.where(NOTHING);
      if (filter.signInMethods)
        query = filter.signInMethods.length > 0 ? query.where('s.auth_method', 'in', [...filter.signInMethods]) : query.where(NOTHING);
      if (filter.mfa !== undefined) query = query.where('s.auth_method', filter.mfa ? 'in' : 'not in', [...MULTI_FACTOR_METHODS]);
      if (filter.trusted === true) query = query.where('d.trusted_until', '>', now);
      if (filter.trusted === false)
        query = query.where((eb) => eb.or([eb('d.trusted_until', 'is', null), eb('d.trusted_until', '<=', now)]));
      if (filter.signedInBefore !== undefined) query = query.where('s.signed_in_at', '<', filter.signedInBefore);
      if (filter.signedInAfter !== undefined) query = query.where('s.signed_in_at', '>=', filter.signedInAfter);
      if (filter.lastActiveBefore !== undefined) query = query.where('s.last_active_at', '<', filter.lastActiveBefore);
      const rows = await query.orderBy('s.id').limit(limit).execute();
      return rows.map(fromSessionRow);
    },

    async insertIncident(incident) {
      await db.insertInto('incident_operations').values(toRow(incident)).execute();
    },

    async findIncident(workspaceId, id) {
      const row = await db
        .selectFrom('incident_operations')
        .selectAll()
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async listIncidents(workspaceId, limit) {
      const rows = await db
        .selectFrom('incident_operations')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async transitionIncident(id, from, to, by, at) {
      const decided = from === 'pending_approval';
      const result = await db
        .updateTable('incident_operations')
        .set({
          status: to,
          ...(decided ? { decided_by: by, decided_at: at } : {}),
          ...(to === 'running' ? { started_at: at } : {}),
          ...(to === 'done' ? { finished_at: at } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async finishIncident(id, at, audit) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('incident_operations')
          .set({ status: 'done', finished_at: at })
          .where('id', '=', id)
          .where('status', '=', 'running')
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        await trx.insertInto('audit_log').values(auditRow(audit)).execute();
        return true;
      });
    },

    async listRunningIncidents() {
      const rows = await db.selectFrom('incident_operations').selectAll().where('status', '=', 'running').orderBy('created_at').execute();
      return rows.map(fromRow);
    },

    async findApprovalThreshold(workspaceId) {
      const row = await db
        .selectFrom('workspace_settings')
        .select('incident_approval_threshold')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      return row ? Number(row.incident_approval_threshold) : null;
    },

    async setApprovalThreshold(workspaceId, threshold) {
      await db
        .insertInto('workspace_settings')
        .values({ workspace_id: workspaceId, incident_approval_threshold: threshold })
        .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ incident_approval_threshold: threshold }))
        .execute();
    },
  };
}

/** An audit entry as the log stores it (the log's own `seq` is assigned on insert). */
export function auditRow(e: NewAuditEntry) {
  return {
    id: e.id,
    workspace_id: e.workspaceId,
    at: e.at,
    actor_id: e.actorId,
    action: e.action,
    target_kind: e.targetKind,
    target_id: e.targetId,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    details: JSON.stringify(e.details),
  };
}

function toRow(i: IncidentRecord): IncidentOperationsTable {
  return {
    id: i.id,
    workspace_id: i.workspaceId,
    filter: JSON.stringify(i.filter),
    matched: i.matched,
    threshold: i.threshold,
    status: i.status,
    requested_by: i.requestedBy,
    requested_ip: i.requestedIp,
    created_at: i.createdAt,
    decided_by: i.decidedBy,
    decided_at: i.decidedAt,
    started_at: i.startedAt,
    finished_at: i.finishedAt,
    revoked: i.revoked,
    batches: i.batches,
    cursor: i.cursor,
  };
}

const num = (v: number | null) => (v === null ? null : Number(v));

function fromRow(r: Selectable<IncidentOperationsTable>): IncidentRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    filter: JSON.parse(r.filter) as SessionFilter,
    matched: Number(r.matched),
    threshold: Number(r.threshold),
    status: r.status,
    requestedBy: r.requested_by,
    requestedIp: r.requested_ip,
    createdAt: Number(r.created_at),
    decidedBy: r.decided_by,
    decidedAt: num(r.decided_at),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    revoked: Number(r.revoked),
    batches: Number(r.batches),
    cursor: r.cursor,
  };
}
