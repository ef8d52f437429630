/**
 * Service keys, on a real SQLite store: a key works for as long as it is not revoked, only the
 * hash of its secret is kept, and anything that is not exactly a key we issued is refused; each
 * node verifies from its cache while its bus is live, and a revocation reaches every node at once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import type { Store } from './ports/store.js';
import {
  createServiceKey,
  revokeServiceKey,
  ServiceKeys,
  verifyServiceKey,
  type ServiceKeyCacheLimits,
  type ServiceKeyDeps,
} from './service-keys.js';
import { brokerBus, fixedClock } from './testing/fakes.js';
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

describe('service keys verified from each node’s cache', () => {
  let db: ReturnType<typeof connect>['db'];
  let raw: Store;
  /** The real store; counts the reads of service keys, and can hold one read until released. */
  let store: Store & { reads: number; hold: Promise<void> | null };
  let bus: ReturnType<typeof brokerBus>;
  let clock: ReturnType<typeof fixedClock>;
  const node = (cache?: ServiceKeyCacheLimits | false) => new ServiceKeys({ store, clock, crypto: nodeCrypto, bus, cache });

  beforeEach(async () => {
    ({ db } = connect('sqlite::memory:'));
    await migrateToLatest(db);
    raw = kyselyStore(db);
    store = Object.assign(Object.create(raw) as Store, {
      reads: 0,
      hold: null as Promise<void> | null,
      async findServiceKey(id: string) {
        store.reads++;
        const found = await raw.findServiceKey(id);
        if (store.hold) await store.hold;
        return found;
      },
    });
    bus = brokerBus();
    clock = fixedClock('2026-03-01T09:00:00Z');
  });
  afterEach(async () => {
    await raw.close();
  });

  it('a warm key is verified without reading the database; a wrong secret for it is still refused', async () => {
    const a = node();
    const { record, key } = await a.create('billing-api');
    expect(await a.verify(key)).toEqual(record);
    expect(store.reads).toBe(1);
    for (let i = 0; i < 5; i++) expect(await a.verify(key)).toEqual(record);
    expect(store.reads).toBe(1);
    expect(await a.verify(formatToken(record.id, newSecret(nodeCrypto)))).toBeNull();
    expect(await a.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(store.reads).toBe(1);
    // What a node holds is the stored record: the hash of the secret, never the secret.
    expect(JSON.stringify(await a.verify(key))).not.toContain(parseToken(key)!.secret);
  });

  it('answers a warm key without a promise (verifyNow), by the same rules; a cold or revoked key is read', async () => {
    const a = node();
    const { record, key } = await a.create('billing-api');
    const cold = a.verifyNow(key);
    expect(cold).toBeInstanceOf(Promise);
    expect(await cold).toEqual(record);
    expect(a.verifyNow(key)).toEqual(record);
    expect(a.verifyNow(formatToken(record.id, newSecret(nodeCrypto)))).toBeNull();
    expect(a.verifyNow('not-a-key')).toBeNull();
    expect(store.reads).toBe(1);
    await a.revoke(record.id);
    const revoked = a.verifyNow(key);
    expect(revoked).toBeInstanceOf(Promise);
    expect(await revoked).toBeNull();
    expect(store.reads).toBe(2);
  });

  it('a key revoked through one node is refused by another whose cache is warm, from its next request', async () => {
    const [a, b] = [node(), node()];
    const { record, key } = await a.create('billing-api');
    const other = await a.create('search');
    for (const n of [a, b]) {
      expect(await n.verify(key)).toEqual(record);
      expect(await n.verify(other.key)).not.toBeNull();
    }
    const reads = store.reads;
    expect(await revokeServiceKey({ serviceKeys: a }, record.id)).toBe(true);
    // The revoking node drops it at once, before the bus has carried the announcement anywhere.
    expect(await a.verify(key)).toBeNull();
    await bus.deliver();
    expect(await b.verify(key)).toBeNull();
    expect((await raw.findServiceKey(record.id))?.revokedAt).toBe(clock.now());
    // Other keys stay cached.
    const before = store.reads;
    expect(await b.verify(other.key)).not.toBeNull();
    expect(store.reads).toBe(before);
    expect(reads).toBeLessThan(before);
  });

  it('revoking again announces again (repairs a lost publish) and says it was already revoked', async () => {
    const [a, b] = [node(), node()];
    const { record, key } = await a.create('k');
    expect(await b.verify(key)).not.toBeNull();
    await raw.revokeServiceKey(record.id, clock.now()); // committed, announcement lost
    expect(await b.verify(key)).not.toBeNull(); // the cache cannot know
    expect(await a.revoke(record.id)).toBe(false);
    await bus.deliver();
    expect(await b.verify(key)).toBeNull();
  });

  it('trusts a cached key for at most its maximum age (a lost announcement is bounded)', async () => {
    const a = node({ maxEntries: 10, maxAgeMs: 30_000 });
    const { record, key } = await a.create('k');
    expect(await a.verify(key)).not.toBeNull();
    await raw.revokeServiceKey(record.id, clock.now());
    clock.advance(29_000);
    expect(await a.verify(key)).not.toBeNull();
    clock.advance(1_001);
    expect(await a.verify(key)).toBeNull();
  });

  it('fails closed: while the bus is not live every verification reads the database, and the cache is emptied when it comes back', async () => {
    const a = node();
    const { record, key } = await a.create('k');
    expect(await a.verify(key)).not.toBeNull();
    bus.live = false;
    const reads = store.reads;
    expect(await a.verify(key)).not.toBeNull();
    expect(await a.verify(key)).not.toBeNull();
    expect(store.reads).toBe(reads + 2);
    // Revoked while this node could not hear it: refused at once, and still after the bus is back.
    await raw.revokeServiceKey(record.id, clock.now());
    expect(await a.verify(key)).toBeNull();
    bus.live = true;
    expect(await a.verify(key)).toBeNull();
  });

  it('empties the cache when the bus resyncs after a gap shorter than any request', async () => {
    const a = node();
    const { record, key } = await a.create('k');
    expect(await a.verify(key)).not.toBeNull();
    await raw.revokeServiceKey(record.id, clock.now()); // its announcement fell in the gap
    bus.reconnect();
    expect(await a.verify(key)).toBeNull();
  });

  it('does not cache a record read while a revocation of it was announced', async () => {
    const [a, b] = [node(), node()];
    const { record, key } = await a.create('k');
    let release!: () => void;
    store.hold = new Promise((resolve) => (release = resolve));
    const reading = b.verify(key); // reads the key before the revocation commits
    await a.revoke(record.id);
    await bus.deliver();
    store.hold = null;
    release();
    expect(await reading).toEqual(record); // that request was already under way
    expect(await b.verify(key)).toBeNull();
  });

  it('caches only keys that work, and never more than its bound', async () => {
    const a = node({ maxEntries: 2, maxAgeMs: 30_000 });
    const keys = [await a.create('one'), await a.create('two'), await a.create('three')];
    const unknown = formatToken(newId(nodeCrypto), newSecret(nodeCrypto));
    let reads = store.reads;
    for (let i = 0; i < 3; i++) expect(await a.verify(unknown)).toBeNull();
    expect(store.reads).toBe(reads + 3);
    for (const k of keys) expect(await a.verify(k.key)).not.toBeNull();
    expect(a.cacheSize).toBe(2);
    reads = store.reads;
    expect(await a.verify(keys[0]!.key)).not.toBeNull(); // the least recently used was dropped
    expect(store.reads).toBe(reads + 1);
  });

  it('with the cache off, reads the database on every verification', async () => {
    const a = node(false);
    const { key } = await a.create('k');
    for (let i = 0; i < 3; i++) expect(await a.verify(key)).not.toBeNull();
    expect(store.reads).toBe(3);
  });
});
