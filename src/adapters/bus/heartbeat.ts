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
}

export class Heartbeat {
  #lastHeardAt = 0;
  #subscribed = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #resyncs: (() => void)[] = [];

  /** `onError` hears each heartbeat that could not be published. */
  constructor(
    private readonly options: HeartbeatOptions,
    private readonly beat: () => Promise<void>,
    private readonly onError: OnAdapterError = () => {},
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
    this.#subscribed = false;
    this.#lastHeardAt = 0;
  }

  heard(): void {
    if (!this.#subscribed) return;
    // The first heartbeat after a gap (or the first ever): events may have been lost in the gap.
    if (!this.isLive()) for (const resync of this.#resyncs) resync();
    this.#lastHeardAt = Date.now();
  }

  /** Called each time the node becomes live again; see RevocationBus.subscribe. */
  onResync(resync: () => void): void {
    this.#resyncs.push(resync);
  }

  isLive(): boolean {
    return this.#subscribed && Date.now() - this.#lastHeardAt <= this.options.timeoutMs;
  }
}
