/**
 * The rate-limiter contract (`src/core/testing/rate-limiter.contract.ts`) on the in-memory
 * limiter and the Redis one nodes share, and what only sharing adds: two nodes on one Redis
 * count, decide and refund together.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { memoryRateLimiter } from '../../src/adapters/rate-limit/memory-rate-limiter.js';
import { redisRateLimiter } from '../../src/adapters/rate-limit/redis-rate-limiter.js';
import { runRateLimiterContract } from '../../src/core/testing/rate-limiter.contract.js';
import { systemClock } from '../../src/registry.js';

const REDIS_URL = process.env.SESSIOND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = redisRateLimiter(REDIS_URL, systemClock);
afterAll(() => redis.close());

runRateLimiterContract('memory', memoryRateLimiter(systemClock));
runRateLimiterContract('redis', redis);

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

it('two nodes on one Redis: of 40 concurrent hits spread over both, exactly 10 are allowed; a refund on one is seen by the other', async () => {
  const other = redisRateLimiter(REDIS_URL, systemClock);
  try {
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? redis : other).hit(key, 10, 60_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    await redis.reset(key);
    for (let i = 0; i < 10; i++) await redis.hit(key, 10, 60_000);
    await other.refund(key);
    expect((await redis.hit(key, 10, 60_000)).allowed).toBe(true);
    expect((await other.hit(key, 10, 60_000)).allowed).toBe(false);
  } finally {
    other.close();
  }
});
