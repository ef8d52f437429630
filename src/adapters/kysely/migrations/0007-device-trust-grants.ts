import { hash } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

/** A browser's device cookie is 16 random bytes in base64url; native `device.id`s are free-form. */
const DEVICE_COOKIE = /^[A-Za-z0-9_-]{22}$/;

/**
 * Trust rests on a secret the server issued (review "Hardening", findings 2 and 10):
 *
 * - a device's trust records the client it was granted to and, for a native app, the id and
 *   sha256 of the device token issued with it. Trust granted before this migration named
 *   neither; it ends here (a native app's trust rested on an id the app chose), so each device
 *   is asked for a code once more;
 * - a browser's device id is sha256 of its device cookie (the cookie is the trust credential, so
 *   the database no longer holds it in clear). Rows written before are re-keyed here, in
 *   `devices` and `sessions`, so a returning browser is still a known device.
 */
export const deviceTrustGrants: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('devices').addColumn('trust_client_id', 'text').execute();
    await db.schema.alterTable('devices').addColumn('trust_token_id', 'text').execute();
    await db.schema.alterTable('devices').addColumn('trust_secret_hash', 'text').execute();
    await sql`update devices set trusted_until = null`.execute(db);

    const { rows } = await sql<{ user_id: string; id: string }>`select user_id, id from devices`.execute(db);
    for (const row of rows) {
      if (!DEVICE_COOKIE.test(row.id)) continue;
      const key = hash('sha256', row.id, 'base64url');
      await sql`update devices set id = ${key} where user_id = ${row.user_id} and id = ${row.id}`.execute(db);
      await sql`update sessions set device_id = ${key} where user_id = ${row.user_id} and device_id = ${row.id}`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    // Hashes cannot be undone: browsers are new devices again after a downgrade.
    for (const column of ['trust_secret_hash', 'trust_token_id', 'trust_client_id'])
      await db.schema.alterTable('devices').dropColumn(column).execute();
  },
};
