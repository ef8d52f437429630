import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Security signals (issue 4): the per-account security timeline, single-use link tokens
 * (password reset, "This wasn't me"), and the flag that makes the next sign-in change the password.
 */
export const securitySignals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('security_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('client_id', 'text')
      .addColumn('device_id', 'text')
      // Location, device, actor and risk evidence as JSON: shown, never queried by.
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    // The timeline is read newest first, one account at a time, by (at, id) cursor.
    await db.schema.createIndex('security_events_user_at').on('security_events').columns(['user_id', 'at', 'id']).execute();

    await db.schema
      .createTable('action_tokens')
      // Tokens are `<id>.<secret>` like sessions; only sha256(secret) is stored.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('action_tokens_user').on('action_tokens').columns(['user_id', 'purpose']).execute();

    await db.schema
      .alterTable('users')
      .addColumn('password_change_required', 'integer', (c) => c.notNull().defaultTo(sql`0`))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('password_change_required').execute();
    await db.schema.dropTable('action_tokens').execute();
    await db.schema.dropTable('security_events').execute();
  },
};
