import type { Kysely, Migration } from 'kysely';

/**
 * `workspace_policies`: each workspace's session policy (core/workspace-policy.ts), as one JSON
 * document: it is read whole, per member, and never queried by its parts. No row: no policy.
 * `sessions.revoke_detail`: which rule ended a session whose reason is `policy`, so its owner's
 * next request can say which (null for every other reason).
 */
export const workspacePolicies: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('workspace_policies')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('sessions').addColumn('revoke_detail', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').dropColumn('revoke_detail').execute();
    await db.schema.dropTable('workspace_policies').execute();
  },
};
