/**
 * The PasskeyStore port over Kysely (SQLite, PostgreSQL, MySQL). A challenge is consumed by one
 * `delete … returning` (on MySQL, read locked then deleted in one transaction), so two answers
 * racing for it cannot both get it; a use is recorded by an UPDATE conditional on the counter it
 * was checked against.
 */
import type { PasskeyRecord, PasskeyStore } from '../../core/ports/passkey-store.js';
import type { Db, PasskeysTable } from './database.js';
import { engineOf, lockAccount } from './engine.js';

function toRecord(row: PasskeysTable): PasskeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: JSON.parse(row.transports) as string[],
    backedUp: row.backed_up === 1,
    deviceType: row.device_type,
    aaguid: row.aaguid,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

export function kyselyPasskeyStore(db: Db): PasskeyStore {
  // MySQL has neither UPDATE nor DELETE … RETURNING: there the row is locked and read, then written.
  const returning = engineOf(db) !== 'mysql';
  return {
    async insertPasskey(p, max) {
      return db.transaction().execute(async (trx) => {
        // Counted and added under the account's lock: two at once never both fit under the cap.
        await lockAccount(trx, p.userId);
        const { n } = await trx
          .selectFrom('passkeys')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('user_id', '=', p.userId)
          .executeTakeFirstOrThrow();
        if (Number(n) >= max) return 'limit' as const;
        const result = await trx
          .insertInto('passkeys')
          .values({
            id: p.id,
            user_id: p.userId,
            credential_id: p.credentialId,
            public_key: p.publicKey,
            counter: p.counter,
            transports: JSON.stringify(p.transports),
            backed_up: p.backedUp ? 1 : 0,
            device_type: p.deviceType,
            aaguid: p.aaguid,
            name: p.name,
            created_at: p.createdAt,
            last_used_at: p.lastUsedAt,
          })
          .onConflict((oc) => oc.column('credential_id').doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) > 0 ? ('inserted' as const) : ('duplicate' as const);
      });
    },

    async listPasskeys(userId) {
      const rows = await db
        .selectFrom('passkeys')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toRecord);
    },

    async countPasskeys(userId) {
      const { n } = await db
        .selectFrom('passkeys')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(n);
    },

    async findPasskey(userId, id) {
      const row = await db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async findByCredentialId(credentialId) {
      const row = await db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async renamePasskey(userId, id, name) {
      const rename = (trx: Db) => trx.updateTable('passkeys').set({ name }).where('user_id', '=', userId).where('id', '=', id);
      const row = returning
        ? await rename(db).returningAll().executeTakeFirst()
        : await db
            .transaction()
            .execute(async (trx) =>
              Number((await rename(trx).executeTakeFirst()).numUpdatedRows) === 0
                ? undefined
                : trx.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst(),
            );
      return row ? toRecord(row) : null;
    },

    async deletePasskey(userId, id) {
      const row = returning
        ? await db.deleteFrom('passkeys').where('user_id', '=', userId).where('id', '=', id).returningAll().executeTakeFirst()
        : await db.transaction().execute(async (trx) => {
            const found = await trx
              .selectFrom('passkeys')
              .selectAll()
              .where('user_id', '=', userId)
              .where('id', '=', id)
              .forUpdate()
              .executeTakeFirst();
            if (found) await trx.deleteFrom('passkeys').where('id', '=', id).execute();
            return found;
          });
      return row ? toRecord(row) : null;
    },

    async recordUse(id, fromCounter, use) {
      const result = await db
        .updateTable('passkeys')
        .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: use.at })
        .where('id', '=', id)
        .where('counter', '=', fromCounter)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async saveChallenge(c) {
      await db
        .insertInto('webauthn_challenges')
        .values({
          challenge_hash: c.challengeHash,
          purpose: c.purpose,
          user_id: c.userId,
          session_id: c.sessionId,
          mfa_token_hash: c.mfaTokenHash,
          expires_at: c.expiresAt,
        })
        .execute();
    },

    async consumeChallenge(challengeHash, now) {
      const row = returning
        ? await db.deleteFrom('webauthn_challenges').where('challenge_hash', '=', challengeHash).returningAll().executeTakeFirst()
        : await db.transaction().execute(async (trx) => {
            const found = await trx
              .selectFrom('webauthn_challenges')
              .selectAll()
              .where('challenge_hash', '=', challengeHash)
              .forUpdate()
              .executeTakeFirst();
            // Only the transaction whose DELETE removed it gets it: a racing one waited on the lock and reads nothing.
            if (found) await trx.deleteFrom('webauthn_challenges').where('challenge_hash', '=', challengeHash).execute();
            return found;
          });
      if (!row || Number(row.expires_at) <= now) return null;
      return {
        challengeHash: row.challenge_hash,
        purpose: row.purpose,
        userId: row.user_id,
        sessionId: row.session_id,
        mfaTokenHash: row.mfa_token_hash,
        expiresAt: Number(row.expires_at),
      };
    },

    async purgeExpiredChallenges(now) {
      const result = await db.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
