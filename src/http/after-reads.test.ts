import { describe, expect, it } from 'vitest';
import type { RevocationBus } from '../core/ports/revocation-bus.js';
import { afterReads } from './after-reads.js';

/** A bus that records what runs inside its lookOnce stretches. */
function countingBus(withLookOnce: boolean) {
  const stretches: string[][] = [];
  let open: string[] | null = null;
  const bus: RevocationBus = {
    publish: async () => {},
    subscribe: () => {},
    isLive: () => true,
    close: async () => {},
    ...(withLookOnce
      ? {
          lookOnce<R>(fn: () => R): R {
            open = [];
            stretches.push(open);
            try {
              return fn();
            } finally {
              open = null;
            }
          },
        }
      : {}),
  };
  const ran = (name: string) => open?.push(name);
  return { bus, stretches, ran };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('afterReads', () => {
  it('runs the checks queued in one turn after it, in order, in one lookOnce stretch', async () => {
    const { bus, stretches, ran } = countingBus(true);
    const later = afterReads(bus);
    const done: string[] = [];
    later(() => (ran('a'), done.push('a')));
    later(() => (ran('b'), done.push('b')));
    // Nothing before the turn's reads are over.
    await Promise.resolve();
    expect(done).toEqual([]);
    await nextTurn();
    expect(done).toEqual(['a', 'b']);
    expect(stretches).toEqual([['a', 'b']]);
  });

  it('gives a check queued while the others run a stretch of its own, after it', async () => {
    const { bus, stretches, ran } = countingBus(true);
    const later = afterReads(bus);
    later(() => {
      ran('first');
      later(() => ran('queued by first'));
    });
    await nextTurn();
    await nextTurn();
    expect(stretches).toEqual([['first'], ['queued by first']]);
  });

  it('runs the checks plainly on a bus without lookOnce', async () => {
    const { bus, stretches } = countingBus(false);
    const later = afterReads(bus);
    const done: number[] = [];
    later(() => done.push(1));
    later(() => done.push(2));
    await nextTurn();
    expect(done).toEqual([1, 2]);
    expect(stretches).toEqual([]);
  });
});
