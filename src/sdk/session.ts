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

/**
 * What `verifyCredential()` returns: a session (as `verify()`), or a token that acts for a user
 * past the session list — a personal access token or an OAuth access token sessiond issued (a
 * command line's device sign-in, a connected app). Tokens are checked at sessiond on every call,
 * never cached: removing one on the Active sessions page is seen by the next call.
 */
export type VerifiedCredential =
  | ({ readonly kind: 'session' } & VerifiedSession)
  | {
      readonly kind: 'personal_access_token' | 'access_token';
      /** The user it acts for. */
      readonly userId: string;
      /** `personal-token` for a personal access token; the OAuth client's id for an access token. */
      readonly clientId: string;
      readonly scopes: readonly string[];
      /** ms since the epoch. */
      readonly issuedAt: number;
      /** ms since the epoch; null: a personal token without expiry. */
      readonly expiresAt: number | null;
    };
