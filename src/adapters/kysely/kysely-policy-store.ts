/** The PolicyStore port over Kysely (SQLite and PostgreSQL). */
import type { PolicyStore } from '../../core/ports/policy-store.js';
import { NO_POLICY, type WorkspacePolicy } from '../../core/workspace-policy.js';
import type { Db } from './database.js';
import { withDeadline } from './kysely-store.js';

export interface KyselyPolicyStoreOptions {
  /**
   * A deadline for `policiesOf`, which session validation reads (policies.ts): like the session
   * lookup, it fails closed (503) within this when the database goes silent, instead of holding
   * the request for the driver's query timeout. Unset: no deadline (SQLite is local).
   */
  readTimeoutMs?: number;
}

export function kyselyPolicyStore(db: Db, options: KyselyPolicyStoreOptions = {}): PolicyStore {
  const { readTimeoutMs } = options;
  return {
    async findPolicy(workspaceId) {
      const row = await db.selectFrom('workspace_policies').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
      return row ? { policy: parsePolicy(row.policy), updatedAt: Number(row.updated_at), updatedBy: row.updated_by } : null;
    },

    async savePolicy(workspaceId, policy, at, by) {
      const values = { workspace_id: workspaceId, policy: JSON.stringify(policy), updated_at: at, updated_by: by };
      await db
        .insertInto('workspace_policies')
        .values(values)
        .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ policy: values.policy, updated_at: at, updated_by: by }))
        .execute();
    },

    async policiesOf(userId) {
      const rows = await withDeadline(() => policyRowsOf(db, userId), readTimeoutMs, 'policies lookup');
      return rows.map((r) => ({ workspaceId: r.id, workspaceName: r.name, policy: parsePolicy(r.policy) }));
    },

    async activeMemberIds(workspaceId) {
      const rows = await db
        .selectFrom('workspace_members')
        .select('user_id')
        .where('workspace_id', '=', workspaceId)
        .where('status', '=', 'active')
        .orderBy('user_id')
        .execute();
      return rows.map((r) => r.user_id);
    },
  };
}

/** The active memberships of a user whose workspaces have a policy, oldest workspace first. */
function policyRowsOf(db: Db, userId: string) {
  return db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .innerJoin('workspace_policies as p', 'p.workspace_id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'p.policy'])
    .where('m.user_id', '=', userId)
    .where('m.status', '=', 'active')
    .orderBy('w.created_at')
    .orderBy('w.id')
    .execute();
}

/** A stored policy, with any rule added since it was written at its default (off). */
function parsePolicy(text: string): WorkspacePolicy {
  return { ...NO_POLICY, ...(JSON.parse(text) as Partial<WorkspacePolicy>) };
}
