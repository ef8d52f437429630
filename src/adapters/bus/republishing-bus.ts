/**
 * A publish that fails must not fail the request whose revocation has already committed, and
 * must not be forgotten either: it is logged, queued, and retried in the background until it
 * goes out (this node's link to the bus is back) or until every cache entry it concerns has
 * expired anyway (the cache's maximum age). The request itself never waits for retries.
 */
import type { Logger } from 'pino';
import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';

/** How often unpublished revocations are retried, and how many are kept (oldest dropped first). */
const REPUBLISH_INTERVAL_MS = 250;
const MAX_PENDING_PUBLISHES = 10_000;

export function republishingBus(bus: RevocationBus, log: Logger, maxAgeMs: number): RevocationBus {
  const pending: { event: RevocationEvent; committedAt: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const later = () => {
    if (closed || timer) return;
    timer = setTimeout(() => void flush(), REPUBLISH_INTERVAL_MS);
    timer.unref();
  };
  const flush = async () => {
    timer = undefined;
    while (pending.length > 0 && !closed) {
      const first = pending[0]!;
      if (Date.now() - first.committedAt > maxAgeMs) {
        pending.shift();
        log.warn({ event: first.event }, 'revocation dropped from the publish queue: every cache entry it concerns has expired');
        continue;
      }
      try {
        await bus.publish(first.event);
        pending.shift();
        log.info({ event: first.event, delay_ms: Date.now() - first.committedAt }, 'revocation published late');
      } catch {
        return later();
      }
    }
  };

  return {
    subscribe: (listener, resync) => bus.subscribe(listener, resync),
    isLive: () => bus.isLive(),
    ...(bus.lookOnce ? { lookOnce: bus.lookOnce.bind(bus) } : {}),
    async publish(event) {
      // Behind earlier failures: keep the order, and do not hold this request either.
      if (pending.length > 0) {
        pending.push({ event, committedAt: Date.now() });
        return later();
      }
      try {
        await bus.publish(event);
      } catch (err) {
        log.error({ err, event }, 'revocation committed but not published; retrying until the bus is back or the cache max age passes');
        if (pending.length >= MAX_PENDING_PUBLISHES) pending.shift();
        pending.push({ event, committedAt: Date.now() });
        later();
      }
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await bus.close();
    },
  };
}
