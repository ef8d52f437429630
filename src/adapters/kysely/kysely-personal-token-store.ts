/**
 * The PersonalTokenStore port over Kysely (SQLite, PostgreSQL, MySQL). Revoking and recording a
 * use are conditional UPDATEs (`… where revoked_at is null`, `… where last_used_at is null or a
 * minute old`), so racing requests change a row once. The cap on active tokens is counted and
 * inserted in one transaction that holds the account's lock (lockAccount), as passkeys' cap is.
 */
import type { Selectable } from 'kysely';
import type { PersonalTokenRecord, PersonalTokenStore } from '../../core/ports/personal-token-store.js';
import type { Db, PersonalTokensTable } from './database.js';
import { lockAccount } from './engine.js';

export function kyselyPersonalTokenStore(db: Db): PersonalTokenStore {
  return {
    async insertPersonalToken(t, max, now) {
      return db.transaction().execute(async (trx) => {
        await lockAccount(trx, t.userId);
        const { n } = await trx
          .selectFrom('personal_tokens')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('user_id', '=', t.userId)
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .executeTakeFirstOrThrow();
        if (Number(n) >= max) return 'limit' as const;
        await trx
          .insertInto('personal_tokens')
          .values({
            id: t.id,
            user_id: t.userId,
            name: t.name,
            token_hash: t.tokenHash,
            scopes: JSON.stringify(t.scopes),
            created_at: t.createdAt,
            expires_at: t.expiresAt,
            last_used_at: t.lastUsedAt,
            last_used_ip: t.lastUsedIp,
            revoked_at: t.revokedAt,
          })
          .execute();
        return 'inserted' as const;
      });
    },

    async findPersonalToken(id) {
      const row = await db.selectFrom('personal_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async listActivePersonalTokens(userId, now) {
      const rows = await db
        .selectFrom('personal_tokens')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toRecord);
    },

    async revokePersonalToken(userId, id, now) {
      const result = await db
        .updateTable('personal_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async revokePersonalTokensOf(userId, now) {
      const result = await db
        .updateTable('personal_tokens')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async touchPersonalToken(id, now, ip, minIntervalMs) {
      const result = await db
        .updateTable('personal_tokens')
        .set({ last_used_at: now, last_used_ip: ip })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', now - minIntervalMs)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

function toRecord(r: Selectable<PersonalTokensTable>): PersonalTokenRecord {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    tokenHash: r.token_hash,
    scopes: parseScopes(r.scopes),
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    lastUsedIp: r.last_used_ip,
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}

/** Written by insertPersonalToken only; anything else reads as no scope (the token then grants nothing). */
function parseScopes(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}
