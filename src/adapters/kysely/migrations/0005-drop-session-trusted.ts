import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `sessions.trusted` was written at sign-in and never read: whether a session's device is trusted
 * is derived from `devices.trusted_until` each time it is read, so the column could only drift.
 * SQLite has DROP COLUMN since 3.35 (better-sqlite3 ships a newer one); the column is in no index.
 */
export const dropSessionTrusted: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').dropColumn('trusted').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .alterTable('sessions')
      .addColumn('trusted', 'integer', (c) => c.notNull().defaultTo(sql`0`))
      .execute();
  },
};
