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
