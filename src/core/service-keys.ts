/**
 * Service keys authenticate other services to `/v1/introspect`. Same shape and storage as
 * session tokens: `<id>.<secret>`, only sha256(secret) stored, compared in constant time.
 *
 * Each node verifies keys from a bounded in-memory cache of the stored records (id, name, the
 * secret's hash; never the secret), so a warm introspection does not read the database for its
 * caller. Like the session cache it fails closed: it is read and filled only while the node's
 * revocation bus is live, emptied whenever the bus was not, and a revocation is announced on the
 * bus (`{kind: 'service-key'}`) so every node refuses the key from its next request.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { RevocationBus, RevocationEvent } from './ports/revocation-bus.js';
import type { ServiceKeyRecord, ServiceKeyStore } from './ports/store.js';
import { constantTimeEqual, formatToken, newId, newSecret, parseToken } from './token.js';

export interface ServiceKeyDeps {
  store: ServiceKeyStore;
  clock: Clock;
  crypto: Crypto;
}

export interface ServiceKeyCacheLimits {
  maxEntries: number;
  /**
   * A cached key older than this is read again from the database. Revocation events are what
   * keep the cache correct; this only bounds the damage if a publish was lost after its commit
   * while this node's own bus stayed live (as for sessions, session-cache.ts).
   */
  maxAgeMs: number;
}

/** Deployments have a handful of service keys; the bound is against a flood of distinct ids, not a working set. */
export const DEFAULT_SERVICE_KEY_CACHE: ServiceKeyCacheLimits = { maxEntries: 1_000, maxAgeMs: 30_000 };

export async function createServiceKey(deps: ServiceKeyDeps, name: string): Promise<{ record: ServiceKeyRecord; key: string }> {
  const id = newId(deps.crypto);
  const secret = newSecret(deps.crypto);
  const record: ServiceKeyRecord = { id, name, secretHash: deps.crypto.sha256(secret), createdAt: deps.clock.now(), revokedAt: null };
  await deps.store.insertServiceKey(record);
  return { record, key: formatToken(id, secret) };
}

/** Verification against the database alone (one read); the nodes' hot path is `ServiceKeys.verify`. */
export async function verifyServiceKey(deps: ServiceKeyDeps, key: string): Promise<ServiceKeyRecord | null> {
  const parsed = parseToken(key);
  if (!parsed) return null;
  return accept(deps.crypto, parsed.secret, await deps.store.findServiceKey(parsed.id));
}

/**
 * Revokes a key: from the next request on, every node refuses it (the revocation is announced
 * on the bus, which drops it from each node's cache), and open revocation streams it holds are
 * ended within a heartbeat. False when there is no such key or it was already revoked; the
 * announcement goes out either way, so running it again repairs a publish that was lost.
 */
export async function revokeServiceKey(deps: { serviceKeys: ServiceKeys }, id: string): Promise<boolean> {
  return deps.serviceKeys.revoke(id);
}

function accept(crypto: Crypto, secret: string, record: ServiceKeyRecord | null | undefined): ServiceKeyRecord | null {
  if (!record || record.revokedAt !== null) return null;
  return constantTimeEqual(crypto.sha256(secret), record.secretHash) ? record : null;
}

export class ServiceKeys {
  readonly #deps: ServiceKeyDeps & { bus: RevocationBus };
  readonly #cache: LRUCache<string, ServiceKeyRecord> | null;
  /** Bumped by every revocation and resync: a read that raced one is not cached. */
  #generation = 0;
  #wasLive = false;

  constructor(deps: ServiceKeyDeps & { bus: RevocationBus; cache?: ServiceKeyCacheLimits | false }) {
    this.#deps = deps;
    const limits = deps.cache ?? DEFAULT_SERVICE_KEY_CACHE;
    this.#cache =
      limits === false
        ? null
        : new LRUCache<string, ServiceKeyRecord>({
            max: limits.maxEntries,
            ttl: limits.maxAgeMs,
            // The age is measured on the injected clock, checked on every read.
            perf: { now: () => deps.clock.now() },
            ttlResolution: 0,
          });
    deps.bus.subscribe(
      (event) => this.#onRevocation(event),
      () => this.#drop(),
    );
  }

  /** The key's record when `key` is exactly a key we issued and it is not revoked, else null. */
  async verify(key: string): Promise<ServiceKeyRecord | null> {
    return this.verifyNow(key);
  }

  /**
   * `verify`, answered without a promise when this node's cache decides (a cached key while the
   * bus is live, or a malformed key): the introspection fast path checks the key and the session
   * in one synchronous stretch, so the bus is asked once for both (lookOnce, sqlite-revocation-bus.ts).
   */
  verifyNow(key: string): ServiceKeyRecord | null | Promise<ServiceKeyRecord | null> {
    const parsed = parseToken(key);
    if (!parsed) return null;
    const { crypto } = this.#deps;
    const found = this.#find(parsed.id);
    return found instanceof Promise ? found.then((record) => accept(crypto, parsed.secret, record)) : accept(crypto, parsed.secret, found);
  }

  async create(name: string): Promise<{ record: ServiceKeyRecord; key: string }> {
    return createServiceKey(this.#deps, name);
  }

  /** See `revokeServiceKey`. */
  async revoke(id: string): Promise<boolean> {
    const revoked = await this.#deps.store.revokeServiceKey(id, this.#deps.clock.now());
    await this.announce(id);
    return revoked;
  }

  /** After a key's revocation has committed: drop it here at once (the bus may deliver to ourselves later), then tell every node. */
  async announce(keyId: string): Promise<void> {
    this.#onRevocation({ kind: 'service-key', keyId });
    await this.#deps.bus.publish({ kind: 'service-key', keyId });
  }

  /** Keys this node holds (telemetry, tests). */
  get cacheSize(): number {
    return this.#cache?.size ?? 0;
  }

  /**
   * A warm cache answers without I/O, read and filled only while the bus is live; a cache that
   * was not live may have missed revocations, so it is emptied when the bus comes back. Only
   * keys that are not revoked are cached: an unknown or revoked id reads the database each time.
   */
  #find(id: string): ServiceKeyRecord | Promise<ServiceKeyRecord | null> {
    const { store, bus } = this.#deps;
    const cache = this.#cache;
    if (!cache) return store.findServiceKey(id);
    const live = bus.isLive();
    if (live !== this.#wasLive) {
      this.#drop();
      this.#wasLive = live;
    }
    if (!live) return store.findServiceKey(id);
    return cache.get(id) ?? this.#read(id);
  }

  /** A cache miss: the store's record, cached when it is a key in use and nothing was revoked meanwhile. */
  async #read(id: string): Promise<ServiceKeyRecord | null> {
    const { store, bus } = this.#deps;
    const generation = this.#generation;
    const record = await store.findServiceKey(id);
    if (record && record.revokedAt === null && generation === this.#generation && bus.isLive()) this.#cache?.set(id, record);
    return record;
  }

  #onRevocation(event: RevocationEvent): void {
    if (event.kind !== 'service-key') return;
    this.#generation++;
    this.#cache?.delete(event.keyId);
  }

  #drop(): void {
    this.#generation++;
    this.#cache?.clear();
  }
}
