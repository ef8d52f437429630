/**
 * The node-local cache on the validation path: session id -> what validation needs (the session
 * record with its secret's hash, and the owner's profile; never a password hash). LRU, bounded
 * by entries and by an estimate of bytes. Entries are dropped by revocation events; expiry is
 * computed on every read from the cached times, so a cached session never outlives its policy.
 */
import type { SessionWithUser } from './ports/store.js';

export interface SessionCacheLimits {
  maxEntries: number;
  maxBytes: number;
  /**
   * An entry older than this is read again from the database. Revocation events are what keep
   * the cache correct; this only bounds the damage if a publish was lost after its commit while
   * this node's own bus stayed live (a partial partition).
   */
  maxAgeMs: number;
}

export const DEFAULT_CACHE_LIMITS: SessionCacheLimits = { maxEntries: 100_000, maxBytes: 64 * 1024 * 1024, maxAgeMs: 30_000 };

/** How recent a use must be for the eviction order to count it: uses closer together than this count once. */
export const RECENCY_MS = 1_000;

export class SessionCache {
  readonly #limits: SessionCacheLimits;
  readonly #entries = new Map<string, { value: SessionWithUser; bytes: number; cachedAt: number; usedAt: number }>();
  readonly #byUser = new Map<string, Set<string>>();
  #bytes = 0;

  constructor(limits: SessionCacheLimits = DEFAULT_CACHE_LIMITS) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(sessionId: string, now: number): SessionWithUser | undefined {
    const entry = this.#entries.get(sessionId);
    if (!entry) return undefined;
    if (now - entry.cachedAt > this.#limits.maxAgeMs) {
      this.delete(sessionId);
      return undefined;
    }
    // Re-insert: Map keeps insertion order, so the first key is always the least recently used
    // (to within RECENCY_MS: an entry used again within it keeps its place, which saves a busy
    // session two Map writes on nearly every read).
    if (now - entry.usedAt >= RECENCY_MS) {
      entry.usedAt = now;
      this.#entries.delete(sessionId);
      this.#entries.set(sessionId, entry);
    }
    return entry.value;
  }

  set(value: SessionWithUser, now: number): void {
    const id = value.session.id;
    this.delete(id);
    const bytes = estimateBytes(value);
    this.#entries.set(id, { value, bytes, cachedAt: now, usedAt: now });
    this.#bytes += bytes;
    let ids = this.#byUser.get(value.user.id);
    if (!ids) this.#byUser.set(value.user.id, (ids = new Set()));
    ids.add(id);
    while (this.#entries.size > this.#limits.maxEntries || this.#bytes > this.#limits.maxBytes) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  delete(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (!entry) return;
    this.#entries.delete(sessionId);
    this.#bytes -= entry.bytes;
    const ids = this.#byUser.get(entry.value.user.id);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.#byUser.delete(entry.value.user.id);
  }

  deleteUser(userId: string): void {
    for (const id of [...(this.#byUser.get(userId) ?? [])]) this.delete(id);
  }

  clear(): void {
    this.#entries.clear();
    this.#byUser.clear();
    this.#bytes = 0;
  }
}

/** Two bytes per UTF-16 unit of every string plus a fixed overhead for objects and numbers. */
const FIXED_OVERHEAD_BYTES = 400;

export function estimateBytes(value: SessionWithUser): number {
  let chars = 0;
  const visit = (v: unknown) => {
    if (typeof v === 'string') chars += v.length;
    else if (v && typeof v === 'object') for (const inner of Object.values(v)) visit(inner);
  };
  visit(value);
  return FIXED_OVERHEAD_BYTES + chars * 2;
}
