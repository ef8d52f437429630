/**
 * The OAuth/OIDC side of sessiond, as use cases: the provider (rebuilt when the signing keys
 * change), and what the user's panel does with what it issued — list connected apps, device
 * sign-ins and "Sign in with" sessions, and end any of them: the grant and every token from it
 * go at once (every node reads tokens from the store, so the next call anywhere is refused), and
 * the app hears it through back-channel logout.
 */
import type Provider from 'oidc-provider';
import type { Clock } from '../core/ports/clock.js';
import type { Geo } from '../core/ports/geo.js';
import type { OauthGrantInfoRecord, OauthGrantVia, OidcPayload, OidcStore } from '../core/ports/oidc-store.js';
import type { SecretBox } from '../core/ports/secret-box.js';
import type { DomainEvent, Recorder, RequestPlace } from '../core/events.js';
import type { Background } from '../core/background.js';
import type { Actor } from '../core/security-events.js';
import type { Location } from '../core/session.js';
import { SessiondError } from '../core/errors.js';
import { createProvider, type ProviderDeps } from './provider.js';
import { currentSigningKeys } from './signing-keys.js';

/** How often a node looks for a key rotation another node made (and makes one when due). */
const KEY_CHECK_INTERVAL_MS = 10 * 60 * 1000;
/** A grant's "last used" is written at most this often. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface OAuthClientView {
  id: string;
  name: string;
  logoUri: string | null;
  firstParty: boolean;
}

export interface ConnectedApp {
  id: string;
  client: OAuthClientView;
  via: OauthGrantVia;
  scopes: string[];
  deviceName: string | null;
  firstAuthorizedAt: number;
  lastUsedAt: number | null;
  lastUsedLocation: Location | null;
}

export interface RelyingPartySession {
  /** The session id (`sid`) the app was given in its ID token. */
  id: string;
  client: OAuthClientView;
  signedInAt: number;
}

export interface OAuthDeps {
  issuer: string;
  secure: boolean;
  store: OidcStore;
  clock: Clock;
  secretBox: SecretBox;
  geo: Geo;
  recorder: Recorder;
  clients: {
    metadata(id: string): Promise<Record<string, unknown> | null>;
    view(id: string): Promise<OAuthClientView | null>;
  };
  accounts: ProviderDeps['accounts'];
  report(err: unknown, what: string): void;
  /** Whether a sessiond session is still live (not revoked, expired or idle). */
  sessionLive(sessionId: string): Promise<boolean>;
  /** Where back-channel logouts after a session ended run: off the request that ended it. */
  background: Pick<Background, 'run'>;
}

/** The store's model for "this provider session was signed in from that sessiond session". */
const LINK = 'SessiondLink';

export class OAuth {
  readonly #deps: OAuthDeps;
  #provider: Provider | null = null;
  #fingerprint = '';
  #timer: NodeJS.Timeout | null = null;
  readonly #touched = new Map<string, number>();

  constructor(deps: OAuthDeps) {
    this.#deps = deps;
  }

