/**
 * Ending sessions: the one way in for every entry point (the user's own pages and API, a new
 * sign-in replacing a browser's session, "This wasn't me", and later admins and policies). Each
 * use case commits the change, tells every node (Sessions.announce) and records what ended,
 * for whom and by whom (events.ts); no caller scripts these steps again.
 */
import { redeemActionToken } from './action-tokens.js';
import { SessiondError } from './errors.js';
import { endedSession, type EndedSession, type Recorder, type RequestPlace, type RotationCause } from './events.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { SecurityStore } from './ports/security-store.js';
import type { BatchProgress, ListedSession, RevokeSelector, SessionStore } from './ports/store.js';
import type { Actor } from './security-events.js';
import type { RevokeReason } from './session.js';
import type { IssuedSession, Sessions } from './sessions.js';
import { formatToken, newId, newSecret } from './token.js';

export interface RevocationDeps {
  store: Pick<SessionStore, 'revokeSession' | 'revokeSessions' | 'revokeListedSessions' | 'rotateSession' | 'holdForPasswordChange'> &
    SecurityStore;
  sessions: Pick<Sessions, 'announce'>;
  recorder: Recorder;
  clock: Clock;
  crypto: Crypto;
}

/**
 * Why a session ended, when the caller does not say: the user ending the session they use is
 * signing out; ending another of theirs is a revocation; an admin's is `admin`, a policy's `policy`.
 */
export function defaultReason(actor: Actor, sessionId: string): RevokeReason {
  switch (actor.kind) {
    case 'session':
      return actor.sessionId === sessionId ? 'sign_out' : 'revoked_by_user';
    case 'admin':
      return 'admin';
    case 'policy':
      return 'policy';
    case 'link':
    case 'system':
      return 'revoked_by_user';
  }
}

export class Revocation {
  readonly #deps: RevocationDeps;

  constructor(deps: RevocationDeps) {
    this.#deps = deps;
  }

  /**
   * Ends one active session of the user. Null when the id names no active session of theirs
   * (unknown, already ended, expired or another user's: the caller answers the same 404).
   */
  async endSession(
    userId: string,
    sessionId: string,
    actor: Actor,
    reason = defaultReason(actor, sessionId),
  ): Promise<EndedSession | null> {
    const { store, sessions, recorder, clock } = this.#deps;
    const at = clock.now();
    const ended = await store.revokeSession(sessionId, userId, reason, at, actor.kind === 'policy' ? actor.policy : null);
    if (!ended) {
      await recorder.record({ type: 'revocation_refused', at, userId, sessionId, request: 'end', actor });
      return null;
    }
    await sessions.announce({ kind: 'session', userId, sessionId });
    const session = endedSession(ended);
    await recorder.record({ type: 'session_ended', at, userId, session, reason, actor });
    return session;
  }

  /** Ends every session of the user but `keepSessionId`, in one statement; returns how many. */
  async endOtherSessions(userId: string, keepSessionId: string, actor: Actor): Promise<number> {
    return this.#endMany({ userId, exceptSessionId: keepSessionId }, 'others', 'revoke_others', actor);
  }

  /** Ends every session of the user, the caller's own included, in one statement. */
  async endAllSessions(userId: string, actor: Actor): Promise<number> {
    return this.#endMany({ userId }, 'all', 'revoke_all', actor);
  }

  /** Ends the sessions a selector names (an admin's or a policy's choice), in one statement. */
  async endMatching(selector: RevokeSelector, actor: Actor, reason: RevokeReason): Promise<number> {
    return this.#endMany(selector, 'matching', reason, actor);
  }

  /**
   * Ends a list of sessions across users (an incident operation's batch), in one transaction that
   * also records `progress` when given. Each user whose sessions ended is announced to every node
   * and gets one `sessions_ended` event (scope `matching`). Returns the sessions that ended: those
   * listed that were still active; null, and nothing ended, when another process recorded the
   * operation's batch first (`progress.batchesBefore`).
   */
  async endListed(
    targets: readonly ListedSession[],
    actor: Actor,
    reason: RevokeReason,
    progress: BatchProgress | null = null,
  ): Promise<ListedSession[] | null> {
    const { store, sessions, recorder, clock } = this.#deps;
    const at = clock.now();
    const ended = await store.revokeListedSessions(targets, reason, at, progress);
    if (ended === null) return null;
    const perUser = new Map<string, number>();
    for (const s of ended) perUser.set(s.userId, (perUser.get(s.userId) ?? 0) + 1);
    for (const [userId, count] of perUser) {
      await sessions.announce({ kind: 'user', userId });
      await recorder.record({ type: 'sessions_ended', at, userId, scope: 'matching', count, reason, actor });
    }
    return ended;
  }

