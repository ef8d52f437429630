/** Records -> wire shapes (snake_case, ISO 8601 UTC). Only what the response schemas allow leaves. */
import { describeClient } from '../core/clients.js';
import type { Devices } from '../core/devices.js';
import type { Sessions } from '../core/sessions.js';
import type { Client, SessionPolicy, SessionRecord } from '../core/session.js';
import { effectiveExpiry } from '../core/session.js';
import type { UserProfile } from '../core/user.js';
import type { SessionView, UserView } from './schemas.js';

/**
 * ISO 8601 strings, remembered: a session's sign-in time, its owner's creation time and its expiry
 * repeat on every request, and toISOString cost 4.5% of the session route (docs/benchmarks.md).
 * Bounded: cleared when full.
 */
const ISO_CACHE_SIZE = 50_000;
const isoCache = new Map<number, string>();
export function iso(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    if (isoCache.size >= ISO_CACHE_SIZE) isoCache.clear();
    text = new Date(ms).toISOString();
    isoCache.set(ms, text);
  }
  return text;
}

export function userView(user: UserProfile): UserView {
  return { id: user.id, email: user.email, name: user.name, created_at: iso(user.createdAt) };
}

export function sessionView(
  session: SessionRecord,
  currentSessionId: string | null,
  clients: readonly Client[],
  policy: SessionPolicy,
  /** Session lists pass it: each session then carries its `device_group`. */
  devices?: Pick<Devices, 'group'>,
): SessionView {
  return {
    id: session.id,
    client: describeClient(clients, session.clientId),
    device: session.device,
    ip: session.ip,
    location: { city: session.location.city, region: session.location.region, country: session.location.country, approximate: true },
    signed_in_at: iso(session.signedInAt),
    last_active_at: iso(session.lastActiveAt),
    expires_at: iso(effectiveExpiry(session, policy)),
    trusted: session.trusted,
    trusted_until: session.trusted && session.deviceTrustedUntil !== null ? iso(session.deviceTrustedUntil) : null,
    current: session.id === currentSessionId,
    auth_method: session.authMethod,
    ...(devices ? { device_group: devices.group(session.userId, session.deviceId) } : {}),
  };
}

/**
 * A session as the list shows it, as JSON: the same bytes Fastify's serializer writes for the
 * Session schema, which puts the required keys first, then the optional ones (`trusted_until`,
 * `device_group`), each in the schema's order. test/http/session-list.test.ts compares the two.
 */
function sessionJson(v: SessionView): string {
  return JSON.stringify({
    id: v.id,
    client: { id: v.client.id, name: v.client.name, kind: v.client.kind },
    device: { name: v.device.name, os: v.device.os, browser: v.device.browser, type: v.device.type },
    ip: v.ip,
    location: { city: v.location.city, region: v.location.region, country: v.location.country, approximate: v.location.approximate },
    signed_in_at: v.signed_in_at,
    last_active_at: v.last_active_at,
    expires_at: v.expires_at,
    trusted: v.trusted,
    current: v.current,
    auth_method: v.auth_method,
    trusted_until: v.trusted_until,
    device_group: v.device_group,
  });
}

/**
 * The body around its two times: everything before `last_active_at`'s value, and everything after
 * `expires_at`'s. Only those two change from one request to the next (activity, and with it the
 * idle expiry); the rest changes only when the user, the session's device trust or its record does.
 */
function currentSessionParts(
  user: UserProfile,
  session: SessionRecord,
  clients: readonly Client[],
  policy: SessionPolicy,
): { head: string; tail: string } {
  const u = userView(user);
  const userJson = JSON.stringify({ id: u.id, email: u.email, name: u.name, created_at: u.created_at });
  const v = sessionView(session, session.id, clients, policy);
  const json = sessionJson(v);
  // JSON escapes every quote inside a value, so this key sequence occurs once: where the times are.
  const times = `"last_active_at":"${v.last_active_at}","expires_at":"${v.expires_at}"`;
  const at = json.indexOf(times);
  return { head: `{"user":${userJson},"session":${json.slice(0, at)}"last_active_at":"`, tail: `"${json.slice(at + times.length)}}` };
}

/** Sessions whose body parts CurrentSessionBodies keeps; cleared when full. */
const CURRENT_BODY_LIMIT = 50_000;

