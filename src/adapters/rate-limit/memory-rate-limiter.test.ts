/**
 * The single-node limiter's memory bound, on a test clock. The contract every limiter keeps is
 * in `src/core/testing/rate-limiter.contract.ts`; this file pins what only this one has to
 * decide: which keys go when the map is full. A flood of distinct keys (distinct IPv6 addresses
 * through a trusted proxy, distinct unknown emails) must never buy an attacker a locked
 * account's key back, and memory must stay bounded whatever the flood.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/testing/fakes.js';
import { memoryRateLimiter } from './memory-rate-limiter.js';

const WINDOW = 15 * 60_000;
const ACCOUNT = 'sign-in:account:victim@example.com';
const floodKey = (round: number, i: number) => `sign-in:ip:2001:db8:${round.toString(16)}::${i.toString(16)}`;

describe('memory rate limiter under a flood of distinct keys', () => {
  it('a locked account stays locked through a flood of 101 times maxKeys keys, until its window ends; memory stays bounded', async () => {
    const clock = fixedClock('2026-04-01T09:00:00Z');
    const maxKeys = 1_000;
    const limiter = memoryRateLimiter(clock, maxKeys);
    let checked = 0;
    for (let i = 0; i < 11; i++) if ((await limiter.hit(ACCOUNT, 10, WINDOW)).allowed) checked++;
    expect(checked).toBe(10);
    // The attack as reported: a guess at the account between every batch of fresh keys.
    for (let round = 0; round < 101; round++) {
      for (let i = 0; i < maxKeys; i++) await limiter.hit(floodKey(round, i), 100, WINDOW);
      if ((await limiter.hit(ACCOUNT, 10, WINDOW)).allowed) checked++;
      expect(checked, `guesses checked after flood ${round + 1}`).toBe(10);
      expect(limiter.size).toBeLessThanOrEqual(2 * maxKeys);
      clock.advance(5_000);
    }
    expect(checked).toBe(10);
    // Bounded in time: the lockout ends with its window (opened 101 × 5 s ago), not before.
    const refused = await limiter.hit(ACCOUNT, 10, WINDOW);
    expect(refused).toEqual({ allowed: false, retryAfterMs: WINDOW - 101 * 5_000 });
    clock.advance(refused.retryAfterMs);
    expect((await limiter.hit(ACCOUNT, 10, WINDOW)).allowed).toBe(true);
  });

  it('evicts the least recently used open key first: a key still in use keeps its count', async () => {
    const clock = fixedClock('2026-04-01T09:00:00Z');
    const maxKeys = 100;
    const limiter = memoryRateLimiter(clock, maxKeys);
    for (let i = 0; i < 9; i++) await limiter.hit(ACCOUNT, 10, WINDOW);
    for (let round = 0; round < 5; round++) {
      // Fewer fresh keys than the bound between two uses: the account's key is never the oldest.
      for (let i = 0; i < maxKeys - 1; i++) await limiter.hit(floodKey(round, i), 100, WINDOW);
      expect((await limiter.hit(ACCOUNT, 1_000, WINDOW)).allowed).toBe(true);
      expect(limiter.size).toBeLessThanOrEqual(maxKeys);
    }
    // 9 + 5 hits: over a limit of 10.
    expect((await limiter.hit(ACCOUNT, 10, WINDOW)).allowed).toBe(false);
  });

  it('blocked keys are bounded on their own: past the bound the oldest lockout goes, the newest hold', async () => {
    const clock = fixedClock('2026-04-01T09:00:00Z');
    const limiter = memoryRateLimiter(clock, 100, 50);
    for (let k = 0; k < 500; k++) {
      await limiter.hit(`locked-${k}`, 1, WINDOW);
      await limiter.hit(`locked-${k}`, 1, WINDOW);
    }
    for (let k = 450; k < 500; k++) expect((await limiter.hit(`locked-${k}`, 1, WINDOW)).allowed).toBe(false);
    expect(limiter.size).toBeLessThanOrEqual(150);
    // A flood of open keys does not touch them.
    for (let i = 0; i < 1_000; i++) await limiter.hit(floodKey(0, i), 100, WINDOW);
    for (let k = 450; k < 500; k++) expect((await limiter.hit(`locked-${k}`, 1, WINDOW)).allowed).toBe(false);
    expect(limiter.size).toBeLessThanOrEqual(150);
  });

  it('reset forgets a blocked key', async () => {
    const clock = fixedClock('2026-04-01T09:00:00Z');
    const limiter = memoryRateLimiter(clock, 10);
    await limiter.hit(ACCOUNT, 1, WINDOW);
    expect((await limiter.hit(ACCOUNT, 1, WINDOW)).allowed).toBe(false);
    await limiter.reset(ACCOUNT);
    expect((await limiter.hit(ACCOUNT, 1, WINDOW)).allowed).toBe(true);
    expect(limiter.size).toBe(1);
  });
});
