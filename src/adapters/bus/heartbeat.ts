/**
 * Liveness by heartbeat: a node publishes a heartbeat on its own bus every `intervalMs` and counts
 * itself live only while it keeps hearing its own heartbeats. That proves both directions (its
 * publishes reach the broker, the broker's messages reach it), so a half-dead or silently
 * partitioned connection stops the node trusting its cache within `timeoutMs`.
 */
import type { OnAdapterError } from '../adapter-errors.js';

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 500, timeoutMs: 2_000 };

/** What the Redis and the PostgreSQL bus take. */
export interface BusOptions {
  heartbeat?: HeartbeatOptions;
  /** Connection, subscription and heartbeat errors; the bus recovers from them by itself. */
  onError?: OnAdapterError;
  /** Each time the bus is live again after a gap: how long it was not live, in ms (telemetry). */
  onGap?: (ms: number) => void;
}

export class Heartbeat {
  #lastHeardAt = 0;
  #subscribed = false;
  /** When it stopped being live, while it is not (null before it was first live). */
  #downSince: number | null = null;
  #timer: NodeJS.Timeout | undefined;
  readonly #resyncs: (() => void)[] = [];

  /** `onError` hears each heartbeat that could not be published; `onGap` each gap, as it ends. */
  constructor(
    private readonly options: HeartbeatOptions,
    private readonly beat: () => Promise<void>,
    private readonly onError: OnAdapterError = () => {},
    private readonly onGap: (ms: number) => void = () => {},
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.beat().catch(this.onError), this.options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The subscription is (re)established: live as soon as our own heartbeat comes back. */
  subscribed(): void {
    this.#subscribed = true;
    void this.beat().catch(this.onError);
  }

  /** The connection dropped: not live until resubscribed and heard again. */
  lost(): void {
    if (this.isLive()) this.#downSince = Date.now();
    else this.#downSince ??= this.#silentSince();
    this.#subscribed = false;
    this.#lastHeardAt = 0;
  }

  heard(): void {
    if (!this.#subscribed) return;
    const now = Date.now();
    // The first heartbeat after a gap (or the first ever): events may have been lost in the gap.
    if (!this.isLive()) {
      const since = this.#downSince ?? this.#silentSince();
      this.#downSince = null;
      if (since !== null) this.onGap(now - since);
      for (const resync of this.#resyncs) resync();
    }
    this.#lastHeardAt = now;
  }

  /** Heartbeats stopped coming without the connection dropping: not live since the timeout ran out. */
  #silentSince(): number | null {
    return this.#lastHeardAt > 0 ? this.#lastHeardAt + this.options.timeoutMs : null;
  }

  /** Called each time the node becomes live again; see RevocationBus.subscribe. */
  onResync(resync: () => void): void {
    this.#resyncs.push(resync);
  }

  isLive(): boolean {
    return this.#subscribed && Date.now() - this.#lastHeardAt <= this.options.timeoutMs;
  }
}
