import { sql, type Kysely, type Migration } from 'kysely';

/** Users, sessions, devices and service keys, with the indexes the hot paths need. */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_key', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text')
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('password_changed_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sessions')
      // Token lookup is by this primary key: the token is `<id>.<secret>`.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('auth_method', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addColumn('device_name', 'text', (c) => c.notNull())
      .addColumn('device_os', 'text', (c) => c.notNull())
      .addColumn('device_browser', 'text')
      .addColumn('device_type', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('city', 'text')
      .addColumn('region', 'text')
      .addColumn('country', 'text')
      .addColumn('latitude', 'double precision')
      .addColumn('longitude', 'double precision')
      .addColumn('user_agent', 'text')
      .addColumn('signed_in_at', 'bigint', (c) => c.notNull())
      .addColumn('last_active_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('trusted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoke_reason', 'text')
      .execute();
    // Per-user listing and bulk revocation touch only live rows.
    await db.schema
      .createIndex('sessions_user_live')
      .on('sessions')
      .columns(['user_id', 'expires_at'])
      .where(sql.ref('revoked_at'), 'is', null)
      .execute();
    // Purging old rows and counting live ones scan by expiry.
    await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

    await db.schema
      .createTable('devices')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('trusted_until', 'bigint')
      // Device ids come from clients, so they are only unique within one account.
      .addPrimaryKeyConstraint('devices_pk', ['user_id', 'id'])
      .execute();

    await db.schema
      .createTable('service_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['service_keys', 'devices', 'sessions', 'users']) await db.schema.dropTable(table).execute();
  },
};
