/**
 * The ApiKeyStore port over Kysely (SQLite and PostgreSQL). Revoking and recording a use are
 * conditional UPDATEs (`… where revoked_at is null`, `… where last_used_at is null or older than
 * a minute`), so racing requests change a row once.
 */
import type { Selectable } from 'kysely';
import { isApiKeyScope, type ApiKeyRecord } from '../../core/api-keys.js';
import type { ApiKeyStore } from '../../core/ports/api-key-store.js';
import type { Db, WorkspaceApiKeysTable } from './database.js';

export function kyselyApiKeyStore(db: Db): ApiKeyStore {
  return {
    async insertApiKey(key) {
      await db
        .insertInto('workspace_api_keys')
        .values({
          id: key.id,
          workspace_id: key.workspaceId,
          name: key.name,
          scopes: key.scopes.join(' '),
          secret_hash: key.secretHash,
          created_by: key.createdBy,
          created_at: key.createdAt,
          expires_at: key.expiresAt,
          last_used_at: key.lastUsedAt,
          revoked_at: key.revokedAt,
          revoked_by: key.revokedBy,
        })
        .execute();
    },

    async findApiKey(id) {
      const row = await db.selectFrom('workspace_api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toApiKey(row) : null;
    },

    async listApiKeys(workspaceId) {
      const rows = await db
        .selectFrom('workspace_api_keys as k')
        .leftJoin('users as u', 'u.id', 'k.created_by')
        .selectAll('k')
        .select('u.email')
        .where('k.workspace_id', '=', workspaceId)
        .orderBy('k.created_at', 'desc')
        .orderBy('k.id', 'desc')
        .execute();
      return rows.map((r) => ({ key: toApiKey(r), createdByEmail: r.email ?? null }));
    },

    async revokeApiKey(workspaceId, id, now, by) {
      const result = await db
        .updateTable('workspace_api_keys')
        .set({ revoked_at: now, revoked_by: by })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async revokeApiKeysOf(workspaceId, userId, now, by) {
      const result = await db
        .updateTable('workspace_api_keys')
        .set({ revoked_at: now, revoked_by: by })
        .where('workspace_id', '=', workspaceId)
        .where('created_by', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async touchApiKey(id, now, minIntervalMs) {
      const result = await db
        .updateTable('workspace_api_keys')
        .set({ last_used_at: now })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', now - minIntervalMs)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

function toApiKey(r: Selectable<WorkspaceApiKeysTable>): ApiKeyRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    scopes: r.scopes.split(' ').filter(isApiKeyScope),
    secretHash: r.secret_hash,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    revokedBy: r.revoked_by,
  };
}
