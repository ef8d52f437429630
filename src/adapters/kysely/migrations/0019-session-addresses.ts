import { sql, type Kysely, type Migration } from 'kysely';
import { dropIndex } from '../engine.js';

/**
 * A session's own history (its page, reachable from its row of Active sessions):
 *
 * - `session_addresses`: each distinct address a session was used from, with its approximate
 *   place and when it was first and last seen (written in batches, at most once a touch interval
 *   per address; the 50 most recent kept per session). Deleted with its session (purge).
 *   Existing sessions start with their sign-in address;
 * - `sessions.sign_in_id`: the id the session had at sign-in. Token rotation (a
 *   re-authentication, a new password, MFA turned on) gives a session a new id and copies every
 *   column, so this one names the sign-in across all of them; the timeline's entries about
 *   earlier ids still belong to the session's history. Existing sessions are their own sign-in.
 */
export const sessionAddresses: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('session_addresses')
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('city', 'text')
      .addColumn('region', 'text')
      .addColumn('country', 'text')
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('session_addresses_pk', ['session_id', 'ip'])
      .execute();
    await sql`insert into session_addresses (session_id, ip, city, region, country, first_seen_at, last_seen_at)
              select id, ip, city, region, country, signed_in_at, signed_in_at from sessions`.execute(db);

    await db.schema.alterTable('sessions').addColumn('sign_in_id', 'text').execute();
    await sql`update sessions set sign_in_id = id`.execute(db);
    await db.schema.createIndex('sessions_sign_in').on('sessions').columns(['sign_in_id']).execute();
    // A session's history reads its own entries of the timeline: by account and session.
    await db.schema.createIndex('security_events_user_session').on('security_events').columns(['user_id', 'session_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await dropIndex(db, 'security_events_user_session', 'security_events').execute();
    await dropIndex(db, 'sessions_sign_in', 'sessions').execute();
    await db.schema.alterTable('sessions').dropColumn('sign_in_id').execute();
    await db.schema.dropTable('session_addresses').execute();
  },
};
