import type { Kysely, Migration } from 'kysely';

/**
 * `devices.trusted_at`: when the device's current trust was granted, so the two-step
 * verification page can say "trusted since". Null: no trust, or trust granted before this
 * migration (the page then shows only until when it lasts).
 */
export const deviceTrustedAt: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('devices').addColumn('trusted_at', 'bigint').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('devices').dropColumn('trusted_at').execute();
  },
};
