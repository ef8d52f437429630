/**
 * Sessions: issue, validate (the hot path, with the node's cache), list, and keep last activity.
 * Ending sessions is revocation.ts's; it calls `announce` here after each commit. The rules live
 * in session.ts and token.ts. No I/O here: the store, clock and randomness are injected.
 */
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { RevocationBus, RevocationEvent } from './ports/revocation-bus.js';
import type { SessionCursor, SessionStore, SessionWithUser } from './ports/store.js';
import type { AuthMethod, RevokeReason, SessionOrigin, SessionPolicy, SessionRecord } from './session.js';
import { isActive, isTrusted, shouldTouch } from './session.js';
import { DEFAULT_CACHE_LIMITS, SessionCache, type SessionCacheLimits } from './session-cache.js';
import { constantTimeEqual, formatToken, newId, newSecret, parseToken } from './token.js';

export interface SessionDeps {
  store: SessionStore;
  clock: Clock;
  crypto: Crypto;
  policy: SessionPolicy;
  /** Revocations fan out here; the cache is trusted only while the bus is live. */
  bus: RevocationBus;
  /** Node-local cache limits; `false` turns the cache off. */
  cache?: SessionCacheLimits | false;
}

/**
 * Asked about every session that is otherwise valid, with its activity before this request:
 * false means it may not go on (a workspace policy ended it; policies.ts). `live` is whether the
 * bus was live when this validation looked (so the screen may trust what it cached) — asked once
 * per request, since on a SQLite file asking reads the database.
 */
export type SessionScreen = (found: SessionWithUser, lastActiveAt: number, now: number, live: boolean) => boolean | Promise<boolean>;

export interface SessionPage {
  sessions: SessionRecord[];
  nextCursor: SessionCursor | null;
}

export interface IssuedSession {
  session: SessionRecord;
  /** The only time the token exists in clear: handed to the client, never stored or logged. */
  token: string;
}

/**
 * Activity seen on this node since the session's `last_active_at` was last written. Validation
 * writes at most once per touch interval; in between, this map keeps idle expiry exact on this
 * node. Bounded: when full it is cleared, which can only make idle expiry earlier, never later.
 */
const MAX_TRACKED_ACTIVITY = 200_000;

