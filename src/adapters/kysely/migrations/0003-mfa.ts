import type { Kysely, Migration } from 'kysely';

/**
 * MFA and trusted devices (issue 4): one TOTP factor per account, its recovery codes (hashed),
 * the short-lived challenges between the password step and the code step, and the time each
 * session last proved its user was present (recent authentication, "sudo mode").
 */
export const mfa: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mfa_totp')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      // The shared secret, base32. It cannot be hashed (the server must compute codes from it);
      // it never leaves the server after enrolment and is never logged. See docs/mfa.md.
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      // Null while enrolment waits for its first code.
      .addColumn('enabled_at', 'bigint')
      // The last 30-second step a code was accepted for: a code is good once (replay).
      .addColumn('last_used_step', 'bigint')
      .execute();

    await db.schema
      .createTable('mfa_recovery_codes')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addPrimaryKeyConstraint('mfa_recovery_codes_pk', ['user_id', 'code_hash'])
      .execute();

    await db.schema
      .createTable('mfa_challenges')
      // `<id>.<secret>` like sessions: only sha256(secret) is stored.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('transport', 'text', (c) => c.notNull())
      // A native client's own description of its device (JSON), replayed at the code step.
      .addColumn('device', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('mfa_challenges_expires_at').on('mfa_challenges').column('expires_at').execute();

    // Null: the sign-in itself (signed_in_at) is the last authentication.
    await db.schema.alterTable('sessions').addColumn('authenticated_at', 'bigint').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').dropColumn('authenticated_at').execute();
    for (const table of ['mfa_challenges', 'mfa_recovery_codes', 'mfa_totp']) await db.schema.dropTable(table).execute();
  },
};
