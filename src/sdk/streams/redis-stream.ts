/**
 * Revocations straight from the Redis channel sessiond's nodes publish on: the deployment's own,
 * `<--redis-prefix>:revocations` (`redisRevocationChannel`), given as `channel`. The SDK only
 * listens. Pub/sub is at-most-once, so liveness is proven by hearing the nodes' heartbeats (each
 * node publishes one every 500 ms): subscribed and a heartbeat within the last 2 s. No heartbeat
 * means no node is publishing where we listen (sessiond down, another Redis, or a bus other than
 * Redis), and the cache is not trusted.
 */
import type { Redis as RedisClient } from 'ioredis';
import { decode } from '../../core/revocation-wire.js';
import { backoffMs, type RevocationStream, type StreamHandlers } from './revocation-stream.js';

/** The nodes' own heartbeat timeout (adapters/bus/heartbeat.ts): four missed beats. */
export const REDIS_SILENCE_MS = 2_000;

export interface RedisStreamOptions {
  /** The deployment's channel: `redisRevocationChannel(prefix)` with sessiond's `--redis-prefix`. */
  channel: string;
}

export function redisStream(url: string, handlers: StreamHandlers, options: RedisStreamOptions): RevocationStream {
  const { channel } = options;
  let subscribed = false;
  let lastHeardAt = 0;
  let lastError: string | null = null;
  let closed = false;
  let client: RedisClient | null = null;

  const isLive = () => subscribed && Date.now() - lastHeardAt <= REDIS_SILENCE_MS;

  const heard = () => {
    if (!subscribed) return;
    // The first heartbeat after a gap: events may have been lost in it.
    if (!isLive()) {
      lastError = null;
      handlers.becameLive();
    }
    lastHeardAt = Date.now();
  };

  const lost = (reason: string) => {
    subscribed = false;
    lastHeardAt = 0;
    lastError = reason;
  };

  // ioredis loads only when a Redis URL is given: SSE-only services never pay for it.
  const started = import('ioredis').then(({ Redis }) => {
    if (closed) return;
    const redis = new Redis(url, {
      // Resubscribing is done by hand on `ready`, so liveness starts over at a known point.
      autoResubscribe: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => backoffMs(times),
      lazyConnect: true,
    });
    client = redis;
    redis.on('error', (err: Error) => (lastError = err.message));
    redis.on('close', () => lost(lastError ?? 'Redis connection closed'));
    redis.on('ready', () => {
      redis.subscribe(channel).then(
        () => (subscribed = true),
        (err: Error) => lost(err.message),
      );
    });
    redis.on('message', (_channel: string, text: string) => {
      const message = decode(text);
      if (!message) return;
      if (message.kind === 'heartbeat') heard();
      else handlers.revoked(message);
    });
    // Unreachable at start: ioredis keeps retrying; until then every verify introspects.
    redis.connect().catch(() => {});
  });

  return {
    transport: 'redis',
    isLive,
    lastError: () => lastError,
    async close() {
      closed = true;
      await started.catch(() => {});
      subscribed = false;
      client?.disconnect();
    },
  };
}
