import type { Kysely, Migration } from 'kysely';

/**
 * Workspace API keys (issue 9, "Automation"; core/api-keys.ts): one row per key, never deleted
 * (revoking sets `revoked_at`, so the owners' list still says who made it and when it ended).
 * Only sha256 of the secret is stored. Every key expires (`expires_at` is not null). The same
 * column types on both engines, as in 0010.
 */
export const workspaceApiKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('workspace_api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      /** Space-separated, in core's order. */
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoked_by', 'text')
      .execute();
    // The owners' list, and offboarding's "every key this member made here".
    await db.schema.createIndex('workspace_api_keys_workspace').on('workspace_api_keys').columns(['workspace_id', 'created_by']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('workspace_api_keys').execute();
  },
};
