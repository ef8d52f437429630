import type { Kysely, Migration } from 'kysely';

/**
 * OAuth/OIDC clients (issue 11, core/oauth-clients.ts): the apps that sign in with sessiond
 * through oidc-provider, registered by an instance admin (CLI or admin API). One row per client,
 * deleted when the client is removed (its grants and tokens go with it, in oidc-provider's
 * storage). The URI lists are JSON arrays as text; `first_party` is 0/1 like every boolean here.
 * A web client's secret is sealed by the secret box, not hashed: oidc-provider compares the
 * plain value itself (`client_secret_basic`). `id` is a bounded varchar so MySQL can key it.
 */
export const oauthClients: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('oauth_clients')
      .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('logo_uri', 'text')
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('first_party', 'integer', (c) => c.notNull())
      .addColumn('redirect_uris', 'text', (c) => c.notNull())
      .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
      .addColumn('backchannel_logout_uri', 'text')
      .addColumn('secret_sealed', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('oauth_clients').execute();
  },
};
