import type { Kysely, Migration } from 'kysely';

/**
 * `session_reviews`: requests that a person review their Active sessions (after a password reset,
 * a suspicious sign-in, on joining a workspace, or when a workspace asks), pending until they
 * confirm. Kept after completion: the workspace's admins see who reviewed and when.
 */
export const sessionReviews: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('session_reviews')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('workspace_id', 'text', (c) => c.references('workspaces.id').onDelete('cascade'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text')
      .addColumn('requested_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .addColumn('sign_outs', 'integer')
      .execute();
    // The banner's question on every page load: does this user have a pending request?
    await db.schema.createIndex('session_reviews_user').on('session_reviews').columns(['user_id', 'completed_at']).execute();
    await db.schema.createIndex('session_reviews_workspace').on('session_reviews').columns(['workspace_id', 'requested_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('session_reviews').execute();
  },
};
