/**
 * The OidcStore port over Kysely (SQLite, PostgreSQL, MySQL). An upsert is one `insert … on
 * conflict do update` (MySQL: `on duplicate key update`, rewritten by engine.ts). Consuming,
 * retiring a key and recording a grant's use are conditional UPDATEs, so racing writers change a
 * row once and a use never moves back in time. The purge reads a bounded batch of expired keys,
 * then deletes those still expired: one shape for every engine (MySQL refuses a LIMIT in an IN
 * subquery, and the payloads' key is two columns).
 */
import type { Selectable } from 'kysely';
import {
  GRANT_TOKEN_MODELS,
  type OauthGrantInfoRecord,
  type OidcKeyRecord,
  type OidcPayload,
  type OidcStore,
} from '../../core/ports/oidc-store.js';
import type { Db, OauthGrantInfoTable, OidcKeysTable, OidcPayloadsTable } from './database.js';

/** Grant ids per `in (…)` list: far below every engine's limit on bound parameters. */
const IN_CHUNK = 500;

export function kyselyOidcStore(db: Db): OidcStore {
  async function findWhere(model: string, column: 'id' | 'uid' | 'user_code', value: string, now: number): Promise<OidcPayload | null> {
    const row = await db
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', model)
      .where(column, '=', value)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      // A user code or uid names one live object; should two rows share one, the same one answers every time.
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row ? toPayload(row) : null;
  }

  return {
    async upsert(model, id, payload, expiresAt) {
      const row = {
        model,
        id,
        payload: JSON.stringify(payload),
        grant_id: stringField(payload, 'grantId'),
        user_code: stringField(payload, 'userCode'),
        uid: stringField(payload, 'uid'),
        account_id: stringField(payload, 'accountId'),
        client_id: stringField(payload, 'clientId'),
        expires_at: expiresAt,
        // oidc-provider writes `consumed` in epoch seconds.
        consumed_at: typeof payload.consumed === 'number' ? Math.round(payload.consumed * 1000) : null,
      };
      await db
        .insertInto('oidc_payloads')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['model', 'id']).doUpdateSet((eb) => ({
            payload: eb.ref('excluded.payload'),
            grant_id: eb.ref('excluded.grant_id'),
            user_code: eb.ref('excluded.user_code'),
            uid: eb.ref('excluded.uid'),
            account_id: eb.ref('excluded.account_id'),
            client_id: eb.ref('excluded.client_id'),
            expires_at: eb.ref('excluded.expires_at'),
            consumed_at: eb.ref('excluded.consumed_at'),
          })),
        )
        .execute();
    },

    find: (model, id, now) => findWhere(model, 'id', id, now),
    findByUid: (model, uid, now) => findWhere(model, 'uid', uid, now),
    findByUserCode: (model, userCode, now) => findWhere(model, 'user_code', userCode, now),

    async consume(model, id, at) {
      const result = await db
        .updateTable('oidc_payloads')
        .set({ consumed_at: at })
        .where('model', '=', model)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async destroy(model, id) {
      await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
    },

    async revokeByGrantId(grantId) {
      const result = await db
        .deleteFrom('oidc_payloads')
        .where('grant_id', '=', grantId)
        .where('model', 'in', [...GRANT_TOKEN_MODELS])
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async listByAccount(model, accountId, now) {
      const rows = await db
        .selectFrom('oidc_payloads')
        .select(['id', 'payload', 'consumed_at'])
        .where('model', '=', model)
        .where('account_id', '=', accountId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ id: r.id, payload: toPayload(r) }));
    },

    async listByClient(model, clientId, now) {
      const rows = await db
        .selectFrom('oidc_payloads')
        .select(['id', 'payload', 'consumed_at'])
        .where('model', '=', model)
        .where('client_id', '=', clientId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ id: r.id, payload: toPayload(r) }));
    },

    async purgeExpired(now, limit) {
      const expired = await db
        .selectFrom('oidc_payloads')
        .select(['model', 'id'])
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      if (expired.length === 0) return 0;
      const byModel = new Map<string, string[]>();
      for (const { model, id } of expired) byModel.set(model, [...(byModel.get(model) ?? []), id]);
      let deleted = 0;
      for (const [model, ids] of byModel) {
        for (const chunk of chunks(ids)) {
          // Still expired: an object written again since the read has a new life and stays.
          const result = await db
            .deleteFrom('oidc_payloads')
            .where('model', '=', model)
            .where('id', 'in', chunk)
            .where('expires_at', '<=', now)
            .executeTakeFirst();
          deleted += Number(result.numDeletedRows);
        }
      }
      // An expired grant's record goes with it, unless the grant was written again meanwhile.
      for (const chunk of chunks(byModel.get('Grant') ?? [])) {
        await db
          .deleteFrom('oauth_grant_info')
          .where('grant_id', 'in', chunk)
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('oidc_payloads')
                  .select('oidc_payloads.id')
                  .where('oidc_payloads.model', '=', 'Grant')
                  .whereRef('oidc_payloads.id', '=', 'oauth_grant_info.grant_id'),
              ),
            ),
          )
          .execute();
      }
      return deleted;
    },

    async listKeys() {
      const rows = await db.selectFrom('oidc_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
      return rows.map(toKey);
    },

    async insertKey(key) {
      await db
        .insertInto('oidc_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          private_jwk_sealed: key.privateJwkSealed,
          created_at: key.createdAt,
          activates_at: key.activatesAt,
          retires_at: key.retiresAt,
        })
        .execute();
    },

    async retireKey(kid, at) {
      const result = await db
        .updateTable('oidc_keys')
        .set({ retires_at: at })
        .where('kid', '=', kid)
        .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', at)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async upsertGrantInfo(info) {
      await db
        .insertInto('oauth_grant_info')
        .values({
          grant_id: info.grantId,
          user_id: info.userId,
          client_id: info.clientId,
          via: info.via,
          device_name: info.deviceName,
          created_at: info.createdAt,
          created_ip: info.createdIp,
          last_used_at: info.lastUsedAt,
          last_used_ip: info.lastUsedIp,
        })
        .onConflict((oc) =>
          oc.column('grant_id').doUpdateSet((eb) => ({
            user_id: eb.ref('excluded.user_id'),
            client_id: eb.ref('excluded.client_id'),
            via: eb.ref('excluded.via'),
            device_name: eb.ref('excluded.device_name'),
          })),
        )
        .execute();
    },

    async findGrantInfo(grantIds) {
      const found: OauthGrantInfoRecord[] = [];
      for (const chunk of chunks([...new Set(grantIds)])) {
        const rows = await db.selectFrom('oauth_grant_info').selectAll().where('grant_id', 'in', chunk).execute();
        found.push(...rows.map(toGrantInfo));
      }
      return found;
    },

    async touchGrant(grantId, at, ip) {
      const result = await db
        .updateTable('oauth_grant_info')
        .set({ last_used_at: at, last_used_ip: ip })
        .where('grant_id', '=', grantId)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async deleteGrantInfo(grantId) {
      const result = await db.deleteFrom('oauth_grant_info').where('grant_id', '=', grantId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function stringField(payload: OidcPayload, name: string): string | null {
  const value = payload[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

function toPayload(row: Pick<Selectable<OidcPayloadsTable>, 'payload' | 'consumed_at'>): OidcPayload {
  const payload = JSON.parse(row.payload) as OidcPayload;
  // oidc-provider reads `consumed` (epoch seconds) to detect a code or refresh token used twice.
  if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
  return payload;
}

function toKey(r: Selectable<OidcKeysTable>): OidcKeyRecord {
  return {
    kid: r.kid,
    alg: r.alg,
    privateJwkSealed: r.private_jwk_sealed,
    createdAt: Number(r.created_at),
    activatesAt: Number(r.activates_at),
    retiresAt: r.retires_at === null ? null : Number(r.retires_at),
  };
}

function toGrantInfo(r: Selectable<OauthGrantInfoTable>): OauthGrantInfoRecord {
  return {
    grantId: r.grant_id,
    userId: r.user_id,
    clientId: r.client_id,
    via: r.via === 'device_code' ? 'device_code' : 'authorization_code',
    deviceName: r.device_name,
    createdAt: Number(r.created_at),
    createdIp: r.created_ip,
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    lastUsedIp: r.last_used_ip,
  };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK));
  return out;
}
