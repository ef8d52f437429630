/** A counter per key over a fixed window; shared across nodes when backed by Redis. */
export interface RateLimiter {
  /** Counts one hit on `key`; `allowed` is false once `limit` hits fell in the window. */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /** Reads without counting. */
  peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /** Forgets a key (e.g. the failure counter of an account after a good sign-in). */
  reset(key: string): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Milliseconds until the window resets; 0 when allowed. */
  retryAfterMs: number;
}
