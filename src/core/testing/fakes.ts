/** Fakes for the only things tests may fake: time and randomness. */
import type { Clock } from '../ports/clock.js';
import type { RevocationBus, RevocationEvent } from '../ports/revocation-bus.js';

export interface TestClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function fixedClock(start: string | number = '2026-01-01T00:00:00Z'): TestClock {
  let now = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Deterministic bytes (xorshift32) for tests that need reproducible ids; never for production. */
export function seededBytes(seed = 1): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

/**
 * A bus as a shared broker would be: delivery (to this node as well) happens later, the link can
 * drop, and when it comes back the bus says so (resync) because events in the gap may be lost.
 */
export function brokerBus(): RevocationBus & { live: boolean; deliver(): Promise<void>; reconnect(): void } {
  const listeners: ((e: RevocationEvent) => void)[] = [];
  const queued: RevocationEvent[] = [];
  const resyncs: (() => void)[] = [];
  const bus = {
    live: true,
    publish: async (e: RevocationEvent) => {
      queued.push(e);
    },
    subscribe: (listener: (e: RevocationEvent) => void, resync?: () => void) => {
      listeners.push(listener);
      if (resync) resyncs.push(resync);
    },
    isLive: () => bus.live,
    deliver: async () => {
      for (const e of queued.splice(0)) for (const listener of listeners) listener(e);
    },
    reconnect: () => {
      bus.live = true;
      for (const resync of resyncs) resync();
    },
    close: async () => {},
  };
  return bus;
}
