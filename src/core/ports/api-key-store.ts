/**
 * Persistence for workspace API keys (core/api-keys.ts). Implemented by the Kysely store over
 * SQLite and PostgreSQL; both pass `src/core/testing/api-key-store.contract.ts`. A key is never
 * deleted: revoking sets `revokedAt`, so the list keeps showing who made it and when it ended.
 */
import type { ApiKeyRecord } from '../api-keys.js';

/** A row of the owners' key list: the key and its creator's address (null if the account is gone). */
export interface ApiKeyListing {
  key: ApiKeyRecord;
  createdByEmail: string | null;
}

export interface ApiKeyStore {
  insertApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKey(id: string): Promise<ApiKeyRecord | null>;
  /** Every key of the workspace, revoked and expired ones too, newest first. */
  listApiKeys(workspaceId: string): Promise<ApiKeyListing[]>;
  /** Revokes one unrevoked key of the workspace; false when there is none (or it was revoked already). */
  revokeApiKey(workspaceId: string, id: string, now: number, by: string): Promise<boolean>;
  /** Revokes every unrevoked key `userId` created in the workspace (offboarding); returns how many. */
  revokeApiKeysOf(workspaceId: string, userId: string, now: number, by: string): Promise<number>;
  /**
   * Records a use at `now` unless one was recorded less than `minIntervalMs` before (one
   * conditional write: of many requests in a minute, one writes). True when it wrote.
   */
  touchApiKey(id: string, now: number, minIntervalMs: number): Promise<boolean>;
}
