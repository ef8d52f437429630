/**
 * Measures taken around two port adapters, in the one place they are made (registry.ts): the
 * time argon2 takes to hash and verify, and the attempts a rate limit refused, by limit. Their
 * metrics live with the node (registry.telemetry.metrics), so every HTTP app's /metrics shows
 * them; http/metrics.ts has the request-level ones.
 */
import { Counter, Histogram, type Metric } from 'prom-client';
import type { PasswordHasher } from '../core/ports/password-hasher.js';
import type { RateLimiter } from '../core/ports/rate-limiter.js';

/**
 * The limits, by the prefix of their keys (`<limit>:<value>`, core/accounts.ts, password-reset.ts,
 * sign-up.ts, passkeys.ts): the label's closed set. A key of another shape counts as `other`.
 */
export const RATE_LIMITS = [
  'sign-in:ip',
  'sign-in:account',
  'password-reset:ip',
  'password-reset:account',
  'sign-up:ip',
  'sign-up:address',
  'passkey-options:ip',
] as const;

export type RateLimitName = (typeof RATE_LIMITS)[number] | 'other';

const LIMIT_NAMES: ReadonlySet<string> = new Set(RATE_LIMITS);

/** The limit a key belongs to: its first two `:`-separated parts when they name a known limit. */
export function limitOf(key: string): RateLimitName {
  const first = key.indexOf(':');
  const second = first < 0 ? -1 : key.indexOf(':', first + 1);
  const name = second < 0 ? key : key.slice(0, second);
  return LIMIT_NAMES.has(name) ? (name as RateLimitName) : 'other';
}

export interface AdapterMeasures {
  passwordHash: Histogram;
  rateLimited: Counter<'limit'>;
  /** For registry.telemetry.metrics. */
  metrics: Metric[];
}

export function adapterMeasures(): AdapterMeasures {
  const passwordHash = new Histogram({
    name: 'sessiond_password_hash_duration_seconds',
    help: 'Time argon2 alone took to hash a password (sign-up, change, reset) or verify one (sign-in, re-authentication)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [],
  });
  const rateLimited = new Counter({
    name: 'sessiond_rate_limited_total',
    help: `Attempts a rate limit refused, by limit (${RATE_LIMITS.join(', ')}, other)`,
    labelNames: ['limit'] as const,
    registers: [],
  });
  return { passwordHash, rateLimited, metrics: [passwordHash, rateLimited] };
}

/** The hasher, timed: argon2's own time, not the sign-in's. */
export function measuredPasswordHasher(inner: PasswordHasher, histogram: AdapterMeasures['passwordHash']): PasswordHasher {
  return {
    async hash(password) {
      const end = histogram.startTimer();
      try {
        return await inner.hash(password);
      } finally {
        end();
      }
    },
    async verify(stored, password) {
      const end = histogram.startTimer();
      try {
        return await inner.verify(stored, password);
      } finally {
        end();
      }
    },
  };
}

/** The limiter, counting each refused attempt by its limit. */
export function countingRateLimiter(inner: RateLimiter, counter: AdapterMeasures['rateLimited']): RateLimiter {
  return {
    async hit(key, limit, windowMs) {
      const result = await inner.hit(key, limit, windowMs);
      if (!result.allowed) counter.inc({ limit: limitOf(key) });
      return result;
    },
    refund: (key) => inner.refund(key),
    reset: (key) => inner.reset(key),
  };
}
