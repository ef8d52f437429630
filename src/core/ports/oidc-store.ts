/**
 * Persistence for sessiond as an OAuth 2.1 / OpenID Connect provider (issue 11): everything
 * oidc-provider stores (through oauth/provider-adapter.ts), the provider's signing keys, and what
 * sessiond records about each grant. Implemented by the Kysely store over SQLite, PostgreSQL and
 * MySQL; every adapter passes `src/core/testing/oidc-store.contract.ts`.
 *
 * oidc-provider's objects are opaque here: a model name ("AccessToken", "Grant", "Session", …),
 * an id, and a JSON payload. The store copies the few payload fields it looks rows up by
 * (`grantId`, `userCode`, `uid`, `accountId`, `clientId`) into columns. Times are epoch ms, but
 * `payload.consumed` is epoch seconds, as oidc-provider writes and reads it.
 */

/** An object oidc-provider stores: JSON-serialisable. */
export type OidcPayload = Record<string, unknown>;

/**
 * The models whose rows belong to a grant and go when it is revoked (oidc-provider's own memory
 * adapter keeps exactly these per grant). Not the Grant itself (destroyed on its own), nor
 * sessions or interactions, which may name a grant without being its tokens.
 */
export const GRANT_TOKEN_MODELS: readonly string[] = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
];

/** One of the provider's signing keys; the private JWK is sealed by the secret box. */
export interface OidcKeyRecord {
  kid: string;
  alg: string;
  privateJwkSealed: string;
  createdAt: number;
  /** Signs from this time on (published in the JWKS before, so relying parties know it). */
  activatesAt: number;
  /** No longer signs (nor is published) from this time on; null: not retired. */
  retiresAt: number | null;
}

export type OauthGrantVia = 'authorization_code' | 'device_code';

/** What sessiond knows about a grant beyond oidc-provider's payload: how it was made, where it was last used. */
export interface OauthGrantInfoRecord {
  grantId: string;
  userId: string;
  clientId: string;
  via: OauthGrantVia;
  /** The device-flow device's name ("build-server"), when it gave one. */
  deviceName: string | null;
  createdAt: number;
  createdIp: string | null;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
}

export interface OidcStore {
  /**
   * Writes the object, replacing any row with that model and id (a fresh row: consumed only if
   * `payload.consumed` says so). `expiresAt` epoch ms; null: never expires.
   */
  upsert(model: string, id: string, payload: OidcPayload, expiresAt: number | null): Promise<void>;
  /**
   * The payload, or null when there is none or it expired (`expiresAt <= now`). A consumed
   * object's payload carries `consumed`: the epoch seconds of its consumption.
   */
  find(model: string, id: string, now: number): Promise<OidcPayload | null>;
  /** As `find`, by `payload.uid` (sessions). */
  findByUid(model: string, uid: string, now: number): Promise<OidcPayload | null>;
  /** As `find`, by `payload.userCode` (the device flow's code). */
  findByUserCode(model: string, userCode: string, now: number): Promise<OidcPayload | null>;
  /** Marks the object consumed at `at` (epoch ms) unless it already was; true when this call consumed it. */
  consume(model: string, id: string, at: number): Promise<boolean>;
  destroy(model: string, id: string): Promise<void>;
  /** Deletes the grant's tokens (every row of GRANT_TOKEN_MODELS naming it); returns how many. */
  revokeByGrantId(grantId: string): Promise<number>;
  /** The account's unexpired objects of one model (its Grants, its Sessions), by id. */
  listByAccount(model: string, accountId: string, now: number): Promise<{ id: string; payload: OidcPayload }[]>;
  /** The client's unexpired objects of one model (its Grants, when the client is removed), by id. */
  listByClient(model: string, clientId: string, now: number): Promise<{ id: string; payload: OidcPayload }[]>;
  /**
   * Deletes up to `limit` objects expired at `now` (call until it returns less than `limit`),
   * and the grant information of expired grants. Returns how many objects it deleted.
   */
  purgeExpired(now: number, limit: number): Promise<number>;

  /** Every signing key, retired ones too, oldest first. */
  listKeys(): Promise<OidcKeyRecord[]>;
  insertKey(key: OidcKeyRecord): Promise<void>;
  /** Retires the key at `at`, or earlier if it was already set to retire earlier; false when there is no such key or nothing changed. */
  retireKey(kid: string, at: number): Promise<boolean>;

  /**
   * Records a grant. When the grant is recorded already (consent given again), its account,
   * client, flow and device name are replaced; when and where it was first made and last used stay.
   */
  upsertGrantInfo(info: OauthGrantInfoRecord): Promise<void>;
  /** The records of those grants that have one, in no particular order. */
  findGrantInfo(grantIds: readonly string[]): Promise<OauthGrantInfoRecord[]>;
  /** Records a use at `at` from `ip`, unless a later one is recorded already; true when it wrote. */
  touchGrant(grantId: string, at: number, ip: string | null): Promise<boolean>;
  /** True when there was a record. */
  deleteGrantInfo(grantId: string): Promise<boolean>;
}
