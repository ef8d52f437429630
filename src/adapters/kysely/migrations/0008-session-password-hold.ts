import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `sessions.password_change_required`: 1 on the session that reported another as "This wasn't
 * me"; until the password changes it may read but change nothing else (review "Hardening",
 * finding 1). The account-wide flag (`users.password_change_required`, 0002) keeps refusing new
 * sign-ins; this one holds the reporter, which is already signed in. A password change clears
 * both. Existing sessions start unheld.
 */
export const sessionPasswordHold: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('sessions')
      .addColumn('password_change_required', 'integer', (c) => c.notNull().defaultTo(sql`0`))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').dropColumn('password_change_required').execute();
  },
};
