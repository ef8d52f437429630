/**
 * Table types for Kysely. Times are integer milliseconds since the epoch (BIGINT in
 * PostgreSQL and MySQL, INTEGER in SQLite); booleans are 0/1 integers so every engine reads the same.
 * Text columns that hold one of a closed set of values are typed as that set: only this code
 * writes them, so reads need no casts.
 */
import type { Generated, Kysely } from 'kysely';
import type { MfaChallengeRecord } from '../../core/ports/mfa-store.js';
import type { PasskeyRecord, WebauthnPurpose } from '../../core/ports/passkey-store.js';
import type { ActionPurpose } from '../../core/ports/security-store.js';
import type { SecurityEventKind } from '../../core/security-events.js';
import type { AuthMethod, DeviceType, RevokeReason } from '../../core/session.js';
import type { ReviewReason } from '../../core/reviews.js';
import type { IncidentStatus } from '../../core/incidents.js';
import type { AuditAction, AuditEntry, WorkspaceRole } from '../../core/workspaces.js';

export interface UsersTable {
  id: string;
  email: string;
  email_key: string;
  name: string | null;
  password_hash: string;
  is_admin: number;
  created_at: number;
  password_changed_at: number;
  /** 1 after "This wasn't me": sign-in is refused until the password is reset or changed. */
  password_change_required?: number;
  /** When an operator disabled the account (0014); null: enabled. */
  disabled_at?: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  secret_hash: string;
  client_id: string;
  auth_method: AuthMethod;
  device_id: string | null;
  device_name: string;
  device_os: string;
  device_browser: string | null;
  device_type: DeviceType;
  ip: string;
  city: string | null;
  region: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  user_agent: string | null;
  signed_in_at: number;
  last_active_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoke_reason: RevokeReason | null;
  /** Last re-authentication (0003-mfa); null: the sign-in was the last one. */
  authenticated_at?: number | null;
  /** 1 on a session that reported another as "This wasn't me", until the password changes (0008). */
  password_change_required?: number;
  /** Which policy rule ended the session, when `revoke_reason` is `policy` (0015). */
  revoke_detail?: string | null;
  /** The id the session had at sign-in; token rotation copies it to each new id (0019). */
  sign_in_id?: string | null;
}

/** Each distinct address a session was used from (0019); deleted with the session. */
export interface SessionAddressesTable {
  session_id: string;
  ip: string;
  city: string | null;
  region: string | null;
  country: string | null;
  first_seen_at: number;
  last_seen_at: number;
}

export interface DevicesTable {
  user_id: string;
  id: string;
  name: string;
  first_seen_at: number;
  last_seen_at: number;
  trusted_until: number | null;
  /** When the current trust was granted (migration 0018); null: no trust, or granted before that. */
  trusted_at: number | null;
  /** The client the trust was granted to (migration 0007); null: no trust, or trust from before grants. */
  trust_client_id: string | null;
  /** A native app's device token: its id and sha256 of its secret. Null for browsers. */
  trust_token_id: string | null;
  trust_secret_hash: string | null;
}

