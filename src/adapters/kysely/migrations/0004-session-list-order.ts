import { sql, type Kysely, type Migration } from 'kysely';
import { dropIndex } from '../engine.js';

/** Paged listings read a user's live sessions newest activity first, resuming after a cursor. */
export const sessionListOrder: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('sessions_user_activity')
      .on('sessions')
      .columns(['user_id', 'last_active_at', 'id'])
      .where(sql.ref('revoked_at'), 'is', null)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await dropIndex(db, 'sessions_user_activity', 'sessions').execute();
  },
};
