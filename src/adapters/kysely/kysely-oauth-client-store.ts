/**
 * The OAuthClientStore port over Kysely (SQLite, PostgreSQL, MySQL). The URI lists are JSON
 * arrays in text columns; `first_party` is 0/1. Re-sealing a secret is a conditional UPDATE
 * (`… where secret_sealed = <the value read>`), so of racing readers one writes.
 */
import type { Selectable } from 'kysely';
import { isOAuthClientKind, type OAuthClientRecord } from '../../core/oauth-clients.js';
import type { OAuthClientStore } from '../../core/ports/oauth-client-store.js';
import type { Db, OauthClientsTable } from './database.js';

export function kyselyOAuthClientStore(db: Db): OAuthClientStore {
  return {
    async insertOAuthClient(client) {
      await db
        .insertInto('oauth_clients')
        .values({
          id: client.id,
          name: client.name,
          logo_uri: client.logoUri,
          kind: client.kind,
          first_party: client.firstParty ? 1 : 0,
          redirect_uris: JSON.stringify(client.redirectUris),
          post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
          backchannel_logout_uri: client.backchannelLogoutUri,
          secret_sealed: client.secretSealed,
          created_at: client.createdAt,
        })
        .execute();
    },

    async findOAuthClient(id) {
      const row = await db.selectFrom('oauth_clients').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toClient(row) : null;
    },

    async listOAuthClients() {
      const rows = await db.selectFrom('oauth_clients').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toClient);
    },

    async deleteOAuthClient(id) {
      const result = await db.deleteFrom('oauth_clients').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async resealOAuthClientSecret(id, from, to) {
      const result = await db
        .updateTable('oauth_clients')
        .set({ secret_sealed: to })
        .where('id', '=', id)
        .where('secret_sealed', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

function uriList(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((u): u is string => typeof u === 'string') : [];
}

function toClient(r: Selectable<OauthClientsTable>): OAuthClientRecord {
  if (!isOAuthClientKind(r.kind)) throw new Error(`oauth_clients ${r.id}: unknown kind ${r.kind}`);
  return {
    id: r.id,
    name: r.name,
    logoUri: r.logo_uri,
    kind: r.kind,
    firstParty: Number(r.first_party) === 1,
    redirectUris: uriList(r.redirect_uris),
    postLogoutRedirectUris: uriList(r.post_logout_redirect_uris),
    backchannelLogoutUri: r.backchannel_logout_uri,
    secretSealed: r.secret_sealed,
    createdAt: Number(r.created_at),
  };
}
