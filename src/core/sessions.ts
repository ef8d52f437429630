/**
 * Sessions: issue, validate (the hot path, with the node's cache), list, and keep last activity.
 * Ending sessions is revocation.ts's; it calls `announce` here after each commit. The rules live
 * in session.ts and token.ts. No I/O here: the store, clock and randomness are injected.
 */
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { Geo } from './ports/geo.js';
import type { RevocationBus, RevocationEvent } from './ports/revocation-bus.js';
import type { SecurityStore } from './ports/security-store.js';
import type { SeenAddress, SessionAddress, SessionCursor, SessionState, SessionStore, SessionWithUser } from './ports/store.js';
import type { SecurityEvent } from './security-events.js';
import type { AuthMethod, RevokeReason, SessionOrigin, SessionPolicy, SessionRecord } from './session.js';
import { effectiveExpiry, isActive, isTrusted, shouldTouch } from './session.js';
import { DEFAULT_CACHE_LIMITS, SessionCache, type SessionCacheLimits } from './session-cache.js';
import { constantTimeEqual, formatToken, newId, newSecret, parseToken } from './token.js';

export interface SessionDeps {
  store: SessionStore & Pick<SecurityStore, 'listSessionEvents'>;
  clock: Clock;
  /** Places the addresses a session is seen from (at flush time, off the request path); without it they are recorded without one. */
  geo?: Geo;
  crypto: Crypto;
  policy: SessionPolicy;
  /** Revocations fan out here; the cache is trusted only while the bus is live. */
  bus: RevocationBus;
  /** Node-local cache limits; `false` turns the cache off. */
  cache?: SessionCacheLimits | false;
  /** How much this node tracks in memory between writes (TRACKING_LIMITS unless given). */
  tracking?: Partial<TrackingLimits>;
}

/**
 * Bounds of what a node keeps between writes: sessions' recent activity, and the (session,
 * address) pairs it has noted. Each is cleared when full (see MAX_TRACKED_ACTIVITY and
 * MAX_TRACKED_ADDRESSES): a flood of sessions or addresses costs a few extra writes, not memory.
 */
export interface TrackingLimits {
  activity: number;
  addresses: number;
}

/**
 * Asked about every session that is otherwise valid, with its activity before this request:
 * false means it may not go on (a workspace policy ended it; policies.ts). `live` is whether the
 * bus was live when this validation looked (so the screen may trust what it cached) — asked once
 * per request, since on a SQLite file asking reads the database.
 */
export type SessionScreen = (found: SessionWithUser, lastActiveAt: number, now: number, live: boolean) => boolean | Promise<boolean>;

/** A listed session's state as the list shows it: activity on this node included, trust as of now. */
export interface ListedSessionState extends SessionState {
  trusted: boolean;
  deviceTrustedUntil: number | null;
}

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

/**
 * (session, address) pairs this node has noted, with when: a pair is written when new and then
 * at most once a touch interval. Bounded like activity: when full it is cleared, which costs at
 * most one more write per pair.
 */
const MAX_TRACKED_ADDRESSES = 200_000;

const TRACKING_LIMITS: Readonly<TrackingLimits> = { activity: MAX_TRACKED_ACTIVITY, addresses: MAX_TRACKED_ADDRESSES };

/**
 * Session lists (listUserSessionStates) reuse what they read of a user's sessions for this long,
 * while the bus is live and nothing of the user was revoked: a revocation on any node drops it at
 * once, as it does the validation cache; a session issued or touched on another node, or a device
 * trusted there, shows within this time (touches already wait for their batch). Bounded like
 * activity: when more sessions are held, it is cleared.
 */
const LIST_STATES_MAX_AGE_MS = 1_000;
const MAX_LISTED_STATES = 200_000;

/** A session keeps its most recently seen addresses, this many (older ones are dropped as new ones come). */
export const MAX_SESSION_ADDRESSES = 50;

/** A session's history shows at most this many timeline entries, newest first. */
export const MAX_SESSION_HISTORY = 200;

/** Revocations that end many sessions at once: their timeline entry does not name each session. */
const BULK_REASONS: ReadonlySet<RevokeReason> = new Set([
  'revoke_others',
  'revoke_all',
  'password_changed',
  'password_reset',
  'admin',
  'policy',
]);

