/**
 * Bounds argon2's CPU: at most `concurrency` hashes or verifications run at once, and at most as
 * many wait as can start within `maxWaitMs`; one more is refused with `unavailable` (503,
 * Retry-After), decided at once and before any hashing. Without it a sign-in flood runs as many
 * argon2 calls as libuv has threads (4 by default, each a whole core's work), the event loop gets
 * a share of the CPU like any of them, and every call waits without bound: on 2 cores `/healthz`
 * took 11.6 s (issue 13), and the node went on hashing the backlog long after the flood.
 *
 * The refusal is answered later (a timer, no work): at least a second later, and more when many
 * are held, so that at most `refusalsPerSecond` are answered each second. Measured with 2,000
 * connections that retry as soon as they are answered (bench/parts/flood.ts), instant refusals
 * let them come back ~3,200 times a second, the refusals alone filled the event loop, validation
 * waited ~370 ms (p50) and argon2 stood idle waiting for the loop to hand it the next password;
 * held a second, they still came back 500-700 times a second on a busy machine.
 *
 * Off the main thread already: @node-rs/argon2 runs each call on libuv's thread pool. What this
 * adds is the bound: with `concurrency` below the core count, the event loop keeps a core of its
 * own, and the thread pool keeps threads for what else uses it (file system, DNS lookups).
 *
 * Refusing says nothing about the account: it depends only on the queue, is decided before the
 * password or the stored hash is looked at, and a known address, an unknown one (its dummy hash)
 * and a sign-up are queued and refused alike.
 *
 * Why 503 `unavailable` and not 429 `rate_limited`: the refusal is about the server's load, not
 * about what this client sent; the user did nothing too often and should retry shortly with the
 * same credentials, which is what `unavailable` tells a client (docs/errors.md).
 */
import { SessiondError } from '../../core/errors.js';
import type { PasswordHasher } from '../../core/ports/password-hasher.js';

export interface HashingQueueOptions {
  /** Hashes run at once. */
  concurrency: number;
  /** A call that would wait longer than this (by the recent duration of a hash) is refused. */
  maxWaitMs: number;
  /**
   * A refusal is decided at once but answered this much later (a timer, no work): a flood's
   * connections retry as soon as they are answered, so an instant refusal would only turn an
   * argon2 flood into a flood of refusals that keeps the event loop as busy.
   */
  refusalDelayMs?: number;
  /**
   * Refusals answered per second at most, by holding each longer when many are held (`held /
   * rate` seconds, if over `refusalDelayMs`): so many connections, so many held refusals, and
   * their answers, each met by a new attempt, still cost the event loop a bounded share.
   */
  refusalsPerSecond?: number;
  /** The duration of one hash assumed until one was measured. */
  initialEstimateMs?: number;
  /** Reads the time, in milliseconds (tests may pass a fake clock). */
  now?: () => number;
}

export interface HashingQueueStats {
  running: number;
  waiting: number;
  /** Recent duration of one hash (moving average), ms. */
  estimateMs: number;
  refused: number;
  /** Refusals decided and not yet answered. */
  held: number;
}

export interface BoundedPasswordHasher extends PasswordHasher {
  stats(): HashingQueueStats;
}

/** The message of a refusal: the server is busy, not the password wrong. */
export const BUSY_MESSAGE = 'The server is busy checking other sign-ins. Try again in a few seconds.';

/** How long a refusal is held before it is answered, at least (`refusalDelayMs`). */
export const REFUSAL_DELAY_MS = 1_000;

/**
 * Refusals answered per second at most (`refusalsPerSecond`): a refused sign-in costs the event
 * loop ~0.3 ms (the request, its rate limits and lookup, the answer), so at most ~6% of a core.
 */
export const REFUSALS_PER_SECOND = 200;

/** Weight of the newest duration in the moving average. */
const EWMA_WEIGHT = 0.2;

/** The default: every core but one, which the event loop keeps; at least one. */
export function defaultHashConcurrency(cores: number): number {
  return Math.max(1, cores - 1);
}

export function boundedPasswordHasher(inner: PasswordHasher, options: HashingQueueOptions): BoundedPasswordHasher {
  const { concurrency, maxWaitMs, refusalDelayMs = REFUSAL_DELAY_MS, refusalsPerSecond = REFUSALS_PER_SECOND } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`hash concurrency must be a positive integer (got ${concurrency})`);
  const now = options.now ?? (() => performance.now());
  let estimateMs = options.initialEstimateMs ?? 50;
  let running = 0;
  let refused = 0;
  /** Refusals decided and not yet answered. */
  let held = 0;
  const waiting: (() => void)[] = [];

  /** How long a call queued now would wait: the hashes ahead of it, `concurrency` at a time. */
  const waitMs = (ahead: number) => Math.ceil(ahead / concurrency) * estimateMs;

  const release = () => {
    running--;
    const next = waiting.shift();
    if (next) {
      running++;
      next();
    }
  };

  async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= concurrency) {
      // This call would start once every waiting call and one running call are done.
      if (waitMs(waiting.length + 1) > maxWaitMs) {
        refused++;
        const retryAfterSeconds = Math.max(1, Math.ceil(waitMs(waiting.length + running) / 1000));
        const delayMs = Math.max(refusalDelayMs, (held * 1000) / refusalsPerSecond);
        held++;
        try {
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        } finally {
          held--;
        }
        throw new SessiondError('unavailable', BUSY_MESSAGE, { retryAfterSeconds });
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    const started = now();
    try {
      return await task();
    } finally {
      estimateMs += EWMA_WEIGHT * (now() - started - estimateMs);
      release();
    }
  }

  return {
    hash: (password) => run(() => inner.hash(password)),
    verify: (stored, password) => run(() => inner.verify(stored, password)),
    stats: () => ({ running, waiting: waiting.length, estimateMs, refused, held }),
  };
}
