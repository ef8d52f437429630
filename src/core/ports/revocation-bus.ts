/**
 * Revocations, fanned out to every node so each can drop what it cached. Published only after
 * the revoking transaction has committed. A node whose bus is not live (disconnected, or not yet
 * caught up) must not trust its cache: it reads the database instead (fail closed).
 */
export type RevocationEvent = RevocationSubject & {
  /**
   * When the revoking node committed (ms since the epoch, its wall clock), set as it publishes.
   * Each node that hears the event measures the delay to its own eviction from it
   * (`sessiond_revocation_lag_seconds`). Absent from older nodes' messages.
   */
  at?: number;
};

/** What a revocation concerns. */
export type RevocationSubject =
  /** One session ended. */
  | { kind: 'session'; userId: string; sessionId: string }
  /** Some or all sessions of a user ended, or the user changed (password): drop them all. */
  | { kind: 'user'; userId: string }
  /**
   * A workspace's session policy changed: what each node holds of members' policies is stale.
   * Rare; nodes drop every policy they cached and check each session again on its next request.
   */
  | { kind: 'policies'; workspaceId: string }
  /** A service key was revoked: every node drops what it cached of it (service-keys.ts). */
  | { kind: 'service-key'; keyId: string };

export interface RevocationBus {
  publish(event: RevocationEvent): Promise<void>;
  /**
   * `listener` gets every event published while this bus is live. `resync` is called each time
   * the bus becomes live again after a gap (a dropped connection, a silent partition): events
   * published in the gap may never arrive, so whatever was cached before it must be dropped.
   * Checking `isLive()` on each request is not enough: a gap between two requests goes unseen.
   */
  subscribe(listener: (event: RevocationEvent) => void, resync?: () => void): void;
  /** True only while every event published anywhere is known to reach this node. */
  isLive(): boolean;
  /**
   * Runs `fn`, and every isLive() asked during it (synchronously) gets the scope's first answer:
   * for the checks of requests that had all arrived before the scope began (http/after-reads.ts),
   * for which that is as fresh as asking each time. Only buses whose isLive costs I/O have it
   * (SQLite); callers run `fn` directly without it.
   */
  lookOnce?<R>(fn: () => R): R;
  close(): Promise<void>;
}
