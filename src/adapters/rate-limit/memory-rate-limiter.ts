import type { Clock } from '../../core/ports/clock.js';
import type { RateLimiter, RateLimitResult } from '../../core/ports/rate-limiter.js';

/**
 * Fixed-window counters in this process (single node). Bounded: expired windows are swept
 * whenever the map grows past `maxKeys`, and if that frees nothing the oldest keys go first.
 */
export function memoryRateLimiter(clock: Clock, maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();

  function current(key: string, windowMs: number, now: number) {
    let w = windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      windows.delete(key);
      if (windows.size >= maxKeys) sweep(now);
      windows.set(key, w);
    }
    return w;
  }

  function sweep(now: number) {
    for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
    for (const k of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(k);
    }
  }

  function result(count: number, limit: number, resetAt: number, now: number): RateLimitResult {
    return count > limit ? { allowed: false, retryAfterMs: resetAt - now } : { allowed: true, retryAfterMs: 0 };
  }

  return {
    async hit(key, limit, windowMs) {
      const now = clock.now();
      const w = current(key, windowMs, now);
      w.count += 1;
      return result(w.count, limit, w.resetAt, now);
    },
    async peek(key, limit) {
      const now = clock.now();
      const w = windows.get(key);
      if (!w || w.resetAt <= now) return { allowed: true, retryAfterMs: 0 };
      // A peek asks whether one more attempt would be allowed.
      return result(w.count + 1, limit, w.resetAt, now);
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}