export interface ServiceKeysTable {
  id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface SecurityEventsTable {
  id: string;
  user_id: string;
  kind: SecurityEventKind;
  at: number;
  session_id: string | null;
  ip: string | null;
  client_id: string | null;
  device_id: string | null;
  data: string;
}

export interface ActionTokensTable {
  id: string;
  user_id: string;
  purpose: ActionPurpose;
  secret_hash: string;
  session_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface MfaTotpTable {
  user_id: string;
  secret: string;
  created_at: number;
  enabled_at: number | null;
  last_used_step: number | null;
}

export interface MfaRecoveryCodesTable {
  user_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface MfaChallengesTable {
  id: string;
  user_id: string;
  secret_hash: string;
  client_id: string;
  transport: MfaChallengeRecord['transport'];
  device: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface SignUpRequestsTable {
  id: string;
  email: string;
  email_key: string;
  name: string | null;
  password_hash: string;
  secret_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** PostgreSQL without `--secret-key-file`: the one shared secret key (0009). */
export interface SecretKeysTable {
  id: string;
  /** 32 bytes, base64url: the same form as a line of a key file. */
  key: string;
  created_at: number;
}

/** Workspaces (0010). */
export interface WorkspacesTable {
  id: string;
  name: string;
  security_owner_id: string;
  created_at: number;
  /** How long the workspace's audit entries are kept (migration 0017; 365 unless an owner changed it). */
  audit_retention_days: Generated<number>;
}

export interface WorkspaceMembersTable {
  workspace_id: string;
  user_id: string;
  role: WorkspaceRole;
  status: 'active' | 'disabled';
  joined_at: number;
  disabled_at: number | null;
  disabled_by: string | null;
}

export interface WorkspaceInvitationsTable {
  id: string;
  workspace_id: string;
  email: string;
  email_key: string;
  role: WorkspaceRole;
  secret_hash: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** Append-only: triggers refuse UPDATE and DELETE (0010). */
export interface AuditLogTable {
  /** Assigned on insert (SQLite AUTOINCREMENT, PostgreSQL identity): the log's order. */
  seq: Generated<number>;
  id: string;
  workspace_id: string;
  at: number;
  actor_id: string;
  action: AuditAction;
  target_kind: AuditEntry['targetKind'];
  target_id: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  /** JSON object. */
  details: string;
}

/** Session reviews (0012). */
export interface SessionReviewsTable {
  id: string;
  user_id: string;
  workspace_id: string | null;
  reason: ReviewReason;
  requested_by: string | null;
  requested_at: number;
  completed_at: number | null;
  sign_outs: number | null;
}

/** Incident operations (0013): a request to end the sessions a filter matches, and its recorded progress. */
export interface IncidentOperationsTable {
  id: string;
  workspace_id: string;
  /** JSON of the SessionFilter. */
  filter: string;
  matched: number;
  threshold: number;
  status: IncidentStatus;
  requested_by: string;
  requested_ip: string | null;
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  revoked: number;
  batches: number;
  cursor: string | null;
}

export interface WorkspaceSettingsTable {
  workspace_id: string;
  incident_approval_threshold: number;
}

/** Workspace session policies (0015): the policy as JSON. */
export interface WorkspacePoliciesTable {
  workspace_id: string;
  policy: string;
  updated_at: number;
  updated_by: string;
}

/** Workspace API keys (0016): only the secret's hash; revoked, never deleted. */
export interface WorkspaceApiKeysTable {
  id: string;
  workspace_id: string;
  name: string;
  /** Space-separated scopes. */
  scopes: string;
  secret_hash: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  revoked_by: string | null;
}

/** A passkey (0020): the COSE public key base64url, transports a JSON array, backed_up 0/1. */
export interface PasskeysTable {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  backed_up: number;
  device_type: PasskeyRecord['deviceType'];
  aaguid: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** A WebAuthn challenge handed out (0020), by the sha256 of the challenge. */
export interface WebauthnChallengesTable {
  challenge_hash: string;
  purpose: WebauthnPurpose;
  user_id: string | null;
  session_id: string | null;
  mfa_token_hash: string | null;
  expires_at: number;
}

/** The revocation bus of a SQLite file (sqlite-revocation-bus.ts) and MySQL's second channel (table-revocation-bus.ts). */
export interface RevocationLogTable {
  seq: Generated<number>;
  payload: string;
  at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  session_addresses: SessionAddressesTable;
  devices: DevicesTable;
  service_keys: ServiceKeysTable;
  security_events: SecurityEventsTable;
  action_tokens: ActionTokensTable;
  sign_up_requests: SignUpRequestsTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  secret_keys: SecretKeysTable;
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  workspace_invitations: WorkspaceInvitationsTable;
  audit_log: AuditLogTable;
  workspace_api_keys: WorkspaceApiKeysTable;
  /** SQLite and MySQL: the purging transaction's permit to delete expired audit entries (migration 0017). */
  audit_purge_permit: { id: number };
  session_reviews: SessionReviewsTable;
  incident_operations: IncidentOperationsTable;
  workspace_settings: WorkspaceSettingsTable;
  workspace_policies: WorkspacePoliciesTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
  revocation_log: RevocationLogTable;
  telemetry_minutes: TelemetryMinutesTable;
  telemetry_hours: TelemetryHoursTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_keys: OidcKeysTable;
  oauth_grant_info: OauthGrantInfoTable;
  oauth_clients: OauthClientsTable;
  personal_tokens: PersonalTokensTable;
}

/** What oidc-provider stores (0023; adapters/kysely/kysely-oidc-adapter.ts): one row per model and id. */
export interface OidcPayloadsTable {
  model: string;
  id: string;
  /** The payload as JSON. */
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  account_id: string | null;
  client_id: string | null;
  /** Epoch ms; null: never expires. */
  expires_at: number | null;
  /** Epoch ms when it was consumed (codes, rotated refresh tokens). */
  consumed_at: number | null;
}

/** The provider's signing keys (0023): sealed by the secret box, published from `published_at`, signing from `activates_at`. */
export interface OidcKeysTable {
  kid: string;
  alg: string;
  private_jwk_sealed: string;
  created_at: number;
  activates_at: number;
  retires_at: number | null;
}

/** What sessiond knows about each grant beyond oidc-provider's payload (0023): how it was made, where it was last used. */
export interface OauthGrantInfoTable {
  grant_id: string;
  user_id: string;
  client_id: string;
  /** 'authorization_code' | 'device_code' */
  via: string;
  device_name: string | null;
  created_at: number;
  created_ip: string | null;
  last_used_at: number | null;
  last_used_ip: string | null;
}

/** Registered OAuth/OIDC clients (0024; core/oauth-clients.ts). JSON arrays as text. */
export interface OauthClientsTable {
  id: string;
  name: string;
  logo_uri: string | null;
  /** 'web' | 'native' | 'device' */
  kind: string;
  first_party: number;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  backchannel_logout_uri: string | null;
  /** Confidential clients' secret, sealed by the secret box (oidc-provider compares it itself); null for public clients. */
  secret_sealed: string | null;
  created_at: number;
}

/** Personal access tokens (0025; core/personal-tokens.ts): only the sha256 of the secret is kept. */
export interface PersonalTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** JSON array of scope names. */
  scopes: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  last_used_ip: string | null;
  revoked_at: number | null;
}

/** Per-minute telemetry, summed across nodes (0022; telemetry/history.ts). `scope` '' is the instance. */
export interface TelemetryMinutesTable {
  minute: number;
  scope: string;
  series: string;
  label: string;
  value: number;
}

/** The same per hour: minutes older than 48 hours are summed here. */
export interface TelemetryHoursTable {
  hour: number;
  scope: string;
  series: string;
  label: string;
  value: number;
}

export type Db = Kysely<Database>;
