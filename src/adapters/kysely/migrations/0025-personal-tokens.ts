import type { Kysely, Migration } from 'kysely';

/**
 * Personal access tokens (issue 11; core/personal-tokens.ts): one row per token, kept after it is
 * revoked (`revoked_at`) so a revocation is a conditional UPDATE that racing requests apply once.
 * Only sha256 of the secret is stored (`token_hash`, unique: two tokens never share a secret).
 * `expires_at` is null for a token that never expires. Deleted with the account. The
 * `(user_id, created_at)` index serves the owner's list (newest first) and the per-account count.
 */
export const personalTokens: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('personal_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      // JSON array of scope names, in the configured order.
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addColumn('last_used_ip', 'text')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('personal_tokens_user').on('personal_tokens').columns(['user_id', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('personal_tokens').execute();
  },
};
