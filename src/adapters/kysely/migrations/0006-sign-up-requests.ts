import type { Kysely, Migration } from 'kysely';

/**
 * Sign-up proven by mail: a request for an address that has no account waits here until the link
 * mailed to that address is used. The link's token is `<id>.<secret>` like every other link
 * (action_tokens); only sha256(secret) is stored, with the argon2 hash of the chosen password.
 * Not in action_tokens because there is no user yet (its user_id is a required foreign key).
 */
export const signUpRequests: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sign_up_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_key', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    // Purging spent and expired requests reads by expiry.
    await db.schema.createIndex('sign_up_requests_expires').on('sign_up_requests').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('sign_up_requests').execute();
  },
};
