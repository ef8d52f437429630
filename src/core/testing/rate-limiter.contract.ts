/**
 * The RateLimiter port's contract, as one suite every adapter runs
 * (`test/integration/rate-limiter.test.ts` runs it on the in-memory limiter and on real Redis).
 * The use cases reserve an attempt before checking a secret (ASVS 5.0 6.3.1, NIST SP 800-63B
 * §5.2.2): `hit` counts and decides in one step, so concurrent attempts never share the last
 * slot, and `refund` gives back an attempt that turned out not to be a failure. Real time (Redis
 * keeps its own clock), so windows are short.
 */
import { describe, expect, it } from 'vitest';
import type { RateLimiter } from '../ports/rate-limiter.js';

let counter = 0;
/** Unique within a run and across runs sharing a Redis. */
const uniqueKey = () => `contract:${++counter}:${Math.random().toString(36).slice(2, 12)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const allowedOf = async (results: Promise<{ allowed: boolean }>[]) => (await Promise.all(results)).filter((r) => r.allowed).length;

export function runRateLimiterContract(name: string, limiter: RateLimiter): void {
  describe(`RateLimiter contract: ${name}`, () => {
    it('allows `limit` hits in a window, refuses the next with the time left', async () => {
      const key = uniqueKey();
      for (let i = 0; i < 3; i++) expect(await limiter.hit(key, 3, 60_000)).toEqual({ allowed: true, retryAfterMs: 0 });
      const refused = await limiter.hit(key, 3, 60_000);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(50_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    });

    it('counts and decides in one step: of 40 concurrent hits on a limit of 10, exactly 10 are allowed', async () => {
      const key = uniqueKey();
      expect(await allowedOf(Array.from({ length: 40 }, () => limiter.hit(key, 10, 60_000)))).toBe(10);
      expect((await limiter.hit(key, 10, 60_000)).allowed).toBe(false);
    });

    it('keys are counted apart', async () => {
      const a = uniqueKey();
      const b = uniqueKey();
      await limiter.hit(a, 1, 60_000);
      expect((await limiter.hit(a, 1, 60_000)).allowed).toBe(false);
      expect((await limiter.hit(b, 1, 60_000)).allowed).toBe(true);
    });

    it('refund gives one allowed hit back, once per refund', async () => {
      const key = uniqueKey();
      for (let i = 0; i < 3; i++) await limiter.hit(key, 3, 60_000);
      await limiter.refund(key);
      expect((await limiter.hit(key, 3, 60_000)).allowed).toBe(true);
      expect((await limiter.hit(key, 3, 60_000)).allowed).toBe(false);
    });

    it('refund banks nothing: on an unknown key, or below zero, it changes nothing', async () => {
      const fresh = uniqueKey();
      for (let i = 0; i < 5; i++) await limiter.refund(fresh);
      expect(await allowedOf(Array.from({ length: 4 }, () => limiter.hit(fresh, 2, 60_000)))).toBe(2);
      const used = uniqueKey();
      await limiter.hit(used, 2, 60_000);
      for (let i = 0; i < 5; i++) await limiter.refund(used);
      expect(await allowedOf(Array.from({ length: 4 }, () => limiter.hit(used, 2, 60_000)))).toBe(2);
    });

    it('refunds give attempts back one for one: 10 hits, 5 refunds, then 5 of 20 concurrent hits are allowed', async () => {
      const key = uniqueKey();
      for (let i = 0; i < 10; i++) await limiter.hit(key, 10, 60_000);
      await Promise.all(Array.from({ length: 5 }, () => limiter.refund(key)));
      expect(await allowedOf(Array.from({ length: 20 }, () => limiter.hit(key, 10, 60_000)))).toBe(5);
    });

    it('opens again when the window ends, and on reset; a refund after the window ended banks nothing', async () => {
      const key = uniqueKey();
      await limiter.hit(key, 1, 150);
      expect((await limiter.hit(key, 1, 150)).allowed).toBe(false);
      await sleep(200);
      await limiter.refund(key);
      expect((await limiter.hit(key, 1, 150)).allowed).toBe(true);
      expect((await limiter.hit(key, 1, 150)).allowed).toBe(false);
      await limiter.reset(key);
      expect((await limiter.hit(key, 1, 150)).allowed).toBe(true);
    });
  });
}
