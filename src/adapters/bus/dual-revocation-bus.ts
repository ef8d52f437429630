/**
 * Redis and PostgreSQL LISTEN/NOTIFY together, for nodes that share both. Every revocation goes
 * out on both; a publish succeeds when either carries it. A node is live only while both of its
 * subscriptions are, so any event that was published reaches every live node — including when
 * the revoking node has lost Redis but, having just committed, still reaches PostgreSQL (with
 * Redis alone, the other nodes would not hear of that revocation until it reconnected).
 */
import type { RevocationBus } from '../../core/ports/revocation-bus.js';

export function dualRevocationBus(first: RevocationBus, second: RevocationBus): RevocationBus {
  return {
    async publish(event) {
      const results = await Promise.allSettled([first.publish(event), second.publish(event)]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length === results.length) throw failed[0]!.reason;
    },
    subscribe(listener, resync) {
      // An event arrives twice; dropping a cache entry twice is harmless.
      first.subscribe(listener, resync);
      second.subscribe(listener, resync);
    },
    isLive: () => first.isLive() && second.isLive(),
    async close() {
      await Promise.all([first.close(), second.close()]);
    },
  };
}
