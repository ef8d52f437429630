/** What `verify()` returns for a live session: ids and times only, never the token. */
export interface VerifiedSession {
  /** The user (introspection `sub`). */
  readonly userId: string;
  /** The session (introspection `sid`): what revocations and the Active sessions page name. */
  readonly sessionId: string;
  /** The app the user signed in with (`web`, `cli`, …). */
  readonly clientId: string;
  /** Sign-in time, ms since the epoch (introspection `iat`). */
  readonly issuedAt: number;
  /**
   * When the session ends unless used again, ms since the epoch (introspection `exp`: the earlier
   * of the absolute lifetime and the idle timeout). Activity can move it later, so verify the
   * token on every request instead of keeping this value.
   */
  readonly expiresAt: number;
}
