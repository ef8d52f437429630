/**
 * The measuring wrapper around the bus: each revocation leaves with its commit time, and a node
 * reports it as heard only after every listener has dropped what it cached.
 */
import { describe, expect, it } from 'vitest';
import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';
import { memoryRevocationBus } from './memory-revocation-bus.js';
import { measuredBus } from './measured-bus.js';

/** An in-process bus that keeps what was published, as it went out on the wire. */
function recordingBus(): RevocationBus & { sent: RevocationEvent[] } {
  const inner = memoryRevocationBus();
  const sent: RevocationEvent[] = [];
  return {
    ...inner,
    sent,
    async publish(event) {
      sent.push(event);
      await inner.publish(event);
    },
  };
}

describe('measuredBus', () => {
  it('stamps each publish with the wall-clock time it leaves, and keeps a stamp already there (a late republish)', async () => {
    const inner = recordingBus();
    const bus = measuredBus(
      inner,
      () => {},
      () => 1_234,
    );
    await bus.publish({ kind: 'session', userId: 'u1', sessionId: 's1' });
    await bus.publish({ kind: 'user', userId: 'u1', at: 99 });
    expect(inner.sent).toEqual([
      { kind: 'session', userId: 'u1', sessionId: 's1', at: 1_234 },
      { kind: 'user', userId: 'u1', at: 99 },
    ]);
  });

  it('reports an event as heard after every listener has had it, and passes resyncs on', async () => {
    const order: string[] = [];
    const bus = measuredBus(
      memoryRevocationBus(),
      (event) => order.push(`heard ${event.kind} at ${event.at}`),
      () => 7,
    );
    bus.subscribe((event) => order.push(`cache ${event.kind}`));
    bus.subscribe((event) => order.push(`policies ${event.kind}`));
    await bus.publish({ kind: 'policies', workspaceId: 'w1' });
    expect(order).toEqual(['cache policies', 'policies policies', 'heard policies at 7']);
  });

  it('passes liveness and resync through', () => {
    let resync: (() => void) | undefined;
    let live = false;
    const inner: RevocationBus = {
      publish: async () => {},
      subscribe: (_l, r) => (resync = r),
      isLive: () => live,
      close: async () => {},
    };
    const bus = measuredBus(inner, () => {});
    const resyncs: number[] = [];
    bus.subscribe(
      () => {},
      () => resyncs.push(1),
    );
    expect(bus.isLive()).toBe(false);
    live = true;
    expect(bus.isLive()).toBe(true);
    resync!();
    expect(resyncs).toEqual([1]);
  });
});
