import type { Kysely, Migration } from 'kysely';

/**
 * `secret_keys`: where PostgreSQL keeps the secret key that seals TOTP secrets when no
 * `--secret-key-file` is set. The first node to start inserts one row (insert-if-absent on the
 * primary key, so nodes starting together agree on one key) and every node reads it. SQLite never
 * uses the table (its default key file sits next to the database); it is created there too so both
 * engines have one schema.
 */
export const secretKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('secret_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('secret_keys').execute();
  },
};
