/**
 * OAuth/OIDC clients (issue 11): the apps that sign in with sessiond through oidc-provider,
 * registered by an instance admin from the CLI (`sessiond oauth-clients add`) or the admin API
 * (`/v1/admin/oauth-clients`). Three kinds:
 *
 * - `web`: a server-side app, confidential. Its secret (32 random bytes, base64url) is shown once,
 *   at registration; it is stored sealed by the secret box, not hashed, because oidc-provider
 *   compares the plain value itself (`client_secret_basic`). Redirects to https, or http on a
 *   loopback host (a developer's machine).
 * - `native`: an installed app, public (no secret; PKCE). Redirects to http on a loopback host (any
 *   port) or to a private-use scheme with a dot, `com.example.app:/callback` (RFC 8252 7.1, 7.3);
 *   oidc-provider applies the same rules to `application_type: native`.
 * - `device`: a command line or a TV, public, that signs in with a code entered on another screen
 *   (RFC 8628): no redirects at all.
 *
 * Every URI is absolute, without a fragment, credentials or wildcards, and is kept exactly as
 * given: oidc-provider compares redirect URIs as strings. A first-party client skips the consent
 * screen. Removing a client deletes it and tells the `onRemoved` listeners (the OIDC provider ends
 * its grants and tokens there).
 */
import { SessiondError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { OAuthClientStore } from './ports/oauth-client-store.js';
import type { SecretBox } from './ports/secret-box.js';
import { newId, newSecret } from './token.js';

export const OAUTH_CLIENT_KINDS = ['web', 'native', 'device'] as const;
export type OAuthClientKind = (typeof OAUTH_CLIENT_KINDS)[number];

export const OAUTH_CLIENT_ID_PREFIX = 'oc_';
/** `oc_` and 16 random bytes in base64url. */
export const OAUTH_CLIENT_ID_PATTERN = '^oc_[A-Za-z0-9_-]{22}$';
const ID_REGEX = new RegExp(OAUTH_CLIENT_ID_PATTERN);
export const MAX_OAUTH_CLIENT_NAME = 80;
export const MAX_OAUTH_CLIENT_URIS = 10;
export const MAX_OAUTH_CLIENT_URI_LENGTH = 2048;
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** The hosts http is allowed on (a URL's `hostname` writes IPv6 in brackets); oidc-provider's list too. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export interface OAuthClientRecord {
  /** `oc_…`: oidc-provider's `client_id`. */
  id: string;
  name: string;
  logoUri: string | null;
  kind: OAuthClientKind;
  /** Skips the consent screen. */
  firstParty: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  /** A web client's secret, sealed (context `oauth_client_secret:<id>`); null for public clients. */
  secretSealed: string | null;
  createdAt: number;
}

/** What a registration asks for; everything is checked by `OAuthClients.register`. */
export interface NewOAuthClient {
  name: string;
  /** One of OAUTH_CLIENT_KINDS; anything else is refused with a clear message. */
  kind: string;
  firstParty?: boolean | undefined;
  redirectUris?: readonly string[] | undefined;
  postLogoutRedirectUris?: readonly string[] | undefined;
  logoUri?: string | null | undefined;
  backchannelLogoutUri?: string | null | undefined;
}

/** The client as oidc-provider reads it (its `findClient`/adapter's `Client` model). */
export interface OidcClientMetadata {
  client_id: string;
  client_name: string;
  logo_uri?: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: 'client_secret_basic' | 'none';
  client_secret?: string;
  application_type: 'web' | 'native';
  backchannel_logout_uri?: string;
  backchannel_logout_session_required: true;
}

/** Told about each removed client, after its row is gone: ends its grants and tokens. */
export type OAuthClientRemovedListener = (client: OAuthClientRecord) => Promise<void> | void;

export interface OAuthClientDeps {
  store: OAuthClientStore;
  secretBox: SecretBox;
  clock: Clock;
  crypto: Crypto;
}

export function isOAuthClientKind(text: string): text is OAuthClientKind {
  return (OAUTH_CLIENT_KINDS as readonly string[]).includes(text);
}

/** Whether a string has the shape of a client id (anything else is never looked up). */
export function isOAuthClientId(text: string): boolean {
  return ID_REGEX.test(text);
}

/** Web clients hold a secret; native and device clients are public. */
export function isConfidential(client: Pick<OAuthClientRecord, 'kind'>): boolean {
  return client.kind === 'web';
}

const secretContext = (id: string) => `oauth_client_secret:${id}`;

/** Controls, line and paragraph separators and bidi overrides: a name must read on the consent screen as it is. */
const UNSAFE_NAME_CHARS = /[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]/u;

function invalid(message: string): SessiondError {
  return new SessiondError('invalid_request', message);
}

/** Where a URI may point: `web` (https, or http on loopback), `native` (RFC 8252), `https` only. */
type UriRule = 'web' | 'native' | 'https';

const LOOPBACK_LIST = LOOPBACK_HOSTS.join(', ');

/** Checks one URI against a rule; returns it unchanged, or throws naming the field and the value. */
export function checkClientUri(field: string, value: unknown, rule: UriRule): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_OAUTH_CLIENT_URI_LENGTH)
    throw invalid(`${field} must be a URL of 1 to ${MAX_OAUTH_CLIENT_URI_LENGTH} characters.`);
  const quoted = JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (/[\s\p{Cc}]/u.test(value)) throw invalid(`${field} ${quoted} must not contain spaces or control characters.`);
  if (value.includes('*')) throw invalid(`${field} ${quoted} must not contain wildcards (*): register each URL exactly.`);
  if (value.includes('#')) throw invalid(`${field} ${quoted} must not have a fragment (#…).`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${field} ${quoted} is not an absolute URL.`);
  }
  if (url.username !== '' || url.password !== '') throw invalid(`${field} ${quoted} must not carry a user name or password.`);
  const scheme = url.protocol.slice(0, -1);
  const loopback = LOOPBACK_HOSTS.includes(url.hostname);
  if (rule === 'https') {
    if (scheme !== 'https') throw invalid(`${field} ${quoted} must be an https URL.`);
    return value;
  }
  if (rule === 'web') {
    if (scheme === 'https') return value;
    if (scheme === 'http') {
      if (loopback) return value;
      throw invalid(`${field} ${quoted}: http is allowed only on loopback hosts (${LOOPBACK_LIST}); use https.`);
    }
    throw invalid(`${field} ${quoted} must be an https URL (or http on a loopback host: ${LOOPBACK_LIST}).`);
  }
  // Native apps (RFC 8252): loopback http on any port, or a private-use scheme named after a domain.
  if (scheme === 'http') {
    if (loopback) return value;
    throw invalid(`${field} ${quoted}: a native app's http URL must be on a loopback host (${LOOPBACK_LIST}).`);
  }
  if (scheme === 'https' || !scheme.includes('.'))
    throw invalid(
      `${field} ${quoted}: a native app uses http on a loopback host (${LOOPBACK_LIST}) or a private-use scheme with a dot, like com.example.app:/callback (RFC 8252).`,
    );
  return value;
}

