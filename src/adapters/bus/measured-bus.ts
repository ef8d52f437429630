/**
 * Revocation time to effect, measured in production: every revocation leaves stamped with when its
 * transaction committed (`at`, this node's wall clock; publishes follow the commit at once), and
 * every node that hears one reports it after its listeners have dropped what they cached
 * (`heard`, NodeTelemetry.revocationHeard: the delay from `at`). The outermost wrapper: a publish
 * that republishingBus queues and sends late keeps its first stamp, so a revocation that reached
 * the others late is measured late.
 */
import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';

export function measuredBus(bus: RevocationBus, heard: (event: RevocationEvent) => void, now: () => number = Date.now): RevocationBus {
  const listeners: ((event: RevocationEvent) => void)[] = [];
  const resyncs: (() => void)[] = [];
  bus.subscribe(
    (event) => {
      for (const listener of listeners) listener(event);
      heard(event);
    },
    () => {
      for (const resync of resyncs) resync();
    },
  );
  return {
    publish: (event) => bus.publish(event.at === undefined ? { ...event, at: now() } : event),
    subscribe(listener, resync) {
      listeners.push(listener);
      if (resync) resyncs.push(resync);
    },
    isLive: () => bus.isLive(),
    ...(bus.lookOnce ? { lookOnce: bus.lookOnce.bind(bus) } : {}),
    close: () => bus.close(),
  };
}
