/**
 * Service keys, on a real SQLite store: a key works for as long as it is not revoked, only the
 * hash of its secret is kept, and anything that is not exactly a key we issued is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import type { Store } from './ports/store.js';
import { createServiceKey, verifyServiceKey, type ServiceKeyDeps } from './service-keys.js';
import { fixedClock } from './testing/fakes.js';
import { formatToken, newId, newSecret, parseToken } from './token.js';

describe('service keys', () => {
  let store: Store;
  let deps: ServiceKeyDeps;
  const clock = fixedClock('2026-03-01T09:00:00Z');

  beforeAll(async () => {
    const { db } = connect('sqlite::memory:');
    await migrateToLatest(db);
    store = kyselyStore(db);
    deps = { store, clock, crypto: nodeCrypto };
  });
  afterAll(async () => {
    await store.close();
  });

  it('a new key verifies, as the record stored for it', async () => {
    const { record, key } = await createServiceKey(deps, 'billing-api');
    expect(record).toMatchObject({ name: 'billing-api', createdAt: clock.now(), revokedAt: null });
    expect(await store.findServiceKey(record.id)).toEqual(record);
    expect(await verifyServiceKey(deps, key)).toEqual(record);
  });

  it('is a token of the session shape whose id is the record id; only a hash of the secret is stored', async () => {
    const { record, key } = await createServiceKey(deps, 'reports');
    const parsed = parseToken(key);
    expect(parsed?.id).toBe(record.id);
    expect(record.secretHash).toBe(nodeCrypto.sha256(parsed!.secret));
    expect(JSON.stringify(await store.findServiceKey(record.id))).not.toContain(parsed!.secret);
  });

  it('gives each key its own id and secret', async () => {
    const a = await createServiceKey(deps, 'a');
    const b = await createServiceKey(deps, 'b');
    expect(a.record.id).not.toBe(b.record.id);
    expect(parseToken(a.key)?.secret).not.toBe(parseToken(b.key)?.secret);
  });

  it('refuses a key whose secret is wrong', async () => {
    const { record } = await createServiceKey(deps, 'guessed');
    expect(await verifyServiceKey(deps, formatToken(record.id, newSecret(nodeCrypto)))).toBeNull();
  });

  it('refuses a revoked key', async () => {
    const secret = newSecret(nodeCrypto);
    const id = newId(nodeCrypto);
    await store.insertServiceKey({ id, name: 'retired', secretHash: nodeCrypto.sha256(secret), createdAt: 0, revokedAt: clock.now() });
    expect(await verifyServiceKey(deps, formatToken(id, secret))).toBeNull();
  });

  it('refuses an unknown key and anything not shaped like a key', async () => {
    expect(await verifyServiceKey(deps, formatToken(newId(nodeCrypto), newSecret(nodeCrypto)))).toBeNull();
    const { key } = await createServiceKey(deps, 'shape');
    for (const bad of ['', 'Bearer ' + key, key + 'x', key.slice(1), key.replace('.', '-')])
      expect(await verifyServiceKey(deps, bad)).toBeNull();
  });
});