/** One session of a user with what happened to it (`history`): the session's own page. */
export interface SessionHistory {
  /** As the list shows it, or as it ended. */
  session: SessionRecord;
  /** Null while it is active; else when it ended and why (`expired` when it ran out of time). */
  ended: { at: number; reason: RevokeReason | 'expired'; detail: string | null } | null;
  /** Every address it was seen from, most recently seen first. */
  addresses: SessionAddress[];
  /** Its sign-in, re-authentications, trust changes of its device and its end, newest first. */
  events: SecurityEvent[];
}

export class Sessions {
  readonly #deps: SessionDeps;
  readonly #tracking: Readonly<TrackingLimits>;
  readonly #recentActivity = new Map<string, number>();
  readonly #pendingTouches = new Map<string, number>();
  /** Per session, per address: when it was last noted (`#tracking.addresses` pairs at most, #notedCount). */
  readonly #notedAddresses = new Map<string, Map<string, number>>();
  #notedCount = 0;
  readonly #pendingAddresses = new Map<string, { sessionId: string; ip: string; at: number }>();
  readonly #cache: SessionCache | null;
  #generation = 0;
  #wasLive = false;
  #wasListLive = false;
  #screen: SessionScreen | null = null;
  #cacheHits = 0;
  #cacheMisses = 0;
  /** Per user: what listUserSessionStates last read, and when (LIST_STATES_MAX_AGE_MS). */
  readonly #listedStates = new Map<string, { states: SessionState[]; readAt: number }>();
  #listedStateCount = 0;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    this.#tracking = { ...TRACKING_LIMITS, ...deps.tracking };
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
    this.#forgetListed(userId);
    return { session, token: formatToken(id, secret) };
  }

  /**
   * The hot path. An invalid, revoked, expired or idle token is an answer (null), not an error.
   * One indexed read; a write only when `last_active_at` is older than the touch interval.
   */
  async validateSessionToken(token: string): Promise<SessionWithUser | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const { found, live } = await this.#findSession(parsed.id);
    return found ? this.#admit(parsed.secret, found, live) : null;
  }

  /**
   * validateSessionToken without waiting for the store, for the HTTP fast path
   * (http/fast-validation.ts): the same answer, by the same rules, when this node's cache holds
   * the session while the bus is live; `undefined` when it does not (a miss, a malformed token, the
   * cache off or the bus down), and the caller then asks validateSessionToken. A promise only
   * when the screen has to read or end the session.
   */
  validateCachedToken(token: string): SessionWithUser | null | undefined | Promise<SessionWithUser | null> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    const found = this.#cachedSession(parsed.id);
    if (!found) return undefined;
    this.#cacheHits++;
    return this.#admit(parsed.secret, found, true);
  }

  /**
   * validateSessionToken for the HTTP fast paths: answered without a promise when the cache
   * decides (validateCachedToken, whose refusal is an answer too), from the store otherwise.
   */
  validateToken(token: string): SessionWithUser | null | Promise<SessionWithUser | null> {
    const cached = this.validateCachedToken(token);
    return cached === undefined ? this.validateSessionToken(token) : cached;
  }

  /** The rules every validation applies to the session its token names: secret, activity, screen. */
  #admit(secret: string, found: SessionWithUser, live: boolean): SessionWithUser | null | Promise<SessionWithUser | null> {
    const { clock, crypto, policy } = this.#deps;
    const { session } = found;
    if (!constantTimeEqual(crypto.sha256(secret), session.secretHash)) return null;
    const now = clock.now();
    const lastActiveAt = this.#lastActivity(session);
    if (!isActive(session, policy, now, lastActiveAt)) {
      this.#recentActivity.delete(session.id);
      return null;
    }
    // Usually answered at once (a member of no workspace, a policy kept); a promise only when it reads or ends.
    const verdict = this.#screen?.(found, lastActiveAt, now, live) ?? true;
    if (verdict === true) return this.#admitted(found, now);
    if (verdict === false) return this.#refused(session.id);
    return verdict.then((kept) => (kept ? this.#admitted(found, now) : this.#refused(session.id)));
  }

  #refused(sessionId: string): null {
    this.#recentActivity.delete(sessionId);
    return null;
  }

  #admitted(found: SessionWithUser, now: number): SessionWithUser {
    const { session } = found;
    this.#remember(session.id, now);
    if (shouldTouch(session.lastActiveAt, this.#deps.policy, now)) {
      // Written by flushTouches in batches for all sessions due, not one sync each: a synchronous
      // SQLite commit per touch stalled the event loop (docs/benchmarks.md).
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
    const now = this.#deps.clock.now();
    const rows = await this.#deps.store.listActiveSessions(userId, now);
    return this.#listed(
      rows.map((s) => ({ ...s, lastActiveAt: this.#lastActivity(s), trusted: isTrusted(s, now) })),
      currentSessionId,
      now,
    );
  }

  /**
   * The same list, in the same order, with only what can change while a session lives (a narrow
   * read): for a view that keeps the rest of each session from an earlier listUserSessions.
   */
  async listUserSessionStates(userId: string, currentSessionId: string | null): Promise<ListedSessionState[]> {
    const now = this.#deps.clock.now();
    // Trust is read on every request (it is not announced on the bus), and so the database is.
    const [rows, trusted] = await Promise.all([this.#statesOf(userId, now), this.#deps.store.listTrustedDevices(userId, now)]);
    const states = rows.map((s) => {
      const deviceTrustedUntil = (s.deviceId !== null && trusted.get(s.deviceId)) || null;
      return {
        id: s.id,
        signedInAt: s.signedInAt,
        lastActiveAt: this.#lastActivity(s),
        expiresAt: s.expiresAt,
        deviceId: s.deviceId,
        deviceTrustedUntil,
        trusted: isTrusted({ deviceTrustedUntil }, now),
        revokedAt: null,
      };
    });
    return this.#listed(states, currentSessionId, now);
  }

  /**
   * A user's unrevoked sessions as the store has them: read again when older than
   * LIST_STATES_MAX_AGE_MS, and kept only when read while the bus was live and no revocation
   * landed during the read (the generation, as #findSession).
   */
  async #statesOf(userId: string, now: number): Promise<SessionState[]> {
    const { store, bus } = this.#deps;
    const kept = this.#listedStates.get(userId);
    const live = bus.isLive();
    if (live !== this.#wasListLive) {
      this.#clearListed();
      this.#wasListLive = live;
    }
    if (kept && live && now - kept.readAt < LIST_STATES_MAX_AGE_MS && now >= kept.readAt) return kept.states;
    const generation = this.#generation;
    const states = await store.listActiveSessionStates(userId, now);
    if (live && generation === this.#generation && bus.isLive()) {
      this.#forgetListed(userId);
      if (this.#listedStateCount + states.length > MAX_LISTED_STATES) this.#clearListed();
      this.#listedStates.set(userId, { states, readAt: now });
      this.#listedStateCount += states.length;
    }
    return states;
  }

  #forgetListed(userId: string): void {
    const kept = this.#listedStates.get(userId);
    if (!kept) return;
    this.#listedStates.delete(userId);
    this.#listedStateCount -= kept.states.length;
  }

  #clearListed(): void {
    this.#listedStates.clear();
    this.#listedStateCount = 0;
  }

  /** Rows as listed (activity on this node and trust as of now applied): live ones only, the current first, then by activity. */
  #listed<T extends ListedSessionState & Pick<SessionRecord, 'revokedAt'>>(rows: T[], currentSessionId: string | null, now: number): T[] {
    const { policy } = this.#deps;
    return rows
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
   * The request of a valid session came from `ip` (the address the server trusts: X-Forwarded-For
   * only from a trusted proxy). No I/O: a pair this node has not seen, or has not written for a
   * touch interval, waits for `flushAddresses`, which writes every pair due in one transaction.
   */
  noteAddress(sessionId: string, ip: string): void {
    const now = this.#deps.clock.now();
    // By session, then address: both strings are the same objects request after request (the
    // cached session's id, the socket's address), so each lookup reuses their hash; a key made
    // of the two was a new string to hash on every validation.
    let noted = this.#notedAddresses.get(sessionId);
    const at = noted?.get(ip);
    if (at !== undefined && !shouldTouch(at, this.#deps.policy, now)) return;
    if (at === undefined) {
      if (this.#notedCount >= this.#tracking.addresses) {
        this.#notedAddresses.clear();
        this.#notedCount = 0;
        noted = undefined;
      }
      if (!noted) this.#notedAddresses.set(sessionId, (noted = new Map()));
      this.#notedCount++;
    }
    noted!.set(ip, now);
    this.#pendingAddresses.set(`${sessionId} ${ip}`, { sessionId, ip, at: now });
  }

  /**
   * Writes the addresses noted since the last flush, each with its approximate place, in one
   * transaction (the composition root calls it with flushTouches); each session keeps its
   * MAX_SESSION_ADDRESSES most recent. A failed write keeps them for the next flush.
   */
  async flushAddresses(): Promise<number> {
    if (this.#pendingAddresses.size === 0) return 0;
    const pending = [...this.#pendingAddresses];
    this.#pendingAddresses.clear();
    const { geo } = this.#deps;
    const seen: SeenAddress[] = pending.map(([, p]) => {
      const place = geo?.locate(p.ip);
      return { ...p, place: { city: place?.city ?? null, region: place?.region ?? null, country: place?.country ?? null } };
    });
    try {
      await this.#deps.store.recordSessionAddresses(seen, MAX_SESSION_ADDRESSES);
    } catch (err) {
      for (const [key, p] of pending) if (!this.#pendingAddresses.has(key)) this.#pendingAddresses.set(key, p);
      throw err;
    }
    return seen.length;
  }

  /**
   * One session of the user, live or ended, with its history: null for an id that is not one of
   * theirs (another user's answers the same as none). Any id the sign-in has had (token
   * rotation) names it; the session is shown as it is now.
   */
  async history(userId: string, id: string): Promise<SessionHistory | null> {
    const { store, clock, policy } = this.#deps;
    const chain = await store.findSessionChain(userId, id);
    if (!chain) return null;
    const now = clock.now();
    const stored = chain.session;
    const lastActiveAt = this.#lastActivity(stored);
    const session = { ...stored, lastActiveAt, trusted: isTrusted(stored, now) };
    const live = isActive(stored, policy, now, lastActiveAt);
    const endedAt = live ? null : (stored.revokedAt ?? effectiveExpiry(stored, policy, lastActiveAt));
    const [addresses, events] = await Promise.all([
      store.listSessionAddresses(stored.id),
      store.listSessionEvents(
        userId,
        {
          sessionIds: chain.ids,
          deviceId: stored.deviceId,
          from: stored.signedInAt,
          to: endedAt ?? now,
          endedAt: stored.revokeReason !== null && BULK_REASONS.has(stored.revokeReason) ? stored.revokedAt : null,
        },
        MAX_SESSION_HISTORY,
      ),
    ]);
    return {
      session,
      ended:
        endedAt === null
          ? null
          : {
              at: endedAt,
              reason: stored.revokedAt === null ? 'expired' : (stored.revokeReason ?? 'expired'),
              detail: stored.revokeDetail ?? null,
            },
      addresses,
      events,
    };
  }

  /**
   * Writes the `last_active_at` values that fell due since the last flush, in a few statements.
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
   * For telemetry: validation lookups so far that this node's cache answered (`hits`) or the
   * database did (`misses`, those while the bus was not live included). Without a cache, none.
   */
  cacheLookups(): { hits: number; misses: number } {
    return { hits: this.#cacheHits, misses: this.#cacheMisses };
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
    const hit = this.#cachedSession(id);
    if (hit) {
      this.#cacheHits++;
      return { found: hit, live: true };
    }
    this.#cacheMisses++;
    const live = this.#wasLive;
    if (!live) return { found: await this.#deps.store.findSession(id), live };
    const generation = this.#generation;
    const found = await this.#deps.store.findSession(id);
    if (found && found.session.revokedAt === null && generation === this.#generation && this.#deps.bus.isLive())
      cache.set(found, this.#deps.clock.now());
    return { found, live };
  }

  /**
   * The cached session with this id, only while the bus is live (a gap may have missed a
   * revocation: the cache is cleared when it goes down and again when it comes back).
   */
  #cachedSession(id: string): SessionWithUser | undefined {
    const cache = this.#cache;
    if (!cache) return undefined;
    const live = this.#deps.bus.isLive();
    if (live !== this.#wasLive) {
      cache.clear();
      this.#wasLive = live;
    }
    return live ? cache.get(id, this.#deps.clock.now()) : undefined;
  }

  #onRevocation(event: RevocationEvent): void {
    this.#generation++;
    if (event.kind === 'session' || event.kind === 'user') this.#forgetListed(event.userId);
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
    this.#clearListed();
  }

  #lastActivity(session: Pick<SessionRecord, 'id' | 'lastActiveAt'>): number {
    return Math.max(session.lastActiveAt, this.#recentActivity.get(session.id) ?? 0);
  }

  #remember(sessionId: string, now: number): void {
    if (this.#recentActivity.size >= this.#tracking.activity && !this.#recentActivity.has(sessionId)) this.#recentActivity.clear();
    this.#recentActivity.set(sessionId, now);
  }
}

function rank(session: Pick<SessionRecord, 'id'>, currentSessionId: string | null): number {
  return session.id === currentSessionId ? 1 : 0;
}
