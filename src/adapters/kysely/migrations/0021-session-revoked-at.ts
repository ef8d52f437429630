import { sql, type Kysely, type Migration } from 'kysely';
import { dropIndex } from '../engine.js';

/**
 * Revoked sessions by when they were revoked, so the purge finds them through an index: it picked
 * its batches by `revoked_at < t or expires_at < t`, which no index serves, and the statement that
 * found the last few read the whole table (at 10 M ended sessions, past the 5 s query timeout:
 * docs/scale.md). Partial where the engine has it: live sessions, the rows validation reads, are
 * not in it.
 */
export const sessionRevokedAt: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('sessions_revoked_at')
      .on('sessions')
      .column('revoked_at')
      .where(sql.ref('revoked_at'), 'is not', null)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await dropIndex(db, 'sessions_revoked_at', 'sessions').execute();
  },
};
