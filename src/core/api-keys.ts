/**
 * Workspace API keys: automation for the admin API. An owner makes a key for one workspace with
 * a name, a few scopes and an expiry (every key expires: 1 to 365 days, 90 by default); its
 * token is shown once, and only sha256 of its secret is stored (the same `<id>.<secret>` shape,
 * hashing and constant-time compare as session tokens and service keys, token.ts), behind a
 * `swk_` prefix. Keys are revoked, never deleted; the list shows when each was last used.
 *
 * A key acts as its creator, with at most its creator's rights: `Workspaces.authorize` (the one
 * place that decides) asks both the creator's role in the workspace, read on every request, and
 * the key's scopes (`keyMayTake`, the one scope table below). A key for another workspace is an
 * outsider there (404). No scope covers naming admins, the incident threshold, approving an
 * incident (a human approval point) or managing keys: a key never does those (403).
 *
 * Telling a key from a session token: a session token is exactly 66 characters
 * (`<22>.<43>`); a key is `swk_` and one of those, 70 characters. The two never collide.
 */
import { SessiondError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { ApiKeyListing, ApiKeyStore } from './ports/api-key-store.js';
import type { AccountStatusStore } from './ports/store.js';
import type { WorkspaceStore } from './ports/workspace-store.js';
import { constantTimeEqual, formatToken, MAX_TOKEN_LENGTH, newId, newSecret, parseToken } from './token.js';
import {
  newAuditEntry,
  type AuditAction,
  type AuditEntry,
  type WorkspaceAction,
  type WorkspaceCaller,
  type Workspaces,
} from './workspaces.js';

export const API_KEY_PREFIX = 'swk_';
/** The length of every key's token: the prefix and a session-shaped `<id>.<secret>`. */
export const API_KEY_LENGTH = API_KEY_PREFIX.length + MAX_TOKEN_LENGTH;

export const API_KEY_SCOPES = ['members:read', 'members:write', 'sessions:write', 'incidents:write', 'audit:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * The one scope table: what each scope lets a key ask of its workspace (still only what its
 * creator's role allows). An action in no row is never a key's.
 */
const SCOPE_ACTIONS: Record<ApiKeyScope, readonly WorkspaceAction[]> = {
  'members:read': ['view_workspace', 'view_members'],
  'members:write': ['invite_members', 'offboard_members'],
  'sessions:write': ['manage_sessions'],
  'incidents:write': ['respond_to_incidents'],
  'audit:read': ['view_audit', 'view_overview'],
};

export function keyMayTake(scopes: readonly ApiKeyScope[], action: WorkspaceAction): boolean {
  return scopes.some((scope) => SCOPE_ACTIONS[scope].includes(action));
}

export function isApiKeyScope(text: string): text is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(text);
}

export const DEFAULT_API_KEY_DAYS = 90;
export const MAX_API_KEY_DAYS = 365;
export const MAX_API_KEY_NAME = 100;
/** A key's last use is written at most this often (not on every request). */
export const LAST_USE_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;

export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  name: string;
  scopes: ApiKeyScope[];
  secretHash: string;
  /** The owner who made it: the key acts as them. */
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

/** What a request authenticated by a key carries into `Workspaces.authorize` (and the audit log). */
export interface ApiKeyIdentity {
  id: string;
  workspaceId: string;
  scopes: readonly ApiKeyScope[];
}

/** A verified key: who it acts as, and what it is. */
export interface ApiKeyCaller extends ApiKeyIdentity {
  createdBy: string;
}

export interface ApiKeyDeps {
  store: ApiKeyStore;
  workspaces: Pick<Workspaces, 'authorize'>;
  audit: Pick<WorkspaceStore, 'appendAudit'>;
  users: Pick<AccountStatusStore, 'isUserDisabled'>;
  clock: Clock;
  crypto: Crypto;
}

export interface NewApiKey {
  name: string;
  scopes: readonly string[];
  /** Default 90. */
  expiresInDays?: number | undefined;
}

/** Whether a bearer credential is a key's (else it is a session token, or nothing). */
export function looksLikeApiKey(token: string): boolean {
  return token.length === API_KEY_LENGTH && token.startsWith(API_KEY_PREFIX);
}

export class ApiKeys {
  readonly #deps: ApiKeyDeps;

  constructor(deps: ApiKeyDeps) {
    this.#deps = deps;
  }

  /** Owners only, from a session. Returns the record and the token, which is never shown again. */
  async create(caller: WorkspaceCaller, workspaceId: string, input: NewApiKey): Promise<{ key: ApiKeyRecord; token: string }> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'manage_api_keys');
    const name = input.name.trim();
    if (name.length === 0 || name.length > MAX_API_KEY_NAME)
      throw new SessiondError('invalid_request', `A key's name has 1 to ${MAX_API_KEY_NAME} characters.`);
    const unknown = input.scopes.filter((s) => !isApiKeyScope(s));
    if (input.scopes.length === 0 || unknown.length > 0)
      throw new SessiondError('invalid_request', `A key has one or more of these scopes: ${API_KEY_SCOPES.join(', ')}.`);
    const days = input.expiresInDays ?? DEFAULT_API_KEY_DAYS;
    if (!Number.isSafeInteger(days) || days < 1 || days > MAX_API_KEY_DAYS)
      throw new SessiondError('invalid_request', `A key expires in 1 to ${MAX_API_KEY_DAYS} days.`);
    const { store, clock, crypto } = this.#deps;
    const now = clock.now();
    const secret = newSecret(crypto);
    const key: ApiKeyRecord = {
      id: newId(crypto),
      workspaceId,
      name,
      // In the table's order, once each.
      scopes: API_KEY_SCOPES.filter((s) => input.scopes.includes(s)),
      secretHash: crypto.sha256(secret),
      createdBy: caller.userId,
      createdAt: now,
      expiresAt: now + days * DAY_MS,
      lastUsedAt: null,
      revokedAt: null,
      revokedBy: null,
    };
    await store.insertApiKey(key);
    await this.#audit(caller, workspaceId, 'api_key.created', key.id, { name, scopes: key.scopes.join(' '), expires_in_days: days });
    return { key, token: API_KEY_PREFIX + formatToken(key.id, secret) };
  }

  /** Every key of the workspace, revoked and expired ones too, newest first. Owners only. */
  async list(caller: WorkspaceCaller, workspaceId: string): Promise<ApiKeyListing[]> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'manage_api_keys');
    return this.#deps.store.listApiKeys(workspaceId);
  }

  /** Revokes a key: refused from its very next request on. `not_found` when there is no such live key. Owners only. */
  async revoke(caller: WorkspaceCaller, workspaceId: string, id: string): Promise<void> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'manage_api_keys');
    const { store, clock } = this.#deps;
    const key = await store.findApiKey(id);
    if (!key || key.workspaceId !== workspaceId || !(await store.revokeApiKey(workspaceId, id, clock.now(), caller.userId)))
      throw new SessiondError('not_found', 'No such API key.');
    await this.#audit(caller, workspaceId, 'api_key.revoked', id, { name: key.name });
  }

  /**
   * The key a token names, if it is well-formed, its secret matches (constant time), it is
   * neither revoked nor expired, and its creator's account is not disabled; else null. Whether
   * its creator may still take an action is `Workspaces.authorize`'s question, on each request.
   * Records the use, at most once a minute.
   */
  async verify(token: string): Promise<ApiKeyCaller | null> {
    if (!looksLikeApiKey(token)) return null;
    const parsed = parseToken(token.slice(API_KEY_PREFIX.length));
    if (!parsed) return null;
    const { store, clock, crypto, users } = this.#deps;
    const key = await store.findApiKey(parsed.id);
    if (!key || !constantTimeEqual(crypto.sha256(parsed.secret), key.secretHash)) return null;
    const now = clock.now();
    if (key.revokedAt !== null || now >= key.expiresAt) return null;
    if (await users.isUserDisabled(key.createdBy)) return null;
    if (key.lastUsedAt === null || now - key.lastUsedAt >= LAST_USE_INTERVAL_MS) await store.touchApiKey(key.id, now, LAST_USE_INTERVAL_MS);
    return { id: key.id, workspaceId: key.workspaceId, scopes: key.scopes, createdBy: key.createdBy };
  }

  async #audit(caller: WorkspaceCaller, workspaceId: string, action: AuditAction, keyId: string, details: AuditEntry['details']) {
    await this.#deps.audit.appendAudit(newAuditEntry(this.#deps, caller, caller.userId, workspaceId, action, 'api_key', keyId, details));
  }
}