/**
 * What the parts were made from, compared by value (each validation answers a new copy of its
 * session): the fields the parts show, kept on the parts themselves, so the comparison reads only
 * this object and the request's own session, not an older copy of it.
 */
type PartsSource = Pick<
  SessionRecord,
  'clientId' | 'ip' | 'signedInAt' | 'trusted' | 'deviceTrustedUntil' | 'authMethod' | 'device' | 'location'
>;

interface CurrentBodyParts extends PartsSource {
  head: string;
  tail: string;
  user: UserProfile;
  clients: readonly Client[];
}

/**
 * `GET /v1/me/session`'s body (UserAndSession) as JSON, for the validation fast path
 * (fast-validation.ts): the bytes Fastify's serializer writes for
 * `{ user: userView(user), session: sessionView(session, session.id, …) }`
 * (test/http/fast-validation.test.ts compares the two on the wire), with the parts that do not
 * change between requests kept per session (building and serialising the whole view was ~8% of a
 * validation's CPU, docs/benchmarks.md). A part is reused only while every field it was made from is unchanged,
 * so a renamed user, a trusted device or a session read again with other values rebuilds it.
 * The two times are the last one asked for each: the requests of one busy millisecond share them.
 */
export class CurrentSessionBodies {
  readonly #parts = new Map<string, CurrentBodyParts>();
  readonly #lastActiveAt = new RecentIso();
  readonly #expiresAt = new RecentIso();

  json(user: UserProfile, session: SessionRecord, clients: readonly Client[], policy: SessionPolicy): string {
    let parts = this.#parts.get(session.id);
    if (!parts || !sameParts(parts, user, session, clients)) {
      if (!parts && this.#parts.size >= CURRENT_BODY_LIMIT) this.#parts.clear();
      const { clientId, ip, signedInAt, trusted, deviceTrustedUntil, authMethod, device, location } = session;
      const { head, tail } = currentSessionParts(user, session, clients, policy);
      parts = { head, tail, user, clients, clientId, ip, signedInAt, trusted, deviceTrustedUntil, authMethod, device, location };
      this.#parts.set(session.id, parts);
    }
    const lastActiveAt = this.#lastActiveAt.of(session.lastActiveAt);
    const expiresAt = this.#expiresAt.of(effectiveExpiry(session, policy));
    return `${parts.head}${lastActiveAt}","expires_at":"${expiresAt}${parts.tail}`;
  }
}

/** One time's ISO string, remembered until another is asked: times that move with the clock, not iso()'s map. */
class RecentIso {
  #ms = Number.NaN;
  #text = '';

  of(ms: number): string {
    if (ms !== this.#ms) {
      this.#text = new Date(ms).toISOString();
      this.#ms = ms;
    }
    return this.#text;
  }
}

function sameParts(parts: CurrentBodyParts, user: UserProfile, session: SessionRecord, clients: readonly Client[]): boolean {
  const u = parts.user;
  if (u !== user && (u.id !== user.id || u.email !== user.email || u.name !== user.name || u.createdAt !== user.createdAt)) return false;
  const d = parts.device;
  const l = parts.location;
  return (
    parts.clients === clients &&
    parts.clientId === session.clientId &&
    parts.ip === session.ip &&
    parts.signedInAt === session.signedInAt &&
    parts.trusted === session.trusted &&
    parts.deviceTrustedUntil === session.deviceTrustedUntil &&
    parts.authMethod === session.authMethod &&
    (d === session.device ||
      (d.name === session.device.name &&
        d.os === session.device.os &&
        d.browser === session.device.browser &&
        d.type === session.device.type)) &&
    (l === session.location ||
      (l.city === session.location.city && l.region === session.location.region && l.country === session.location.country))
  );
}

interface ListedView {
  /** The session's view as another session's list shows it (`current` false). */
  view: SessionView;
  /** `view` as JSON (UTF-8), rewritten only when what can change does. */
  json: Buffer;
  /** What `view` shows of the session's state, as numbers (NaN: not yet shown; trust: -1 when not trusted). */
  lastActiveAt: number;
  expiresAt: number;
  trustedUntil: number;
}

const OPEN_LIST = Buffer.from('{"sessions":[');
const COMMA = Buffer.from(',');
const CLOSE_LIST = Buffer.from(']}');
const EMPTY = Buffer.alloc(0);

/** Sessions whose views the list keeps, over all users; past it the least recently listed users' go. */
const LIST_VIEW_LIMIT = 50_000;

/**
 * `GET /v1/me/sessions` without paging, as its JSON body. Each request still asks Sessions which
 * sessions are live and what can change in them (activity, expiry, device trust: see
 * listUserSessionStates for how fresh), but the rest of each
 * view (client, device, place, sign-in time, device group: fixed when the session is issued) is
 * built and serialised once per session on this node instead of on every request, and the body
 * is joined from those bytes. With 1,000 sessions a request took 16 ms of server CPU before, 1.2 ms
 * after (with Sessions reusing its read of the sessions for up to a second).
 */
export class SessionListView {
  readonly #sessions: Pick<Sessions, 'listUserSessions' | 'listUserSessionStates'>;
  readonly #clients: readonly Client[];
  readonly #policy: SessionPolicy;
  readonly #devices: Pick<Devices, 'group'>;
  /** Per user, in least recently listed order: the views of their sessions, by session id. */
  readonly #users = new Map<string, Map<string, ListedView>>();
  #kept = 0;

