/** The ReviewStore port over Kysely (SQLite and PostgreSQL). */
import type { Selectable } from 'kysely';
import type { ReviewStore } from '../../core/ports/review-store.js';
import type { ReviewRecord } from '../../core/reviews.js';
import type { Db, SessionReviewsTable } from './database.js';

/** What "the user ended it themselves" is, among the reasons a session ends. */
const SELF_ENDED = ['revoked_by_user', 'revoke_others', 'revoke_all', 'reported'] as const;

export function kyselyReviewStore(db: Db): ReviewStore {
  return {
    async insertReview(review) {
      return db.transaction().execute(async (trx) => {
        let pending = trx
          .selectFrom('session_reviews')
          .select('id')
          .where('user_id', '=', review.userId)
          .where('reason', '=', review.reason)
          .where('completed_at', 'is', null);
        pending =
          review.workspaceId === null ? pending.where('workspace_id', 'is', null) : pending.where('workspace_id', '=', review.workspaceId);
        if (await pending.executeTakeFirst()) return false;
        await trx
          .insertInto('session_reviews')
          .values({
            id: review.id,
            user_id: review.userId,
            workspace_id: review.workspaceId,
            reason: review.reason,
            requested_by: review.requestedBy,
            requested_at: review.requestedAt,
            completed_at: review.completedAt,
            sign_outs: review.signOuts,
          })
          .execute();
        return true;
      });
    },

    async pendingReviews(userId) {
      const rows = await db
        .selectFrom('session_reviews as r')
        .leftJoin('workspaces as w', 'w.id', 'r.workspace_id')
        .selectAll('r')
        .select('w.name as workspace_name')
        .where('r.user_id', '=', userId)
        .where('r.completed_at', 'is', null)
        .orderBy('r.requested_at')
        .orderBy('r.id')
        .execute();
      return rows.map((r) => ({ ...toReview(r), workspaceName: r.workspace_name ?? null }));
    },

    async completeReviews(userId, now, signOuts) {
      const result = await db
        .updateTable('session_reviews')
        .set({ completed_at: now, sign_outs: signOuts })
        .where('user_id', '=', userId)
        .where('completed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async countSignOutsSince(userId, since) {
      const row = await db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('user_id', '=', userId)
        .where('revoked_at', '>=', since)
        .where('revoke_reason', 'in', [...SELF_ENDED])
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async latestWorkspaceReviews(workspaceId) {
      const rows = await db
        .selectFrom('session_reviews')
        .select(['user_id', 'requested_at', 'completed_at', 'sign_outs'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('requested_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      const latest = new Map<string, (typeof rows)[number]>();
      for (const r of rows) if (!latest.has(r.user_id)) latest.set(r.user_id, r);
      return [...latest.values()].map((r) => ({
        userId: r.user_id,
        requestedAt: Number(r.requested_at),
        completedAt: r.completed_at === null ? null : Number(r.completed_at),
        signOuts: r.sign_outs === null ? null : Number(r.sign_outs),
      }));
    },
  };
}

function toReview(r: Selectable<SessionReviewsTable>): ReviewRecord {
  return {
    id: r.id,
    userId: r.user_id,
    workspaceId: r.workspace_id,
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: Number(r.requested_at),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
    signOuts: r.sign_outs === null ? null : Number(r.sign_outs),
  };
}
