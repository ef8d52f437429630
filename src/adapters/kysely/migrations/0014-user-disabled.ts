import type { Kysely, Migration } from 'kysely';

/**
 * `users.disabled_at`: an operator disabled the account (`sessiond users disable`, ASVS 5.0
 * 7.4.2). Its sessions ended in the same transaction; sign-in is refused until it is enabled
 * again. Null: enabled. Existing accounts start enabled.
 */
export const userDisabled: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('disabled_at').execute();
  },
};
