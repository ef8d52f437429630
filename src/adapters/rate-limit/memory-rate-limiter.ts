import type { Clock } from '../../core/ports/clock.js';
import type { RateLimiter, RateLimitResult } from '../../core/ports/rate-limiter.js';

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window counters in this process (single node), bounded in memory by two maps.
 *
 * Why two: a bounded map must drop something when it is full, and an attacker chooses what
 * fills it — distinct IPv6 addresses through a trusted proxy, distinct unknown emails. With one
 * map, a flood of fresh keys evicted a locked account's key and bought its owner's attacker a
 * new window of guesses (ASVS 5.0 6.3.1; NIST SP 800-63B §5.2.2: failed attempts on an account
 * must stay limited). So a key that is over its limit — a lockout in force — lives in `blocked`,
 * which fresh keys never touch: they only ever evict other open keys, least recently used first,
 * so a key in use keeps its count while less than `maxKeys` newer keys pass. `blocked` has its
 * own bound, `maxBlockedKeys`; filling it takes `limit + 1` attempts per key, and when it is
 * full the blocked key least recently hit goes first (one an attacker has stopped trying).
 * Keeping account keys apart from IP keys would not do: account keys can be flooded too (any
 * email counts a failure). Persisting lockouts in the database would, at a write per failure;
 * nodes that share `--redis` already keep their counters there.
 *
 * Memory: at most `maxKeys + maxBlockedKeys` windows, about 180 bytes each with its key (36 MB
 * with both maps full at the defaults).
 */
export function memoryRateLimiter(
  clock: Clock,
  maxKeys = 100_000,
  maxBlockedKeys = maxKeys,
): RateLimiter & {
  /** Windows held (tests assert the bound). */
  readonly size: number;
} {
  /** Keys within their limit, least recently hit first (a Map iterates in insertion order). */
  const open = new Map<string, Window>();
  /** Keys over their limit, least recently hit first. */
  const blocked = new Map<string, Window>();

  /** The key's live window, or a fresh one; the key is removed from both maps (the caller puts it back). */
  function take(key: string, windowMs: number, now: number): Window {
    const w = blocked.get(key) ?? open.get(key);
    blocked.delete(key);
    open.delete(key);
    return w && w.resetAt > now ? w : { count: 0, resetAt: now + windowMs };
  }

  function put(key: string, w: Window, limit: number) {
    const [map, max] = w.count > limit ? [blocked, maxBlockedKeys] : [open, maxKeys];
    map.set(key, w);
    // One key in, at most one out: the least recently hit.
    const oldest = map.size > max ? map.keys().next().value : undefined;
    if (oldest !== undefined) map.delete(oldest);
  }

  function result(count: number, limit: number, resetAt: number, now: number): RateLimitResult {
    return count > limit ? { allowed: false, retryAfterMs: resetAt - now } : { allowed: true, retryAfterMs: 0 };
  }

  return {
    get size() {
      return open.size + blocked.size;
    },
    async hit(key, limit, windowMs) {
      const now = clock.now();
      const w = take(key, windowMs, now);
      w.count += 1;
      put(key, w, limit);
      return result(w.count, limit, w.resetAt, now);
    },
    async refund(key) {
      const w = blocked.get(key) ?? open.get(key);
      // A key refunded back within its limit may stay in `blocked` until its next hit sorts it.
      if (w && w.resetAt > clock.now() && w.count > 0) w.count -= 1;
    },
    async reset(key) {
      open.delete(key);
      blocked.delete(key);
    },
  };
}
