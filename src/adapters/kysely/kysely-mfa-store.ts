/**
 * The MfaStore port over Kysely (SQLite, PostgreSQL and MySQL). Single use is enforced by conditional
 * UPDATEs (`… where used_at is null`), so two concurrent requests cannot both spend one code,
 * one TOTP step or one challenge.
 */
import type { MfaChallengeRecord, MfaStore } from '../../core/ports/mfa-store.js';
import type { Db } from './database.js';
import { engineOf, retryingDeadlocks } from './engine.js';

export function kyselyMfaStore(db: Db): MfaStore {
  return {
    async findTotp(userId) {
      const row = await db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
      if (!row) return null;
      return {
        userId: row.user_id,
        secret: row.secret,
        createdAt: row.created_at,
        enabledAt: row.enabled_at,
        lastUsedStep: row.last_used_step,
      };
    },

    async savePendingTotp(userId, secret, now) {
      // One statement, so it is atomic on PostgreSQL too: a pending factor is replaced, an
      // enabled one is left alone (no row written). Read-then-delete let a restart racing the
      // confirmation delete the factor that had just been enabled, and two racing restarts
      // both insert (a primary-key error).
      const save = (trx: Db) =>
        trx
          .insertInto('mfa_totp')
          .values({ user_id: userId, secret, created_at: now, enabled_at: null, last_used_step: null })
          .onConflict((oc) =>
            oc.column('user_id').doUpdateSet({ secret, created_at: now, last_used_step: null }).where('mfa_totp.enabled_at', 'is', null),
          )
          .executeTakeFirst();
      if (engineOf(db) !== 'mysql') return Number((await save(db)).numInsertedOrUpdatedRows ?? 0) > 0;
      // MySQL counts a row its upsert left as it was like an inserted one: ask first, under a lock.
      return db.transaction().execute(async (trx) => {
        const found = await trx.selectFrom('mfa_totp').select('enabled_at').where('user_id', '=', userId).forUpdate().executeTakeFirst();
        if (found && found.enabled_at !== null) return false;
        await save(trx);
        return true;
      });
    },

    async enableTotp(userId, step, codeHashes, now) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('mfa_totp')
          .set({ enabled_at: now, last_used_step: step })
          .where('user_id', '=', userId)
          .where('enabled_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        await insertCodes(trx, userId, codeHashes, now);
        return true;
      });
    },

    async disableTotp(userId) {
      return db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('mfa_totp').where('user_id', '=', userId).executeTakeFirst();
        await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        // Trust was earned with the second factor; without it, no device keeps it.
        await trx.updateTable('devices').set({ trusted_until: null }).where('user_id', '=', userId).execute();
        return Number(result.numDeletedRows) > 0;
      });
    },

    async replaceTotpSecret(userId, from, to) {
      const result = await db
        .updateTable('mfa_totp')
        .set({ secret: to })
        .where('user_id', '=', userId)
        .where('secret', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async useTotpStep(userId, step) {
      const result = await db
        .updateTable('mfa_totp')
        .set({ last_used_step: step })
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async replaceRecoveryCodes(userId, codeHashes, now) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        await insertCodes(trx, userId, codeHashes, now);
      });
    },

    async listRecoveryCodes(userId) {
      const rows = await db.selectFrom('mfa_recovery_codes').select(['code_hash', 'used_at']).where('user_id', '=', userId).execute();
      return rows.map((r) => ({ codeHash: r.code_hash, usedAt: r.used_at }));
    },

    async useRecoveryCode(userId, codeHash, now) {
      const result = await db
        .updateTable('mfa_recovery_codes')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async insertChallenge(c) {
      // Expired challenges are worthless: drop them as new ones arrive (bounded by the index).
      await db
        .deleteFrom('mfa_challenges')
        .where('expires_at', '<', c.createdAt - 24 * 3600_000)
        .execute();
      await db
        .insertInto('mfa_challenges')
        .values({
          id: c.id,
          user_id: c.userId,
          secret_hash: c.secretHash,
          client_id: c.clientId,
          transport: c.transport,
          device: c.device,
          created_at: c.createdAt,
          expires_at: c.expiresAt,
          used_at: c.usedAt,
        })
        .execute();
    },

    async findChallenge(id) {
      const r = await db.selectFrom('mfa_challenges').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return null;
      return {
        id: r.id,
        userId: r.user_id,
        secretHash: r.secret_hash,
        clientId: r.client_id,
        transport: r.transport,
        device: r.device,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        usedAt: r.used_at,
      } satisfies MfaChallengeRecord;
    },

    async consumeChallenge(id, now) {
      const result = await db
        .updateTable('mfa_challenges')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async setDeviceTrust(userId, deviceId, trustedUntil, grant) {
      const set = {
        trusted_until: trustedUntil,
        trusted_at: trustedUntil === null ? null : (grant?.grantedAt ?? null),
        trust_client_id: trustedUntil === null ? null : (grant?.clientId ?? null),
        trust_token_id: trustedUntil === null ? null : (grant?.tokenId ?? null),
        trust_secret_hash: trustedUntil === null ? null : (grant?.secretHash ?? null),
      };
      let query = db.updateTable('devices').set(set).where('user_id', '=', userId).where('id', '=', deviceId);
      // Clearing answers true only when there was trust to clear.
      if (trustedUntil === null) query = query.where('trusted_until', 'is not', null);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async findDeviceTrust(userId, deviceId, now) {
      const row = await db
        .selectFrom('devices')
        .select(['trusted_until', 'trust_client_id', 'trust_token_id', 'trust_secret_hash'])
        .where('user_id', '=', userId)
        .where('id', '=', deviceId)
        .where('trusted_until', '>', now)
        .executeTakeFirst();
      // Trust without a client it was granted to predates grants (migration 0007): not honoured.
      if (!row || row.trusted_until === null || row.trust_client_id === null) return null;
      return {
        trustedUntil: row.trusted_until,
        clientId: row.trust_client_id,
        tokenId: row.trust_token_id,
        secretHash: row.trust_secret_hash,
      };
    },

    async trustedDeviceIds(userId, now) {
      const rows = await db.selectFrom('devices').select('id').where('user_id', '=', userId).where('trusted_until', '>', now).execute();
      return rows.map((r) => r.id);
    },

    async listTrustedDevices(userId, now) {
      const rows = await db
        .selectFrom('devices')
        .select(['id', 'name', 'trust_client_id', 'trusted_at', 'trusted_until', 'last_seen_at'])
        .where('user_id', '=', userId)
        .where('trusted_until', '>', now)
        .orderBy('trusted_until', 'desc')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        deviceId: r.id,
        name: r.name,
        clientId: r.trust_client_id,
        trustedAt: r.trusted_at === null ? null : Number(r.trusted_at),
        trustedUntil: Number(r.trusted_until),
        lastSeenAt: Number(r.last_seen_at),
      }));
    },

    async authenticatedAt(sessionId) {
      const row = await db.selectFrom('sessions').select('authenticated_at').where('id', '=', sessionId).executeTakeFirst();
      return row?.authenticated_at ?? null;
    },

    async setAuthenticatedAt(sessionId, at) {
      await retryingDeadlocks(() => db.updateTable('sessions').set({ authenticated_at: at }).where('id', '=', sessionId).execute());
    },
  };
}

/** An empty list stores nothing (an INSERT with no rows is not valid SQL). */
async function insertCodes(db: Db, userId: string, codeHashes: string[], now: number): Promise<void> {
  if (codeHashes.length === 0) return;
  await db
    .insertInto('mfa_recovery_codes')
    .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now, used_at: null })))
    .execute();
}
