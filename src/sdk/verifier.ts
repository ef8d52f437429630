/**
 * `createVerifier()`: session checks for other services, with a local cache that revocations
 * keep correct. A warm `verify()` is one sha256 and one map lookup; a cold one, or any call while
 * the revocation stream is not live, asks sessiond (`POST /v1/introspect`). Fail closed: the
 * cache is trusted only while every revocation is known to reach this process.
 */
import { createHash } from 'node:crypto';
import type { RevocationEvent } from '../core/ports/revocation-bus.js';
import { redisRevocationChannel } from '../core/revocation-wire.js';
import { parseToken } from '../core/token.js';
import { introspect, introspectToken, type IntrospectOptions } from './introspect.js';
import type { VerifiedCredential, VerifiedSession } from './session.js';
import { redisStream } from './streams/redis-stream.js';
import type { RevocationStream, StreamHandlers } from './streams/revocation-stream.js';
import { sseStream } from './streams/sse-stream.js';
import { VerifierCache } from './verifier-cache.js';

export interface VerifierOptions {
  /** sessiond's base URL, e.g. `http://127.0.0.1:7400`. */
  url: string;
  /** A key from `sessiond service-keys create --name <service>`. */
  serviceKey: string;
  /**
   * The Redis sessiond's nodes share (`--redis`): revocations are heard on its channel. Without
   * it, the SDK reads sessiond's SSE stream `GET /v1/revocations/stream` instead.
   */
  redisUrl?: string;
  /**
   * Required with `redisUrl`: sessiond's `--redis-prefix` (by default named after its database, and
   * logged at start as `redis_prefix`). Revocations are heard on `<prefix>:revocations`, the channel
   * of that deployment alone: deployments sharing one Redis each have their own.
   */
  redisPrefix?: string;
  /**
   * The longest a cached answer is used, in ms; also bounds how long a revocation whose
   * publication failed on the server can go unseen. @default 30000
   */
  cacheMaxAgeMs?: number;
  /** The most sessions cached; the oldest entry is dropped first. @default 10000 */
  cacheMaxEntries?: number;
  /** How long one introspection may take before `verify` throws (`reason: 'timeout'`). @default 5000 */
  timeoutMs?: number;
  /** The fetch used for introspection and the SSE stream (tests, proxies). @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface VerifierStats {
  transport: 'redis' | 'sse';
  /** Whether the revocation stream is live, i.e. whether the cache may be used right now. */
  live: boolean;
  /** Why the stream last failed; null while it is healthy. */
  streamError: string | null;
  cacheEntries: number;
  /** Every `verify` call. */
  verifications: number;
  /** Answered from the cache, without I/O. */
  cacheHits: number;
  /** Calls to `POST /v1/introspect` (cache miss, or stream not live). */
  introspections: number;
  /** Introspections that threw `SessiondUnavailableError`. */
  introspectionErrors: number;
  /** Tokens refused without any request because they are not `<id>.<secret>`. */
  malformed: number;
  /** Revocation events received from the stream. */
  revocations: number;
  /** Times the stream became live (each empties the cache). */
  liveTransitions: number;
}

export interface Verifier {
  /**
   * The session the token belongs to, or `null` when it is not a live session (unknown,
   * malformed, revoked, expired or idle). Throws `SessiondUnavailableError` only when sessiond
   * had to be asked and could not answer: tell your client 503, not 401.
   */
  verify(token: string): Promise<VerifiedSession | null>;
  /**
   * Any credential sessiond issued for a user: a session token (as `verify`, cached), or a
   * personal access token (`sdpat_…`) or OAuth access token (a CLI's device sign-in, a connected
   * app), asked of sessiond on every call so a removal takes effect at once. `null` when it is not
   * active; throws `SessiondUnavailableError` as `verify` does.
   */
  verifyCredential(token: string): Promise<VerifiedCredential | null>;
  /** Counters for dashboards and benchmarks; cheap to call. */
  stats(): VerifierStats;
  /** Stops listening for revocations; afterwards every `verify` asks sessiond. */
  close(): Promise<void>;
}