/** Checks a list of URIs (at most 10, each once: duplicates are dropped, the order kept). */
function checkUriList(field: string, values: readonly unknown[], rule: UriRule, required: boolean): string[] {
  if (!Array.isArray(values)) throw invalid(`${field} must be a list of URLs.`);
  if (required && values.length === 0) throw invalid(`${field} needs at least one URL.`);
  const unique = [...new Set(values)];
  if (unique.length > MAX_OAUTH_CLIENT_URIS) throw invalid(`${field} has at most ${MAX_OAUTH_CLIENT_URIS} URLs.`);
  return unique.map((v, i) => checkClientUri(`${field}[${i}]`, v, rule));
}

/** Trims and checks a client's display name. */
export function checkClientName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  const length = [...name].length;
  if (length === 0 || length > MAX_OAUTH_CLIENT_NAME) throw invalid(`name must have 1 to ${MAX_OAUTH_CLIENT_NAME} characters.`);
  if (UNSAFE_NAME_CHARS.test(name)) throw invalid('name must not contain control characters or line breaks.');
  return name;
}

/** The client as oidc-provider reads it; `secret` is the plain secret of a web client. */
export function oidcClientMetadata(client: OAuthClientRecord, secret: string | null): OidcClientMetadata {
  const device = client.kind === 'device';
  return {
    client_id: client.id,
    client_name: client.name,
    ...(client.logoUri !== null ? { logo_uri: client.logoUri } : {}),
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    grant_types: device ? [DEVICE_CODE_GRANT, 'refresh_token'] : ['authorization_code', 'refresh_token'],
    response_types: device ? [] : ['code'],
    token_endpoint_auth_method: isConfidential(client) ? 'client_secret_basic' : 'none',
    ...(isConfidential(client) && secret !== null ? { client_secret: secret } : {}),
    // A device client is an installed program (a command line, a TV app): native.
    application_type: client.kind === 'web' ? 'web' : 'native',
    ...(client.backchannelLogoutUri !== null ? { backchannel_logout_uri: client.backchannelLogoutUri } : {}),
    backchannel_logout_session_required: true,
  };
}

