/**
 * Counts a revocation bus's lookOnce stretches and its isLive() asks, inside a stretch or outside
 * any, for the tests that hold the fast paths to one look at the SQLite file per batch of checks
 * (src/http/after-reads.ts). The stretch only counts: every ask still reaches the bus.
 */
import type { RevocationBus } from '../../src/core/ports/revocation-bus.js';

export interface LookCounts {
  stretches: number;
  asked: { inside: number; outside: number };
  /** Puts the bus's own isLive and lookOnce back. */
  restore(): void;
}

export function countLooks(bus: RevocationBus): LookCounts {
  const { isLive, lookOnce } = bus;
  let open = 0;
  const counts: LookCounts = {
    stretches: 0,
    asked: { inside: 0, outside: 0 },
    restore() {
      bus.isLive = isLive;
      if (lookOnce) bus.lookOnce = lookOnce;
      else delete bus.lookOnce;
    },
  };
  bus.lookOnce = <R>(fn: () => R): R => {
    counts.stretches++;
    open++;
    try {
      return fn();
    } finally {
      open--;
    }
  };
  bus.isLive = () => {
    counts.asked[open > 0 ? 'inside' : 'outside']++;
    return isLive.call(bus);
  };
  return counts;
}
