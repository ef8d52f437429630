import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../engine.js';

/**
 * What sessiond stores as an OAuth 2.1 / OpenID Connect provider (issue 11; oidc-provider behind
 * core/ports/oidc-store.ts):
 *
 * - `oidc_payloads`: every object oidc-provider persists (sessions, grants, codes, tokens,
 *   interactions, …), one row per model and id, the payload as JSON. The fields it looks rows up
 *   by are copied into columns: `grant_id` (revoking a grant's tokens), `user_code` (device
 *   flow), `uid` (sessions), `(model, account_id)` (a user's grants and sessions on the Security
 *   page); `expires_at` for the purge. `consumed_at` marks used codes and rotated refresh tokens;
 * - `oidc_keys`: the provider's signing keys, the private JWK sealed by the secret box;
 * - `oauth_grant_info`: what sessiond knows about a grant beyond the payload (how it was made,
 *   where it was last used), deleted with the account.
 *
 * Keyed text columns are bounded `varchar`s on every engine (MySQL cannot key TEXT; the composite
 * keys stay far below InnoDB's 3,072 bytes in utf8mb4). `user_id` is `text` like every other
 * column referencing `users.id`, so it matches that column's type on each engine.
 */
export const oauth: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('oidc_payloads')
      .addColumn('model', 'varchar(64)', (c) => c.notNull())
      .addColumn('id', 'varchar(255)', (c) => c.notNull())
      // MySQL's TEXT ends at 64 KiB; a payload (a pushed request object, a session of many apps) may not.
      .addColumn('payload', engineOf(db) === 'mysql' ? sql`mediumtext` : 'text', (c) => c.notNull())
      .addColumn('grant_id', 'varchar(255)')
      .addColumn('user_code', 'varchar(255)')
      .addColumn('uid', 'varchar(255)')
      .addColumn('account_id', 'varchar(255)')
      .addColumn('client_id', 'varchar(255)')
      .addColumn('expires_at', 'bigint')
      .addColumn('consumed_at', 'bigint')
      .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
      .execute();
    await db.schema.createIndex('oidc_payloads_grant_id').on('oidc_payloads').column('grant_id').execute();
    await db.schema.createIndex('oidc_payloads_user_code').on('oidc_payloads').column('user_code').execute();
    await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').column('uid').execute();
    await db.schema.createIndex('oidc_payloads_account').on('oidc_payloads').columns(['model', 'account_id']).execute();
    await db.schema.createIndex('oidc_payloads_expires_at').on('oidc_payloads').column('expires_at').execute();

    await db.schema
      .createTable('oidc_keys')
      .addColumn('kid', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('alg', 'varchar(32)', (c) => c.notNull())
      .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('activates_at', 'bigint', (c) => c.notNull())
      .addColumn('retires_at', 'bigint')
      .execute();

    await db.schema
      .createTable('oauth_grant_info')
      .addColumn('grant_id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('client_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('via', 'varchar(32)', (c) => c.notNull())
      .addColumn('device_name', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_ip', 'text')
      .addColumn('last_used_at', 'bigint')
      .addColumn('last_used_ip', 'text')
      .execute();
    await db.schema.createIndex('oauth_grant_info_user').on('oauth_grant_info').column('user_id').execute();
  },
  async down(db: Kysely<unknown>) {
    // Indexes go with their tables (on MySQL the user_id index backs the foreign key and cannot be dropped alone).
    await db.schema.dropTable('oauth_grant_info').execute();
    await db.schema.dropTable('oidc_keys').execute();
    await db.schema.dropTable('oidc_payloads').execute();
  },
};