  /**
   * A new token for the caller's session after its privilege changed — a re-authentication, a
   * new password, MFA turned on (ASVS 5.0 7.2.4, 7.4.3) — so a token captured before the change
   * is worth nothing after it. The old id and secret are revoked (`rotated`) and refused on every
   * node at once (announced like any revocation); the successor keeps the sign-in: client,
   * device, place, sign-in time, absolute expiry, auth method, recent-authentication time and any
   * hold to a password change. With `endOthers`, every other session of the user ends first
   * (turning MFA on offers it). The entry point hands the new token to the client (cookie or
   * body). Throws `unauthenticated` when the session is no longer active.
   */
  async rotateSession(
    userId: string,
    sessionId: string,
    actor: Actor,
    cause: RotationCause,
    options: { endOthers?: boolean } = {},
  ): Promise<{ session: IssuedSession; revoked: number }> {
    const { store, sessions, recorder, clock, crypto } = this.#deps;
    const revoked = options.endOthers ? await this.endOtherSessions(userId, sessionId, actor) : 0;
    const id = newId(crypto);
    const secret = newSecret(crypto);
    const at = clock.now();
    const session = await store.rotateSession(sessionId, userId, { id, secretHash: crypto.sha256(secret) }, at, 'rotated');
    if (!session) throw new SessiondError('unauthenticated');
    await sessions.announce({ kind: 'session', userId, sessionId });
    await recorder.record({
      type: 'session_rotated',
      at,
      userId,
      previousId: sessionId,
      sessionId: id,
      session: endedSession(session),
      cause,
      actor,
    });
    return { session: { session, token: formatToken(id, secret) }, revoked };
  }

  /**
   * "This wasn't me" from a signed-in session: ends the reported session, and the account's next
   * sign-in must change the password first. False when the id is not an active session of the user.
   *
   * The reporting session is held to that password change too: it stays signed in, may read,
   * re-authenticate, change the password and sign out, and is refused everything else (403
   * `password_change_required`) until the password changes. What a user expects after saying
   * "someone else is in my account" is to be walked to a new password, not to carry on; and a
   * thief who reports the owner's session (it needs a recent authentication first, as any
   * revocation of another session does) gains nothing but that same walk. The report does not
   * end the account's other sessions: the password change that follows does, by default.
   */
  async reportSession(userId: string, sessionId: string, actor: Actor): Promise<boolean> {
    const { store, sessions, recorder, clock } = this.#deps;
    const at = clock.now();
    const ended = await store.revokeSession(sessionId, userId, 'reported', at);
    if (!ended) {
      await recorder.record({ type: 'revocation_refused', at, userId, sessionId, request: 'report', actor });
      return false;
    }
    await sessions.announce({ kind: 'session', userId, sessionId });
    if (actor.kind === 'session' && actor.sessionId !== sessionId && (await store.holdForPasswordChange(actor.sessionId, userId, at)))
      // Every node drops the reporter's cached record, which does not carry the hold.
      await sessions.announce({ kind: 'session', userId, sessionId: actor.sessionId });
    await this.#reported(userId, sessionId, endedSession(ended), actor);
    return true;
  }

  /**
   * The same from an alert mail's single-use link, for someone not signed in. The session may
   * already have ended; the report still stands. Throws `invalid_token` for a bad, used or expired link.
   */
  async reportSessionByLink(token: string, place: RequestPlace): Promise<void> {
    const { store, sessions, clock } = this.#deps;
    const link = await redeemActionToken(this.#deps, token, 'report_session');
    if (!link?.sessionId) throw new SessiondError('invalid_token');
    const ended = await store.revokeSession(link.sessionId, link.userId, 'reported', clock.now());
    if (ended) await sessions.announce({ kind: 'session', userId: link.userId, sessionId: link.sessionId });
    await this.#reported(link.userId, link.sessionId, ended && endedSession(ended), { kind: 'link', ip: place.ip });
  }

  async #endMany(selector: RevokeSelector, scope: 'others' | 'all' | 'matching', reason: RevokeReason, actor: Actor): Promise<number> {
    const { store, sessions, recorder, clock } = this.#deps;
    const at = clock.now();
    const count = await store.revokeSessions(selector, reason, at);
    // Announced even when nothing was counted: a node may cache a session that just expired.
    await sessions.announce({ kind: 'user', userId: selector.userId });
    await recorder.record({ type: 'sessions_ended', at, userId: selector.userId, scope, count, reason, actor });
    return count;
  }

  async #reported(userId: string, sessionId: string, session: EndedSession | null, actor: Actor): Promise<void> {
    const { store, recorder, clock } = this.#deps;
    await store.setPasswordChangeRequired(userId, true);
    await recorder.record({ type: 'session_reported', at: clock.now(), userId, sessionId, session, actor });
  }
}
