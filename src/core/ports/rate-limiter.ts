/**
 * A counter per key over a fixed window; shared across nodes when backed by Redis.
 *
 * Attempts at a secret are reserved, not peeked at: the use case counts the attempt with `hit`
 * before it checks the secret, and gives it back with `refund` (or clears the key with `reset`)
 * when the secret was right. A "may I?" read followed by a count after the check let concurrent
 * attempts all pass the read before any was counted (40 at once checked 40 passwords against a
 * limit of 10), so there is no such read.
 */
export interface RateLimiter {
  /**
   * Counts one attempt on `key` and, in the same atomic step, says whether it may go ahead: the
   * first `limit` hits of a window are allowed, and concurrent hits (on any node sharing the
   * counters) never share the last one. The window starts at the first hit.
   */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /**
   * Gives back one attempt an allowed `hit` counted (it turned out not to be a failure). Never
   * takes the count below zero and creates nothing: a refund banks no attempts for later, and
   * one after its window ended changes nothing.
   */
  refund(key: string): Promise<void>;
  /** Forgets a key (e.g. the failure counter of an account after a good sign-in). */
  reset(key: string): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Milliseconds until the window resets; 0 when allowed. */
  retryAfterMs: number;
}
