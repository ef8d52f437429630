/**
 * Persistence for registered OAuth/OIDC clients (core/oauth-clients.ts). Implemented by the
 * Kysely store on SQLite, PostgreSQL and MySQL; each passes
 * `src/core/testing/oauth-client-store.contract.ts`. A removed client is deleted: its id is
 * never reused (ids are random), and its grants and tokens go with it in oidc-provider's storage.
 */
import type { OAuthClientRecord } from '../oauth-clients.js';

export interface OAuthClientStore {
  insertOAuthClient(client: OAuthClientRecord): Promise<void>;
  findOAuthClient(id: string): Promise<OAuthClientRecord | null>;
  /** Every registered client, newest first. */
  listOAuthClients(): Promise<OAuthClientRecord[]>;
  /** Deletes one client; false when there is none. */
  deleteOAuthClient(id: string): Promise<boolean>;
  /**
   * Replaces a client's sealed secret with the same secret sealed under the current key, only
   * while it still holds `from` (a conditional write: of racing readers, one writes). True when it wrote.
   */
  resealOAuthClientSecret(id: string, from: string, to: string): Promise<boolean>;
}
