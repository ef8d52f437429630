/**
 * How the SDK hears revocations: Redis pub/sub (the buses' own channel) or sessiond's SSE
 * stream. Either way the cache is trusted only while the stream is live, and emptied each time it
 * becomes live again, because events sent while it was not live are lost.
 */
import type { RevocationEvent } from '../../core/ports/revocation-bus.js';

export interface StreamHandlers {
  revoked(event: RevocationEvent): void;
  /** The stream has just become live (first time or after a gap): forget everything cached. */
  becameLive(): void;
}

export interface RevocationStream {
  readonly transport: 'redis' | 'sse';
  /** True only while every revocation published anywhere is known to reach this process. */
  isLive(): boolean;
  /** Why the stream last failed, for `stats()`; null once it is live again. */
  lastError(): string | null;
  close(): Promise<void>;
}

/** Exponential backoff with jitter: 100 ms, 200 ms, … up to 5 s, so a restart is not stampeded. */
export function backoffMs(attempt: number): number {
  const ceiling = Math.min(5_000, 100 * 2 ** Math.min(attempt, 10));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
