import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';

/**
 * In-process fan-out for a single node (the embedded SQLite default): listeners run before
 * publish returns, so the revoking request's own answer already reflects the revocation.
 */
export function memoryRevocationBus(): RevocationBus {
  const listeners: ((event: RevocationEvent) => void)[] = [];
  return {
    async publish(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.push(listener);
    },
    isLive: () => true,
    async close() {},
  };
}

/**
 * For deployments whose nodes share a database but no bus yet: never live, so no node trusts a
 * cache and every validation reads the database — correct on every node, at the cost of a read.
 */
export function noRevocationBus(): RevocationBus {
  return {
    async publish() {},
    subscribe() {},
    isLive: () => false,
    async close() {},
  };
}
