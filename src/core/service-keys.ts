/**
 * Service keys authenticate other services to `/v1/introspect`. Same shape and storage as
 * session tokens: `<id>.<secret>`, only sha256(secret) stored, compared in constant time.
 */
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { ServiceKeyRecord, ServiceKeyStore } from './ports/store.js';
import { constantTimeEqual, formatToken, newId, newSecret, parseToken } from './token.js';

export interface ServiceKeyDeps {
  store: ServiceKeyStore;
  clock: Clock;
  crypto: Crypto;
}

export async function createServiceKey(deps: ServiceKeyDeps, name: string): Promise<{ record: ServiceKeyRecord; key: string }> {
  const id = newId(deps.crypto);
  const secret = newSecret(deps.crypto);
  const record: ServiceKeyRecord = { id, name, secretHash: deps.crypto.sha256(secret), createdAt: deps.clock.now(), revokedAt: null };
  await deps.store.insertServiceKey(record);
  return { record, key: formatToken(id, secret) };
}

export async function verifyServiceKey(deps: ServiceKeyDeps, key: string): Promise<ServiceKeyRecord | null> {
  const parsed = parseToken(key);
  if (!parsed) return null;
  const record = await deps.store.findServiceKey(parsed.id);
  if (!record || record.revokedAt !== null) return null;
  return constantTimeEqual(deps.crypto.sha256(parsed.secret), record.secretHash) ? record : null;
}

/**
 * Revokes a key: from the next request on, every node refuses it (`verifyServiceKey` reads the
 * store on each call; nothing caches a key), and open revocation streams it holds are ended
 * within a heartbeat. False when there is no such key or it was already revoked.
 */
export async function revokeServiceKey(deps: ServiceKeyDeps, id: string): Promise<boolean> {
  return deps.store.revokeServiceKey(id, deps.clock.now());
}