export class OAuthClients {
  readonly #deps: OAuthClientDeps;
  readonly #removed: OAuthClientRemovedListener[] = [];

  constructor(deps: OAuthClientDeps) {
    this.#deps = deps;
  }

  /** Adds a listener told about each removed client (in the order added; a failure reaches `remove`'s caller). */
  onRemoved(listener: OAuthClientRemovedListener): void {
    this.#removed.push(listener);
  }

  /**
   * Checks and registers a client. Returns it and, for a web client, its secret: shown this once,
   * stored only sealed. Instance admins only: the caller (CLI, admin route) has checked that.
   */
  async register(input: NewOAuthClient): Promise<{ client: OAuthClientRecord; secret: string | null }> {
    const kind = input.kind;
    if (!isOAuthClientKind(kind)) throw invalid(`kind must be one of ${OAUTH_CLIENT_KINDS.join(', ')}.`);
    const name = checkClientName(input.name);
    const logoUri = input.logoUri == null ? null : checkClientUri('logo_uri', input.logoUri, 'https');
    const redirects = input.redirectUris ?? [];
    const postLogout = input.postLogoutRedirectUris ?? [];
    if (kind === 'device' && redirects.length > 0)
      throw invalid('redirect_uris: a device client signs in with a code entered on another screen and has no redirect URIs.');
    if (kind === 'device' && postLogout.length > 0) throw invalid('post_logout_redirect_uris: a device client has no redirect URIs.');
    const rule: UriRule = kind === 'native' ? 'native' : 'web';
    const redirectUris = checkUriList('redirect_uris', redirects, rule, kind !== 'device');
    const postLogoutRedirectUris = checkUriList('post_logout_redirect_uris', postLogout, rule, false);
    const backchannelLogoutUri =
      input.backchannelLogoutUri == null ? null : checkClientUri('backchannel_logout_uri', input.backchannelLogoutUri, 'web');
    if (input.firstParty !== undefined && typeof input.firstParty !== 'boolean') throw invalid('first_party must be true or false.');

    const { store, secretBox, clock, crypto } = this.#deps;
    const id = OAUTH_CLIENT_ID_PREFIX + newId(crypto);
    const secret = kind === 'web' ? newSecret(crypto) : null;
    const client: OAuthClientRecord = {
      id,
      name,
      logoUri,
      kind,
      firstParty: input.firstParty ?? false,
      redirectUris,
      postLogoutRedirectUris,
      backchannelLogoutUri,
      secretSealed: secret === null ? null : secretBox.seal(secret, secretContext(id)),
      createdAt: clock.now(),
    };
    await store.insertOAuthClient(client);
    return { client, secret };
  }

  /** Every registered client, newest first. */
  async list(): Promise<OAuthClientRecord[]> {
    return this.#deps.store.listOAuthClients();
  }

  /** The client with this id; null for an unknown or malformed id (never looked up). */
  async find(id: string): Promise<OAuthClientRecord | null> {
    if (!isOAuthClientId(id)) return null;
    return this.#deps.store.findOAuthClient(id);
  }

  /**
   * Deletes a client, then tells the `onRemoved` listeners (which end its grants and tokens).
   * False when there is no such client. The row goes first, so oidc-provider refuses the client
   * from then on whatever a listener does; a listener's failure is thrown to the caller.
   */
  async remove(id: string): Promise<boolean> {
    const client = await this.find(id);
    if (!client || !(await this.#deps.store.deleteOAuthClient(id))) return false;
    for (const listener of this.#removed) await listener(client);
    return true;
  }

  /**
   * The client as oidc-provider reads it, with a web client's plain secret; null for an unknown
   * id. A secret sealed under a key that is no longer the current one is sealed again under it.
   */
  async metadata(id: string): Promise<OidcClientMetadata | null> {
    const client = await this.find(id);
    if (!client) return null;
    let secret: string | null = null;
    if (client.secretSealed !== null) {
      const { secretBox, store } = this.#deps;
      secret = secretBox.open(client.secretSealed, secretContext(id));
      if (!secretBox.isCurrent(client.secretSealed))
        await store.resealOAuthClientSecret(id, client.secretSealed, secretBox.seal(secret, secretContext(id)));
    }
    return oidcClientMetadata(client, secret);
  }
}
