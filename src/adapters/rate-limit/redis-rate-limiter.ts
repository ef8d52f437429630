/**
 * Fixed-window counters in Redis, shared by every node (`--redis`), so a client cannot multiply
 * its sign-in attempts by spreading them over nodes. One atomic script per hit (count and decide
 * together, so concurrent attempts never share the last slot) and per refund. While Redis is
 * unreachable the node falls back to its own in-memory counters: limits stay in force per node
 * rather than disappearing or locking everyone out.
 */
import { Redis } from 'ioredis';
import type { OnAdapterError } from '../adapter-errors.js';
import type { Clock } from '../../core/ports/clock.js';
import type { RateLimiter, RateLimitResult } from '../../core/ports/rate-limiter.js';
import { memoryRateLimiter } from './memory-rate-limiter.js';

// INCR, set the window's expiry on the first hit, return the count and the time left.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`;

// Gives one attempt back: never below zero, never creating a key (DECR keeps the expiry).
const REFUND = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return n
`;

export interface RedisRateLimiterOptions {
  /**
   * The deployment's `--redis-prefix`: counters are `<prefix>:rl:<key>`, so deployments sharing
   * one Redis never share a limit (nor does a database number alone keep them apart in a cluster).
   * @default 'sessiond'
   */
  prefix?: string;
}

/**
 * `onError` hears every connection error and every command that fell back to the node's own
 * counters (a stalled link times commands out without a connection error).
 */
export function redisRateLimiter(
  url: string,
  clock: Clock,
  onError: OnAdapterError = () => {},
  options: RedisRateLimiterOptions = {},
): RateLimiter & { close(): void } {
  const PREFIX = `${options.prefix ?? 'sessiond'}:rl:`;
  // Commands wait for a (re)connection at most half a second, then the fallback answers.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 500, connectTimeout: 1_000 });
  redis.on('error', onError);
  const fallback = memoryRateLimiter(clock);
  const result = (count: number, limit: number, ttl: number): RateLimitResult =>
    count > limit ? { allowed: false, retryAfterMs: Math.max(ttl, 1) } : { allowed: true, retryAfterMs: 0 };

  return {
    async hit(key, limit, windowMs) {
      try {
        const [count, ttl] = (await redis.eval(HIT, 1, PREFIX + key, String(windowMs))) as [number, number];
        return result(count, limit, ttl);
      } catch (err) {
        onError(err);
        return fallback.hit(key, limit, windowMs);
      }
    },
    async refund(key) {
      try {
        await redis.eval(REFUND, 1, PREFIX + key);
      } catch (err) {
        // Where the hit most likely went: Redis was down for it too.
        onError(err);
        await fallback.refund(key);
      }
    },
    async reset(key) {
      await Promise.all([redis.del(PREFIX + key).catch(onError), fallback.reset(key)]);
    },
    close() {
      redis.disconnect();
    },
  };
}