export function createVerifier(options: VerifierOptions): Verifier {
  const { url, serviceKey, redisUrl, redisPrefix, cacheMaxAgeMs = 30_000, cacheMaxEntries = 10_000, timeoutMs = 5_000 } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const base = parseBaseUrl(url);
  if (typeof serviceKey !== 'string' || !parseToken(serviceKey))
    throw new TypeError('createVerifier: serviceKey must be a key from `sessiond service-keys create`');
  // Without it the SDK would listen on a channel no node publishes on: never live, every call introspected.
  if (redisUrl && (typeof redisPrefix !== 'string' || redisPrefix === ''))
    throw new TypeError("createVerifier: redisUrl needs redisPrefix, sessiond's --redis-prefix (logged at start as redis_prefix)");
  if (!(cacheMaxAgeMs >= 0) || !(cacheMaxEntries >= 1) || !(timeoutMs > 0))
    throw new TypeError('createVerifier: cacheMaxAgeMs, cacheMaxEntries and timeoutMs must be positive numbers');

  const cache = new VerifierCache(cacheMaxAgeMs, cacheMaxEntries);
  const counters = {
    verifications: 0,
    cacheHits: 0,
    introspections: 0,
    introspectionErrors: 0,
    malformed: 0,
    revocations: 0,
    liveTransitions: 0,
  };
  const handlers: StreamHandlers = {
    revoked(event: RevocationEvent) {
      counters.revocations++;
      cache.revoke(event, Date.now());
    },
    becameLive() {
      counters.liveTransitions++;
      cache.clear();
    },
  };
  const stream: RevocationStream =
    redisUrl && redisPrefix
      ? redisStream(redisUrl, handlers, { channel: redisRevocationChannel(redisPrefix) })
      : sseStream({ endpoint: new URL('v1/revocations/stream', base).href, serviceKey, fetch: fetchImpl }, handlers);
  const introspectOptions: IntrospectOptions = {
    endpoint: new URL('v1/introspect', base).href,
    serviceKey,
    timeoutMs,
    fetch: fetchImpl,
  };
  /** Concurrent cold verifies of one token share one introspection, if no event came between them. */
  const inflight = new Map<string, { heard: number; answer: Promise<VerifiedSession | null> }>();

  async function ask(token: string, key: string): Promise<VerifiedSession | null> {
    const heard = cache.heard;
    const shared = inflight.get(key);
    if (shared && shared.heard === heard) return shared.answer;
    const fetch = cache.begin(Date.now());
    const live = stream.isLive();
    counters.introspections++;
    const answer = introspect(token, introspectOptions).then(
      (session) => {
        // Cached only if its session or user was not revoked meanwhile and the stream stayed live throughout.
        if (session && live && stream.isLive()) cache.set(key, session, Date.now(), fetch);
        return session;
      },
      (err: unknown) => {
        counters.introspectionErrors++;
        throw err;
      },
    );
    inflight.set(key, { heard, answer });
    try {
      return await answer;
    } finally {
      if (inflight.get(key)?.answer === answer) inflight.delete(key);
    }
  }

  return {
    async verify(token) {
      counters.verifications++;
      // Garbage never costs a request; the format check is the same one sessiond applies.
      if (typeof token !== 'string' || !parseToken(token)) {
        counters.malformed++;
        return null;
      }
      // Only a hash is kept: a heap dump of this service holds no usable token.
      const key = createHash('sha256').update(token).digest('base64url');
      if (stream.isLive()) {
        const hit = cache.get(key, Date.now());
        if (hit) {
          counters.cacheHits++;
          return hit;
        }
      }
      return ask(token, key);
    },
    async verifyCredential(token) {
      if (typeof token === 'string' && parseToken(token)) {
        const session = await this.verify(token);
        return session && Object.freeze({ kind: 'session' as const, ...session });
      }
      counters.verifications++;
      // Tokens are short strings of URL-safe characters; anything else costs no request.
      if (typeof token !== 'string' || !/^[A-Za-z0-9_.-]{16,256}$/.test(token)) {
        counters.malformed++;
        return null;
      }
      counters.introspections++;
      return introspectToken(token, introspectOptions).catch((err: unknown) => {
        counters.introspectionErrors++;
        throw err;
      });
    },
    stats() {
      return { transport: stream.transport, live: stream.isLive(), streamError: stream.lastError(), cacheEntries: cache.size, ...counters };
    },
    async close() {
      await stream.close();
      cache.clear();
    },
  };
}

function parseBaseUrl(url: string): URL {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new TypeError(`createVerifier: url must be sessiond's base URL, got ${JSON.stringify(url)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('createVerifier: url must be http(s)');
  // Relative resolution keeps a path prefix (sessiond behind /auth/): ensure it ends with a slash.
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}