  constructor(
    sessions: Pick<Sessions, 'listUserSessions' | 'listUserSessionStates'>,
    clients: readonly Client[],
    policy: SessionPolicy,
    devices: Pick<Devices, 'group'>,
  ) {
    this.#sessions = sessions;
    this.#clients = clients;
    this.#policy = policy;
    this.#devices = devices;
  }

  /** `{"sessions":[…]}` in UTF-8: the user's live sessions, `currentSessionId` first and marked current. */
  async body(userId: string, currentSessionId: string): Promise<Buffer> {
    const states = await this.#sessions.listUserSessionStates(userId, currentSessionId);
    let views = this.#users.get(userId) ?? new Map<string, ListedView>();
    if (states.some((s) => !views.has(s.id))) views = await this.#withNew(userId, views);
    // Only the sessions listed now are kept: ended ones go with this list.
    const kept = new Map<string, ListedView>();
    const parts: Buffer[] = [OPEN_LIST];
    for (const state of states) {
      const listed = views.get(state.id);
      // Ended between the two reads: not listed.
      if (!listed) continue;
      kept.set(state.id, listed);
      const expiresAt = effectiveExpiry(state, this.#policy);
      const trustedUntil = state.trusted && state.deviceTrustedUntil !== null ? state.deviceTrustedUntil : -1;
      if (listed.lastActiveAt !== state.lastActiveAt || listed.expiresAt !== expiresAt || listed.trustedUntil !== trustedUntil) {
        const { view } = listed;
        view.last_active_at = iso(state.lastActiveAt);
        view.expires_at = iso(expiresAt);
        view.trusted = state.trusted;
        view.trusted_until = trustedUntil === -1 ? null : iso(trustedUntil);
        listed.json = Buffer.from(sessionJson(view));
        listed.lastActiveAt = state.lastActiveAt;
        listed.expiresAt = expiresAt;
        listed.trustedUntil = trustedUntil;
      }
      if (parts.length > 1) parts.push(COMMA);
      parts.push(state.id === currentSessionId ? Buffer.from(sessionJson({ ...listed.view, current: true })) : listed.json);
    }
    this.#keep(userId, kept);
    parts.push(CLOSE_LIST);
    return Buffer.concat(parts);
  }

  /** Reads the user's sessions whole and adds the views of those not yet kept. */
  async #withNew(userId: string, views: Map<string, ListedView>): Promise<Map<string, ListedView>> {
    const next = new Map(views);
    for (const session of await this.#sessions.listUserSessions(userId, null)) {
      if (next.has(session.id)) continue;
      const view = sessionView(session, null, this.#clients, this.#policy, this.#devices);
      next.set(session.id, { view, json: EMPTY, lastActiveAt: NaN, expiresAt: NaN, trustedUntil: NaN });
    }
    return next;
  }

  #keep(userId: string, views: Map<string, ListedView>): void {
    const before = this.#users.get(userId);
    if (before) {
      this.#users.delete(userId);
      this.#kept -= before.size;
    }
    // A user with more sessions than the limit is listed without keeping anything.
    if (views.size > LIST_VIEW_LIMIT) return;
    for (const [oldest, its] of this.#users) {
      if (this.#kept + views.size <= LIST_VIEW_LIMIT) break;
      this.#users.delete(oldest);
      this.#kept -= its.size;
    }
    this.#users.set(userId, views);
    this.#kept += views.size;
  }
}