export class Sessions {
  readonly #deps: SessionDeps;
  readonly #recentActivity = new Map<string, number>();
  readonly #pendingTouches = new Map<string, number>();
  readonly #cache: SessionCache | null;
  #generation = 0;
  #wasLive = false;
  #screen: SessionScreen | null = null;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    this.#cache = deps.cache === false ? null : new SessionCache(deps.cache ?? DEFAULT_CACHE_LIMITS);
    deps.bus.subscribe(
      (event) => this.#onRevocation(event),
      () => this.#resync(),
    );
  }

  /** Sets the screen validation asks (policies.ts); it ends sessions through Revocation, which needs this object first. */
  useScreen(screen: SessionScreen): void {
    this.#screen = screen;
  }

  get policy(): SessionPolicy {
    return this.#deps.policy;
  }

  /** Signing in always issues a fresh id and secret: a client-chosen value is never adopted. */
  async createSession(userId: string, clientId: string, authMethod: AuthMethod, origin: SessionOrigin): Promise<IssuedSession> {
    const { store, clock, crypto, policy } = this.#deps;
    const now = clock.now();
    const id = newId(crypto);
    const secret = newSecret(crypto);
    const session: SessionRecord = {
      id,
      userId,
      secretHash: crypto.sha256(secret),
      clientId,
      authMethod,
      deviceId: origin.deviceId,
      device: origin.device,
      ip: origin.ip,
      location: origin.location,
      userAgent: origin.userAgent,
      signedInAt: now,
      lastActiveAt: now,
      expiresAt: now + policy.maxAgeMs,
      trusted: false,
      deviceTrustedUntil: null,
      revokedAt: null,
      revokeReason: null,
      passwordChangeRequired: false,
    };
    await store.insertSession(session);
    return { session, token: formatToken(id, secret) };
  }

  /**
   * The hot path. An invalid, revoked, expired or idle token is an answer (null), not an error.
   * One indexed read; a write only when `last_active_at` is older than the touch interval.
   */
  async validateSessionToken(token: string): Promise<SessionWithUser | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const { clock, crypto, policy } = this.#deps;
    const { found, live } = await this.#findSession(parsed.id);
    if (!found) return null;
    const { session } = found;
    if (!constantTimeEqual(crypto.sha256(parsed.secret), session.secretHash)) return null;
    const now = clock.now();
    const lastActiveAt = this.#lastActivity(session);
    if (!isActive(session, policy, now, lastActiveAt)) {
      this.#recentActivity.delete(session.id);
      return null;
    }
    // Usually answered at once (a member of no workspace, a policy kept); a promise only when it reads or ends.
    const verdict = this.#screen?.(found, lastActiveAt, now, live) ?? true;
    if (verdict !== true && !(await verdict)) {
      this.#recentActivity.delete(session.id);
      return null;
    }
    this.#remember(session.id, now);
    if (shouldTouch(session.lastActiveAt, policy, now)) {
      // Written by flushTouches in one transaction for all sessions due, not one sync each:
      // a synchronous SQLite commit per touch stalled the event loop (docs/benchmarks.md).
      this.#pendingTouches.set(session.id, now);
      if (this.#cache?.get(session.id, now)) this.#cache.set({ user: found.user, session: { ...session, lastActiveAt: now } }, now);
    }
    return { user: found.user, session: { ...session, lastActiveAt: now, trusted: isTrusted(session, now) } };
  }

  /**
   * Why a token that did not validate no longer works: the reason its session was revoked, or
   * null. Only for the failure path (the caller has already had null from validateSessionToken):
   * it reads the store, not the cache, which never holds a revoked session. The reason is told
   * only to whoever holds the secret: a wrong secret, an unknown id, a session that merely
   * expired or a malformed token all answer null.
   */
  async revokedReason(token: string): Promise<{ reason: RevokeReason; detail: string | null } | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const found = await this.#deps.store.findSession(parsed.id);
    if (!found) return null;
    const { session } = found;
    if (!constantTimeEqual(this.#deps.crypto.sha256(parsed.secret), session.secretHash)) return null;
    return session.revokedAt === null || session.revokeReason === null
      ? null
      : { reason: session.revokeReason, detail: session.revokeDetail ?? null };
  }

  /** Active sessions of a user: the current one first, then by most recent activity. */
  async listUserSessions(userId: string, currentSessionId: string | null): Promise<SessionRecord[]> {
    const { store, clock, policy } = this.#deps;
    const now = clock.now();
    const rows = await store.listActiveSessions(userId, now);
    return rows
      .map((s) => ({ ...s, lastActiveAt: this.#lastActivity(s), trusted: isTrusted(s, now) }))
      .filter((s) => isActive(s, policy, now))
      .sort((a, b) => rank(b, currentSessionId) - rank(a, currentSessionId) || b.lastActiveAt - a.lastActiveAt);
  }

  /**
   * One page of a user's active sessions for clients that page: the current one first on the first
   * page, then newest stored activity first. `nextCursor` is null on the last page. Pages read
   * only their own rows, so a user with thousands of sessions costs each request one page.
   */
  async listUserSessionPage(current: SessionRecord, limit: number, cursor: SessionCursor | null): Promise<SessionPage> {
    const { store, clock, policy } = this.#deps;
    const now = clock.now();
    const first = cursor === null;
    const want = first ? limit - 1 : limit;
    // A first page of one has room for the current session only; one row is still read, to know
    // whether there are others.
    const rows = await store.listActiveSessionPage(current.userId, now, { limit: want + 1, after: cursor, exceptId: current.id });
    const more = rows.length > want;
    const page = rows.slice(0, want);
    const last = page.at(-1);
    // Nothing shown but more to come: a cursor just before the newest row, so the next page starts with it.
    const top = want === 0 ? rows[0] : undefined;
    const sessions = page
      .map((s) => ({ ...s, lastActiveAt: this.#lastActivity(s), trusted: isTrusted(s, now) }))
      .filter((s) => isActive(s, policy, now));
    return {
      sessions: first ? [current, ...sessions] : sessions,
      // The cursor is the stored activity of the last row read, so the order pages follow is stable.
      nextCursor: !more
        ? null
        : last
          ? { lastActiveAt: last.lastActiveAt, id: last.id }
          : top
            ? { lastActiveAt: top.lastActiveAt + 1, id: top.id }
            : null,
    };
  }

  /**
   * Writes the `last_active_at` values that fell due since the last flush, in one transaction.
   * The composition root calls it every second and at shutdown; a crash loses at most that much
   * activity, which can only make a session look idle sooner, never keep it alive longer.
   */
  async flushTouches(): Promise<number> {
    if (this.#pendingTouches.size === 0) return 0;
    const touches = [...this.#pendingTouches].map(([id, lastActiveAt]) => ({ id, lastActiveAt }));
    this.#pendingTouches.clear();
    try {
      await this.#deps.store.touchSessions(touches);
    } catch (err) {
      for (const t of touches) if (!this.#pendingTouches.has(t.id)) this.#pendingTouches.set(t.id, t.lastActiveAt);
      throw err;
    }
    return touches.length;
  }

  /**
   * After a revocation has committed: drop it from this node's cache at once (the bus may deliver
   * to ourselves later), then tell every other node.
   */
  async announce(event: RevocationEvent): Promise<void> {
    this.#onRevocation(event);
    await this.#deps.bus.publish(event);
  }

  /** For telemetry and the scale benchmark: entries and estimated bytes held by this node. */
  cacheStats(): { entries: number; bytes: number } {
    return { entries: this.#cache?.size ?? 0, bytes: this.#cache?.bytes ?? 0 };
  }

  /**
   * Deletes sessions that ended more than `retentionMs` ago, `batch` rows at a time, until none
   * are left. Revoked rows are kept for the retention period as the record of who ended what.
   */
  async purgeEndedSessions(retentionMs: number, batch = 1_000): Promise<number> {
    const before = this.#deps.clock.now() - retentionMs;
    let total = 0;
    for (;;) {
      const n = await this.#deps.store.purgeEndedSessions(before, batch);
      total += n;
      if (n < batch) return total;
    }
  }

  async countActiveSessions(): Promise<number> {
    return this.#deps.store.countActiveSessions(this.#deps.clock.now());
  }

  /**
   * A warm cache answers without I/O. It is read and filled only while the bus is live; a cache
   * that was not live may have missed revocations, so it is emptied when the bus comes back. A
   * revocation that lands while the database read is in flight bumps the generation, and the
   * possibly stale row is then not cached.
   */
  async #findSession(id: string): Promise<{ found: SessionWithUser | null; live: boolean }> {
    const cache = this.#cache;
    if (!cache) return { found: await this.#deps.store.findSession(id), live: false };
    const live = this.#deps.bus.isLive();
    if (live !== this.#wasLive) {
      cache.clear();
      this.#wasLive = live;
    }
    if (!live) return { found: await this.#deps.store.findSession(id), live };
    const hit = cache.get(id, this.#deps.clock.now());
    if (hit) return { found: hit, live };
    const generation = this.#generation;
    const found = await this.#deps.store.findSession(id);
    if (found && found.session.revokedAt === null && generation === this.#generation && this.#deps.bus.isLive())
      cache.set(found, this.#deps.clock.now());
    return { found, live };
  }

  #onRevocation(event: RevocationEvent): void {
    this.#generation++;
    if (event.kind === 'session') {
      this.#cache?.delete(event.sessionId);
      this.#recentActivity.delete(event.sessionId);
    } else if (event.kind === 'user') {
      this.#cache?.deleteUser(event.userId);
    }
    // 'policies': cached sessions stay; the screen checks each against the new policy.
  }

  /** The bus is live again after a gap in which revocations may have been missed. */
  #resync(): void {
    this.#generation++;
    this.#cache?.clear();
  }

  #lastActivity(session: SessionRecord): number {
    return Math.max(session.lastActiveAt, this.#recentActivity.get(session.id) ?? 0);
  }

  #remember(sessionId: string, now: number): void {
    if (this.#recentActivity.size >= MAX_TRACKED_ACTIVITY && !this.#recentActivity.has(sessionId)) this.#recentActivity.clear();
    this.#recentActivity.set(sessionId, now);
  }
}

function rank(session: SessionRecord, currentSessionId: string | null): number {
  return session.id === currentSessionId ? 1 : 0;
}