  /** The provider with the current keys (made on first use, then checked every ten minutes). */
  async provider(): Promise<Provider> {
    if (!this.#provider) {
      await this.refreshKeys();
      this.#timer = setInterval(() => {
        this.refreshKeys().catch((err: unknown) => this.#deps.report(err, 'oidc signing keys'));
      }, KEY_CHECK_INTERVAL_MS);
      this.#timer.unref();
    }
    return this.#provider!;
  }

  /** Rotates the keys when due and rebuilds the provider when the published set changed (state is all in the store). */
  async refreshKeys(): Promise<void> {
    const { store, secretBox, clock } = this.#deps;
    const keys = await currentSigningKeys(store, secretBox, clock.now());
    if (this.#provider && keys.fingerprint === this.#fingerprint) return;
    this.#provider = await createProvider({
      ...this.#deps,
      jwks: keys.jwks,
      onGrantUsed: (grantId, ip) => this.#touch(grantId, ip),
      onAuthorized: (link) => {
        this.#link(link).catch((err: unknown) => this.#deps.report(err, 'link a sign-in to its session'));
      },
    });
    this.#fingerprint = keys.fingerprint;
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #touch(grantId: string, ip: string): void {
    const now = this.#deps.clock.now();
    if ((this.#touched.get(grantId) ?? 0) + TOUCH_INTERVAL_MS > now) return;
    this.#touched.set(grantId, now);
    if (this.#touched.size > 10_000) this.#touched.clear();
    this.#deps.store.touchGrant(grantId, now, ip).catch((err: unknown) => this.#deps.report(err, 'grant last used'));
  }

  /**
   * An OAuth access token sessiond issued, for `POST /v1/introspect` (services that check every
   * credential in one place, the SDK's `verifyToken`): active while unexpired, its grant not
   * removed, its client still registered and its account enabled. Read from the store on every
   * call: a removal is seen at once on every node.
   */
  async accessToken(
    token: string,
  ): Promise<{ userId: string; clientId: string; grantId: string; scopes: string[]; issuedAt: number; expiresAt: number } | null> {
    // oidc-provider's opaque tokens: 43 base64url characters. Anything else costs no lookup.
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const provider = await this.provider();
    const found = await provider.AccessToken.find(token);
    if (!found || found.isExpired || !found.accountId || !found.clientId || !found.grantId) return null;
    if (!(await this.#deps.clients.metadata(found.clientId))) return null;
    if (!(await this.#deps.accounts.claims(found.accountId))) return null;
    if (!(await this.#deps.store.find('Grant', found.grantId, this.#deps.clock.now()))) return null;
    return {
      userId: found.accountId,
      clientId: found.clientId,
      grantId: found.grantId,
      scopes: String(found.scope ?? '')
        .split(' ')
        .filter(Boolean),
      issuedAt: Number(found.iat) * 1000,
      expiresAt: Number(found.exp) * 1000,
    };
  }

  /**
   * A browser signed in to an app through the provider: its provider session is linked to the
   * sessiond session it was signed in with, so that when that session ends (signed out, revoked,
   * a password change, an admin, a policy) every app signed in from it hears of it.
   */
  async #link(link: { providerSessionId: string; sessionId: string; userId: string; expiresAt: number | null }): Promise<void> {
    await this.#deps.store.upsert(
      LINK,
      `${link.sessionId}.${link.providerSessionId}`,
      { accountId: link.userId, sessionId: link.sessionId, providerSessionId: link.providerSessionId },
      link.expiresAt,
    );
  }

  /**
   * A recorder sink. A session that carries on under a new id (re-authentication, a password
   * change) keeps its apps; any session that ended takes its apps' sign-ins with it: each app is
   * sent a back-channel logout and the provider's session is deleted (its tokens without offline
   * access with it). Grants with offline access, device sign-ins included, stay: they are ended
   * on the page, or with "Sign out everywhere" and its box ticked.
   */
  readonly onEvent = async (event: DomainEvent): Promise<void> => {
    switch (event.type) {
      case 'session_rotated':
        return this.#moveLinks(event.userId, event.previousId, event.sessionId);
      case 'session_ended':
      case 'sessions_ended':
      case 'session_reported':
      case 'password_changed':
        return this.#afterSessionsEnded('userId' in event ? event.userId : event.user.id);
      case 'account_status_changed':
        if (event.disabled) this.#afterSessionsEnded(event.userId);
        return;
      default:
        return;
    }
  };

  /** The apps are told in the background: a slow app never holds up the sign-out that ended the session. */
  #afterSessionsEnded(userId: string): void {
    this.#deps.background.run('back-channel logout after sessions ended', () => this.#endSignInsOfEndedSessions(userId));
  }

  async #moveLinks(userId: string, from: string, to: string): Promise<void> {
    const { store, clock } = this.#deps;
    for (const { id, payload } of await store.listByAccount(LINK, userId, clock.now())) {
      if (payload.sessionId !== from) continue;
      const session = await store.find('Session', String(payload.providerSessionId), clock.now());
      const expiresAt = session && typeof session.exp === 'number' ? session.exp * 1000 : null;
      await store.upsert(LINK, `${to}.${String(payload.providerSessionId)}`, { ...payload, sessionId: to }, expiresAt);
      await store.destroy(LINK, id);
    }
  }

  async #endSignInsOfEndedSessions(userId: string): Promise<void> {
    const { store, clock } = this.#deps;
    const links = await store.listByAccount(LINK, userId, clock.now());
    const ended = new Set<string>();
    for (const { id, payload } of links) {
      const sessionId = String(payload.sessionId);
      if (await this.#deps.sessionLive(sessionId)) continue;
      ended.add(String(payload.providerSessionId));
      await store.destroy(LINK, id);
    }
    if (ended.size === 0) return;
    await this.#endSignIns(
      userId,
      () => true,
      undefined,
      (providerSessionId) => ended.has(providerSessionId),
    );
    for (const providerSessionId of ended) await store.destroy('Session', providerSessionId);
  }

  /** Notes a grant the user just gave (consent), for the panel; and tells the timeline. */
  async noteGrant(record: OauthGrantInfoRecord, clientName: string, place: RequestPlace | null, actor: Actor): Promise<void> {
    await this.#deps.store.upsertGrantInfo(record);
    await this.#deps.recorder.record({
      type: 'credential_changed',
      at: this.#deps.clock.now(),
      userId: record.userId,
      change: record.via === 'device_code' ? 'device_sign_in_approved' : 'app_connected',
      name: record.deviceName ? `${clientName} · ${record.deviceName}` : clientName,
      place,
      actor,
    });
  }

  async connectedApps(userId: string): Promise<ConnectedApp[]> {
    const { store, clock } = this.#deps;
    const grants = await store.listByAccount('Grant', userId, clock.now());
    const infos = new Map((await store.findGrantInfo(grants.map((g) => g.id))).map((i) => [i.grantId, i]));
    const apps: ConnectedApp[] = [];
    for (const { id, payload } of grants) {
      const client = await this.clientView(String(payload.clientId));
      const info = infos.get(id);
      // Where it was last used; before its first use, where it was approved from (a device: the device).
      const lastIp = info?.lastUsedIp ?? info?.createdIp ?? null;
      apps.push({
        id,
        client,
        via: info?.via ?? 'authorization_code',
        scopes: grantScopes(payload),
        deviceName: info?.deviceName ?? null,
        firstAuthorizedAt: info?.createdAt ?? Number(payload.iat) * 1000,
        lastUsedAt: info?.lastUsedAt ?? null,
        lastUsedLocation: lastIp ? this.#deps.geo.locate(lastIp) : null,
      });
    }
    return apps.sort((a, b) => b.firstAuthorizedAt - a.firstAuthorizedAt || (a.id < b.id ? -1 : 1));
  }

  /**
   * "Remove access": the grant, every token from it, and the app's sign-ins through it end at
   * once; each app with a back-channel logout URI is told. 404 for a grant that is not the user's.
   */
  async removeApp(userId: string, grantId: string, actor: Actor, removedClient?: Record<string, unknown>): Promise<void> {
    const { store, clock } = this.#deps;
    const grant = await store.find('Grant', grantId, clock.now());
    if (!grant || grant.accountId !== userId) throw new SessiondError('not_found');
    const clientId = String(grant.clientId);
    await store.revokeByGrantId(grantId);
    await store.destroy('Grant', grantId);
    const [info] = await store.findGrantInfo([grantId]);
    await store.deleteGrantInfo(grantId);
    await this.#endSignIns(userId, (authorization) => authorization.grantId === grantId, removedClient);
    const client = removedClient
      ? { id: clientId, name: String(removedClient.client_name ?? clientId), logoUri: null, firstParty: false }
      : await this.clientView(clientId);
    await this.#deps.recorder.record({
      type: 'credential_changed',
      at: clock.now(),
      userId,
      change: 'app_removed',
      name: info?.deviceName ? `${client.name} · ${info.deviceName}` : client.name,
      place: null,
      actor,
    });
  }

  /**
   * A client was removed (CLI or admin API): every grant it held ends as if each user removed it,
   * so each user's timeline says so and the app hears of each sign-in ending. Returns how many.
   */
  async removeClientGrants(clientId: string, removed: Record<string, unknown>): Promise<number> {
    const grants = await this.#deps.store.listByClient('Grant', clientId, this.#deps.clock.now());
    for (const { id, payload } of grants) {
      await this.removeApp(String(payload.accountId), id, { kind: 'system' }, removed).catch((err: unknown) => {
        if (!(err instanceof SessiondError && err.code === 'not_found')) throw err;
      });
    }
    return grants.length;
  }

  /** Deletes what the provider stored that has expired, in bounded batches; how many rows. */
  async purgeExpired(batch = 1_000): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.#deps.store.purgeExpired(this.#deps.clock.now(), batch);
      total += n;
      if (n < batch) return total;
    }
  }

  /** Every grant of the user ("Sign out everywhere", including connected apps); how many. */
  async removeAllApps(userId: string, actor: Actor): Promise<number> {
    const grants = await this.#deps.store.listByAccount('Grant', userId, this.#deps.clock.now());
    for (const { id } of grants) await this.removeApp(userId, id, actor);
    return grants.length;
  }

  async relyingPartySessions(userId: string): Promise<RelyingPartySession[]> {
    const { store, clock } = this.#deps;
    const sessions = await store.listByAccount('Session', userId, clock.now());
    // A device sign-in is listed with the signed-in sessions, not as an app signed in to.
    const grantIds = sessions.flatMap(({ payload }) => Object.values(authorizationsOf(payload)).map((a) => a.grantId ?? ''));
    const devices = new Set(
      (await store.findGrantInfo(grantIds.filter(Boolean))).filter((i) => i.via === 'device_code').map((i) => i.grantId),
    );
    const out: RelyingPartySession[] = [];
    for (const { payload } of sessions) {
      for (const [clientId, authorization] of Object.entries(authorizationsOf(payload))) {
        if (!authorization.sid || (authorization.grantId && devices.has(authorization.grantId))) continue;
        out.push({
          id: authorization.sid,
          client: await this.clientView(clientId),
          signedInAt: Number(payload.loginTs ?? payload.iat) * 1000,
        });
      }
    }
    return out.sort((a, b) => b.signedInAt - a.signedInAt || (a.id < b.id ? -1 : 1));
  }

  /** Signs the user out of one app they signed in to with sessiond; the app is told (back-channel). */
  async endRelyingPartySession(userId: string, sid: string, actor: Actor): Promise<void> {
    const ended = await this.#endSignIns(userId, (authorization) => authorization.sid === sid);
    if (ended.length === 0) throw new SessiondError('not_found');
    for (const { clientId, grantId } of ended) {
      // Tokens of a grant without offline access live only as long as the sign-in.
      const grant = grantId ? await this.#deps.store.find('Grant', grantId, this.#deps.clock.now()) : null;
      if (grantId && grant && !grantScopes(grant).includes('offline_access')) await this.#deps.store.revokeByGrantId(grantId);
      const client = await this.clientView(clientId);
      await this.#deps.recorder.record({
        type: 'credential_changed',
        at: this.#deps.clock.now(),
        userId,
        change: 'relying_party_signed_out',
        name: client.name,
        place: null,
        actor,
      });
    }
  }

  /**
   * Removes the matching authorizations from the user's provider sessions and sends each app its
   * back-channel logout token. A logout the app does not acknowledge is reported, not retried:
   * the tokens are gone either way.
   */
  async #endSignIns(
    userId: string,
    matches: (a: Authorization) => boolean,
    removedClient?: Record<string, unknown>,
    inSession: (providerSessionId: string) => boolean = () => true,
  ): Promise<{ clientId: string; grantId: string | null }[]> {
    const { store, clock } = this.#deps;
    const provider = await this.provider();
    const ended: { clientId: string; grantId: string | null; sid: string }[] = [];
    for (const { id, payload } of await store.listByAccount('Session', userId, clock.now())) {
      if (!inSession(id)) continue;
      const authorizations = authorizationsOf(payload);
      const remaining: Record<string, Authorization> = {};
      for (const [clientId, authorization] of Object.entries(authorizations)) {
        if (matches(authorization)) ended.push({ clientId, grantId: authorization.grantId ?? null, sid: authorization.sid ?? '' });
        else remaining[clientId] = authorization;
      }
      if (Object.keys(remaining).length === Object.keys(authorizations).length) continue;
      const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : null;
      await store.upsert('Session', id, { ...payload, authorizations: remaining }, exp);
    }
    await Promise.all(
      ended.map(async ({ clientId, sid }) => {
        try {
          // A client being removed is already unknown to the provider: its logout is signed from the
          // metadata it had (as a public client: no secret is needed to sign a logout token).
          const client =
            (await provider.Client.find(clientId)) ??
            (removedClient
              ? new (provider.Client as unknown as new (metadata: Record<string, unknown>) => object)({
                  ...removedClient,
                  token_endpoint_auth_method: 'none',
                  client_secret: undefined,
                })
              : undefined);
          // Client#backchannelLogout is oidc-provider's own (its end_session uses it); the types omit it.
          const withLogout = client as unknown as
            { backchannelLogoutUri?: string; backchannelLogout(sub: string, sid: string): Promise<void> } | undefined;
          if (withLogout?.backchannelLogoutUri) await withLogout.backchannelLogout(userId, sid);
        } catch (err) {
          this.#deps.report(err, `back-channel logout to ${clientId}`);
        }
      }),
    );
    return ended;
  }

  async clientView(clientId: string): Promise<OAuthClientView> {
    return (await this.#deps.clients.view(clientId)) ?? { id: clientId, name: clientId, logoUri: null, firstParty: false };
  }
}

interface Authorization {
  sid?: string;
  grantId?: string;
  persistsLogout?: boolean;
}

function authorizationsOf(payload: OidcPayload): Record<string, Authorization> {
  const value = payload.authorizations;
  return value && typeof value === 'object' ? (value as Record<string, Authorization>) : {};
}

/** The scopes a grant holds: its OpenID scopes and those of each resource. */
export function grantScopes(payload: OidcPayload): string[] {
  const scopes = new Set<string>();
  const openid = payload.openid as { scope?: string } | undefined;
  for (const s of openid?.scope?.split(' ') ?? []) if (s) scopes.add(s);
  const resources = payload.resources as Record<string, string> | undefined;
  for (const scope of Object.values(resources ?? {})) for (const s of scope.split(' ')) if (s) scopes.add(s);
  return [...scopes];
}
