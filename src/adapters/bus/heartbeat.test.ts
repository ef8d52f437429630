import { afterEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from './heartbeat.js';

describe('Heartbeat', () => {
  afterEach(() => vi.useRealTimers());

  it('calls resync on the first heartbeat after every gap, whether or not anyone asked isLive() in it', () => {
    vi.useFakeTimers({ now: Date.parse('2026-05-01T10:00:00Z') });
    const beat = vi.fn(async () => {});
    const hb = new Heartbeat({ intervalMs: 500, timeoutMs: 2_000 }, beat);
    const resync = vi.fn();
    hb.onResync(resync);

    hb.subscribed();
    hb.heard();
    expect(resync).toHaveBeenCalledTimes(1); // first live moment
    vi.advanceTimersByTime(500);
    hb.heard();
    expect(resync).toHaveBeenCalledTimes(1); // continuous: nothing missed

    // A dropped connection and a quick reconnect between two requests.
    hb.lost();
    hb.subscribed();
    hb.heard();
    expect(resync).toHaveBeenCalledTimes(2);

    // A silent partition longer than the timeout, then the heartbeats come back.
    vi.advanceTimersByTime(2_001);
    hb.heard();
    expect(resync).toHaveBeenCalledTimes(3);
    expect(hb.isLive()).toBe(true);
  });

  it('reports how long each gap lasted when the bus is live again, from the drop or from the missed heartbeats', () => {
    vi.useFakeTimers({ now: Date.parse('2026-05-01T10:00:00Z') });
    const gaps: number[] = [];
    const hb = new Heartbeat(
      { intervalMs: 500, timeoutMs: 2_000 },
      async () => {},
      undefined,
      (ms) => gaps.push(ms),
    );

    // Becoming live the first time is not a gap.
    vi.advanceTimersByTime(3_000);
    hb.subscribed();
    hb.heard();
    expect(gaps).toEqual([]);

    // The connection drops 100 ms after a heartbeat and is back 1.5 s later.
    vi.advanceTimersByTime(100);
    hb.lost();
    vi.advanceTimersByTime(1_400);
    hb.subscribed();
    expect(gaps).toEqual([]); // not live until its own heartbeat is heard
    vi.advanceTimersByTime(100);
    hb.heard();
    expect(gaps).toEqual([1_500]);

    // Silent: no heartbeat for 5 s; live ended when the timeout ran out (2 s after the last one).
    vi.advanceTimersByTime(5_000);
    hb.heard();
    expect(gaps).toEqual([1_500, 3_000]);

    // Silent past the timeout, then the connection drops as well: the gap began with the silence.
    vi.advanceTimersByTime(2_500);
    hb.lost();
    hb.lost();
    vi.advanceTimersByTime(1_000);
    hb.subscribed();
    hb.heard();
    expect(gaps).toEqual([1_500, 3_000, 1_500]);

    // Heartbeats in time: no gap.
    vi.advanceTimersByTime(500);
    hb.heard();
    expect(gaps).toHaveLength(3);
  });

  it('ignores heartbeats while not subscribed', () => {
    const hb = new Heartbeat({ intervalMs: 500, timeoutMs: 2_000 }, async () => {});
    const resync = vi.fn();
    hb.onResync(resync);
    hb.heard();
    expect(resync).not.toHaveBeenCalled();
    expect(hb.isLive()).toBe(false);
  });

  it('reports a heartbeat that could not be published, on subscribe and on every interval', async () => {
    vi.useFakeTimers();
    const failure = new Error('Connection is closed.');
    const onError = vi.fn();
    const hb = new Heartbeat({ intervalMs: 500, timeoutMs: 2_000 }, async () => Promise.reject(failure), onError);
    hb.subscribed();
    hb.start();
    await vi.advanceTimersByTimeAsync(1_000);
    hb.stop();
    expect(onError).toHaveBeenCalledTimes(3);
    expect(onError).toHaveBeenCalledWith(failure);
  });
});
