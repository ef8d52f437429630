/**
 * The bounded hashing queue on real argon2 (cheap parameters). Each call reaches argon2 only when
 * the test opens its gate, so which calls run, wait or are refused is decided by the queue alone,
 * with no timing involved; the queue's clock is fixed, so its wait estimate stays the initial one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSessiondError } from '../../core/errors.js';
import type { PasswordHasher } from '../../core/ports/password-hasher.js';
import { argon2PasswordHasher } from './argon2-password-hasher.js';
import { BUSY_MESSAGE, REFUSAL_DELAY_MS, boundedPasswordHasher, defaultHashConcurrency } from './hashing-queue.js';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** argon2 behind gates: records which passwords reached it, in order, and holds each until opened. */
function gated(inner: PasswordHasher = argon2PasswordHasher(CHEAP)) {
  const reached: string[] = [];
  const gates = new Map<string, () => void>();
  const waitFor = (password: string) =>
    new Promise<void>((resolve) => {
      reached.push(password);
      gates.set(password, resolve);
    });
  const hasher: PasswordHasher = {
    hash: async (password) => {
      await waitFor(password);
      return inner.hash(password);
    },
    verify: async (stored, password) => {
      await waitFor(password);
      return inner.verify(stored, password);
    },
  };
  const open = (password: string) => {
    const gate = gates.get(password);
    if (!gate) throw new Error(`${password} has not reached argon2`);
    gate();
  };
  return { hasher, reached, open };
}

/**
 * One at a time, a hash assumed to take 100 ms, at most 250 ms of wait: one runs, two wait; a
 * refusal answered at once (its hold has a test of its own).
 */
const options = { concurrency: 1, maxWaitMs: 250, initialEstimateMs: 100, now: () => 0, refusalDelayMs: 0 };

/** Lets the calls a released slot started reach argon2 (they do so within one turn of the loop). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

async function refusal(call: Promise<unknown>) {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isSessiondError(err)) throw new Error(`expected a SessiondError, got ${String(err)}`);
  return err;
}

describe('boundedPasswordHasher', () => {
  it('when full, refuses at once with unavailable and Retry-After, without hashing', async () => {
    const argon2 = gated();
    const queue = boundedPasswordHasher(argon2.hasher, options);
    const running = queue.hash('first');
    const waiting = [queue.hash('second'), queue.hash('third')];
    const refused = await refusal(queue.hash('fourth'));
    expect(refused.code).toBe('unavailable');
    expect(refused.message).toBe(BUSY_MESSAGE);
    // Three hashes ahead of it, one at a time, 100 ms each.
    expect(refused.retryAfterSeconds).toBe(1);
    // A verification is refused alike: the queue does not look at what it is given.
    expect((await refusal(queue.verify('$argon2id$stored', 'fifth'))).code).toBe('unavailable');
    expect(argon2.reached).toEqual(['first']);
    expect(queue.stats()).toMatchObject({ running: 1, waiting: 2, refused: 2 });

    argon2.open('first');
    await running;
    await settled();
    argon2.open('second');
    await waiting[0];
    await settled();
    argon2.open('third');
    const hashes = await Promise.all(waiting);
    for (const h of hashes) expect(h).toMatch(/^\$argon2id\$/);
    expect(argon2.reached).toEqual(['first', 'second', 'third']);
    expect(queue.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('starts waiting calls in the order they came, as many at once as its concurrency', async () => {
    const argon2 = gated();
    const queue = boundedPasswordHasher(argon2.hasher, { ...options, concurrency: 2, maxWaitMs: 10_000 });
    const calls = ['a', 'b', 'c', 'd', 'e'].map((p) => queue.hash(p));
    // Let the started calls reach argon2.
    await settled();
    expect(argon2.reached).toEqual(['a', 'b']);
    expect(queue.stats()).toMatchObject({ running: 2, waiting: 3 });
    argon2.open('b');
    await calls[1];
    await settled();
    expect(argon2.reached).toEqual(['a', 'b', 'c']);
    argon2.open('a');
    await calls[0];
    await settled();
    expect(argon2.reached).toEqual(['a', 'b', 'c', 'd']);
    for (const p of ['c', 'd']) argon2.open(p);
    await Promise.all(calls.slice(2, 4));
    await settled();
    argon2.open('e');
    await Promise.all(calls);
    expect(argon2.reached).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('gives the slot back when argon2 fails, and the next call runs', async () => {
    // Memory below argon2's minimum: argon2 itself refuses to hash.
    const argon2 = gated(argon2PasswordHasher({ memoryCost: 1, timeCost: 1, parallelism: 1 }));
    const queue = boundedPasswordHasher(argon2.hasher, options);
    const failing = queue.hash('broken');
    const next = queue.hash('next');
    argon2.open('broken');
    await expect(failing).rejects.toThrow(/memory cost/i);
    await settled();
    expect(argon2.reached).toEqual(['broken', 'next']);
    argon2.open('next');
    await expect(next).rejects.toThrow(/memory cost/i);
    expect(queue.stats()).toMatchObject({ running: 0, waiting: 0, refused: 0 });
    // Nothing stays taken: a new call runs at once.
    const again = queue.hash('again');
    await settled();
    expect(argon2.reached.at(-1)).toBe('again');
    argon2.open('again');
    await expect(again).rejects.toThrow(/memory cost/i);
  });

  describe('with a fake clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('holds a refusal a second before answering it, so a flood cannot come back at once', async () => {
      vi.useFakeTimers();
      const argon2 = gated();
      const queue = boundedPasswordHasher(argon2.hasher, { concurrency: 1, maxWaitMs: 0, now: () => 0 });
      const running = queue.hash('running');
      let answered = false;
      const refused = refusal(queue.hash('refused')).finally(() => (answered = true));
      // Decided at once: counted, never queued, never hashed.
      expect(queue.stats()).toMatchObject({ running: 1, waiting: 0, refused: 1 });
      await vi.advanceTimersByTimeAsync(REFUSAL_DELAY_MS - 1);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await refused).code).toBe('unavailable');
      expect(argon2.reached).toEqual(['running']);
      argon2.open('running');
      await running;
    });

    it('holds refusals longer when many are held, so they are answered at a bounded rate', async () => {
      vi.useFakeTimers();
      const argon2 = gated();
      // One answer a second at most: the n-th held refusal waits n - 1 seconds (at least 1).
      const queue = boundedPasswordHasher(argon2.hasher, { concurrency: 1, maxWaitMs: 0, now: () => 0, refusalsPerSecond: 1 });
      const running = queue.hash('running');
      let answered = 0;
      const refusals = ['a', 'b', 'c', 'd'].map((p) => refusal(queue.hash(p)).finally(() => answered++));
      expect(queue.stats()).toMatchObject({ refused: 4, held: 4 });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(answered).toBe(2);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(answered).toBe(3);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(answered).toBe(4);
      for (const r of await Promise.all(refusals)) expect(r.code).toBe('unavailable');
      expect(queue.stats()).toMatchObject({ held: 0 });
      expect(argon2.reached).toEqual(['running']);
      argon2.open('running');
      await running;
    });
  });

  it('leaves the event loop a core by default', () => {
    expect([1, 2, 4, 16].map(defaultHashConcurrency)).toEqual([1, 1, 3, 15]);
  });
});
