/**
 * The SDK's local cache: introspection answers keyed by sha256(token), so a heap dump of the
 * service holds no usable token. Indexed by session and user so a revocation drops its entries
 * without a scan. Only active answers are cached; an unknown or revoked token is asked again.
 */
import type { RevocationEvent } from '../core/ports/revocation-bus.js';
import type { VerifiedSession } from './session.js';

interface Entry {
  session: VerifiedSession;
  /** ms since the epoch: min(exp, cachedAt + maxAge). */
  until: number;
}

/**
 * After a revocation, other sessiond nodes may still answer from their own caches for up to
 * their heartbeat timeout (2 s) plus a request's latency. An answer about a just-revoked session
 * or user is returned but not cached for this long, so a stale answer cannot stick for maxAge.
 * The same tombstones keep out an answer fetched while its session or user was revoked.
 */
const TOMBSTONE_MS = 5_000;
const MAX_TOMBSTONES = 10_000;

/** What `set` needs to know about when its answer was asked for; from `begin`. */
export interface Fetch {
  readonly epoch: number;
  readonly startedAt: number;
}

export class VerifierCache {
  readonly #entries = new Map<string, Entry>();
  readonly #bySession = new Map<string, string>();
  readonly #byUser = new Map<string, Set<string>>();
  readonly #tombstones = new Map<string, number>();
  /**
   * Bumped by a clear and when tombstones are forgotten in bulk: an answer fetched across a bump
   * is not cached. A revocation of one session or user does not bump it; its tombstone keeps out
   * answers about that session or user only, so an unrelated (or repeated) event costs nothing.
   */
  #epoch = 0;
  /** Bumped by every event: concurrent asks share an introspection only if none came between. */
  #heard = 0;

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** Events heard so far (revocations and clears). */
  get heard(): number {
    return this.#heard;
  }

  /** Call before asking sessiond; pass the result to `set` with the answer. */
  begin(now: number): Fetch {
    return { epoch: this.#epoch, startedAt: now };
  }

  get(key: string, now: number): VerifiedSession | null {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    if (now < entry.until) return entry.session;
    this.#delete(key);
    return null;
  }

  /**
   * Caches an answer unless its session or user was revoked since `fetch` began (or within the
   * tombstone time), or the cache was cleared meanwhile. A fetch that took as long as a tombstone
   * lives is not cached: a revocation heard early in it may already be forgotten.
   */
  set(key: string, session: VerifiedSession, now: number, fetch: Fetch): void {
    if (fetch.epoch !== this.#epoch || now - fetch.startedAt >= TOMBSTONE_MS || this.#isTombstoned(session, now)) return;
    if (this.#entries.size >= this.maxEntries && !this.#entries.has(key)) {
      // Map order is insertion order: the oldest entry goes first.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#delete(oldest);
    }
    this.#entries.set(key, { session, until: Math.min(session.expiresAt, now + this.maxAgeMs) });
    this.#bySession.set(session.sessionId, key);
    let keys = this.#byUser.get(session.userId);
    if (!keys) this.#byUser.set(session.userId, (keys = new Set()));
    keys.add(key);
  }

  revoke(event: RevocationEvent, now: number): void {
    // A service key was revoked: sessiond's own business; this cache holds sessions only.
    if (event.kind === 'service-key') return;
    // A workspace policy changed: any cached session may now break it. Ask sessiond again for each.
    if (event.kind === 'policies') return this.clear();
    this.#heard++;
    if (this.#tombstones.size >= MAX_TOMBSTONES) {
      this.#tombstones.clear();
      this.#epoch++;
    }
    if (event.kind === 'session') {
      this.#tombstones.set(`s:${event.sessionId}`, now + TOMBSTONE_MS);
      const key = this.#bySession.get(event.sessionId);
      if (key !== undefined) this.#delete(key);
    } else {
      this.#tombstones.set(`u:${event.userId}`, now + TOMBSTONE_MS);
      for (const key of this.#byUser.get(event.userId) ?? []) this.#delete(key);
    }
  }

  clear(): void {
    this.#epoch++;
    this.#heard++;
    this.#entries.clear();
    this.#bySession.clear();
    this.#byUser.clear();
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    const { sessionId, userId } = entry.session;
    if (this.#bySession.get(sessionId) === key) this.#bySession.delete(sessionId);
    const keys = this.#byUser.get(userId);
    keys?.delete(key);
    if (keys?.size === 0) this.#byUser.delete(userId);
  }

  #isTombstoned(session: VerifiedSession, now: number): boolean {
    return [`s:${session.sessionId}`, `u:${session.userId}`].some((name) => {
      const until = this.#tombstones.get(name);
      if (until === undefined) return false;
      if (now < until) return true;
      this.#tombstones.delete(name);
      return false;
    });
  }
}
