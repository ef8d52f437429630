/**
 * The rate-limiter contract, for the in-memory limiter and the Redis one nodes share. Real time
 * (Redis keeps its own clock), so windows are short.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryRateLimiter } from '../../src/adapters/rate-limit/memory-rate-limiter.js';
import { redisRateLimiter } from '../../src/adapters/rate-limit/redis-rate-limiter.js';
import type { RateLimiter } from '../../src/core/ports/rate-limiter.js';
import { systemClock } from '../../src/registry.js';

const REDIS_URL = process.env.SESSIOND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = redisRateLimiter(REDIS_URL, systemClock);
afterAll(() => redis.close());

const LIMITERS: [string, RateLimiter][] = [
  ['memory', memoryRateLimiter(systemClock)],
  ['redis', redis],
];

describe.each(LIMITERS)('%s rate limiter', (_name, limiter) => {
  it('allows `limit` hits in a window, refuses the next with the time left', async () => {
    const key = randomUUID();
    for (let i = 0; i < 3; i++) expect((await limiter.hit(key, 3, 60_000)).allowed).toBe(true);
    const refused = await limiter.hit(key, 3, 60_000);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('peeks without counting', async () => {
    const key = randomUUID();
    await limiter.hit(key, 2, 60_000);
    for (let i = 0; i < 5; i++) expect((await limiter.peek(key, 2, 60_000)).allowed).toBe(true);
    await limiter.hit(key, 2, 60_000);
    expect((await limiter.peek(key, 2, 60_000)).allowed).toBe(false);
  });

  it('opens again when the window ends, and on reset', async () => {
    const key = randomUUID();
    await limiter.hit(key, 1, 150);
    expect((await limiter.hit(key, 1, 150)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect((await limiter.hit(key, 1, 150)).allowed).toBe(true);
    await limiter.reset(key);
    expect((await limiter.hit(key, 1, 150)).allowed).toBe(true);
  });
});

it('two nodes on one Redis share the count', async () => {
  const other = redisRateLimiter(REDIS_URL, systemClock);
  try {
    const key = randomUUID();
    expect((await redis.hit(key, 2, 60_000)).allowed).toBe(true);
    expect((await other.hit(key, 2, 60_000)).allowed).toBe(true);
    expect((await redis.hit(key, 2, 60_000)).allowed).toBe(false);
  } finally {
    other.close();
  }
});
