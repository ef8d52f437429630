/**
 * Workspace session policies: set by a workspace's admins, enforced on every session of every
 * active member, on every node, from the next request after a change.
 *
 * - Validation asks `screen` about each session that is otherwise valid. A session that breaks a
 *   policy (workspace-policy.ts says which) is ended through Revocation with a `policy` actor:
 *   reason `policy`, the rule stored with it, the member's timeline and 401 say which.
 * - The per-session rules need the member's policies on the hot path, so each node caches them per
 *   user, like sessions: only while the revocation bus is live, dropped on a `user` event (a
 *   membership changed) and entirely on a `policies` event (a policy changed anywhere).
 * - The session limit is not a per-session rule: it is applied when a member signs in (the
 *   oldest sign-ins end first) and to every member when a policy is set.
 * - Setting a policy is authorised by Workspaces.authorize and audited; it also ends, at once,
 *   every member session that breaks the new policy.
 */
import { SessiondError } from './errors.js';
import type { DomainEvent } from './events.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { PolicyStore, StoredPolicy } from './ports/policy-store.js';
import type { RevocationBus, RevocationEvent } from './ports/revocation-bus.js';
import type { SessionWithUser } from './ports/store.js';
import type { WorkspaceStore } from './ports/workspace-store.js';
import type { Revocation } from './revocation.js';
import type { Actor } from './security-events.js';
import { isTrusted, type SessionRecord } from './session.js';
import type { Sessions } from './sessions.js';
import {
  checkPolicy,
  NO_POLICY,
  policyViolation,
  sessionLimit,
  type MemberPolicy,
  type PolicyRule,
  type WorkspacePolicy,
} from './workspace-policy.js';
import { newAuditEntry, type WorkspaceCaller, type Workspaces } from './workspaces.js';

export interface PolicyDeps {
  store: PolicyStore;
  workspaces: Pick<Workspaces, 'authorize'>;
  audit: Pick<WorkspaceStore, 'appendAudit'>;
  revocation: Pick<Revocation, 'endSession'>;
  sessions: Pick<Sessions, 'listUserSessions' | 'announce'>;
  bus: Pick<RevocationBus, 'subscribe'>;
  clock: Clock;
  crypto: Crypto;
  /** The configured apps' ids: the only ones a trusted-device rule may name. */
  clientIds: readonly string[];
  /** Per-node cache of members' policies; `false` turns it off (every check reads the database). */
  cache?: { maxEntries: number; maxAgeMs: number } | false;
}

export const DEFAULT_POLICY_CACHE = { maxEntries: 100_000, maxAgeMs: 30_000 };

/** A workspace's policy as its admins and members see it. */
export interface PolicyView extends StoredPolicy {
  workspaceId: string;
}

/** The actor of a session a policy ended: the rule's name is what the timeline and the 401 show. */
export function policyActor(rule: PolicyRule): Actor {
  return { kind: 'policy', policy: rule };
}

export class Policies {
  readonly #deps: PolicyDeps;
  readonly #cache = new Map<string, { policies: MemberPolicy[]; at: number }>();
  #generation = 0;
  #wasLive = false;

  constructor(deps: PolicyDeps) {
    this.#deps = deps;
    deps.bus.subscribe(
      (event) => this.#onEvent(event),
      () => this.#drop(),
    );
  }

  /** The workspace's policy (every rule off when none was set). Any active member may read it. */
  async get(caller: Pick<WorkspaceCaller, 'userId'>, workspaceId: string): Promise<PolicyView> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'view_workspace');
    const stored = await this.#deps.store.findPolicy(workspaceId);
    return { workspaceId, ...(stored ?? { policy: NO_POLICY, updatedAt: 0, updatedBy: '' }) };
  }

  /**
   * Sets the workspace's policy (security admins and owners). Every node drops what it cached of
   * policies, and member sessions that break the new one end now (reason `policy`); the rest
   * are checked on their next request. Returns the policy as stored and how many sessions ended.
   */
  async set(caller: WorkspaceCaller, workspaceId: string, policy: WorkspacePolicy): Promise<{ policy: PolicyView; ended: number }> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'set_session_policy');
    const { store, clock, audit, sessions } = this.#deps;
    const checked = checkPolicy(policy, this.#deps.clientIds);
    await this.#refuseLockout(caller.userId, checked);
    const at = clock.now();
    const previous = await store.findPolicy(workspaceId);
    await store.savePolicy(workspaceId, checked, at, caller.userId);
    await audit.appendAudit(
      newAuditEntry(this.#deps, caller, caller.userId, workspaceId, 'policy.changed', 'workspace', workspaceId, {
        ...policyDetails(checked),
        changed: changedRules(previous?.policy ?? NO_POLICY, checked).join(','),
      }),
    );
    this.#drop();
    await sessions.announce({ kind: 'policies', workspaceId });
    let ended = 0;
    for (const userId of await store.activeMemberIds(workspaceId)) ended += await this.enforce(userId);
    return { policy: { workspaceId, policy: checked, updatedAt: at, updatedBy: caller.userId }, ended };
  }

  /**
   * Validation's question about a session that is otherwise valid: may it go on? False when it
   * breaks a policy of one of its owner's workspaces; it has then been ended (reason `policy`).
   * Answers at once from this node's cache (a promise only to read the database or end the
   * session): it runs on every validation.
   */
  readonly screen = (found: SessionWithUser, lastActiveAt: number, now: number, live: boolean): boolean | Promise<boolean> => {
    const cached = this.#cached(found.user.id, now, live);
    if (cached !== undefined) return this.#judge(found, lastActiveAt, now, cached);
    return this.#read(found.user.id, now, live).then((policies) => this.#judge(found, lastActiveAt, now, policies));
  };

  #judge(found: SessionWithUser, lastActiveAt: number, now: number, policies: readonly MemberPolicy[]): boolean | Promise<boolean> {
    if (policies.length === 0) return true;
    const { session } = found;
    const violation = policyViolation({ session, lastActiveAt, trusted: isTrusted(session, now) }, policies, now);
    if (!violation) return true;
    return this.#deps.revocation.endSession(session.userId, session.id, policyActor(violation.rule)).then(() => false);
  }

  /** The recorder's sink: a member who signs in is held to their session limit at once. */
  readonly onEvent = async (event: DomainEvent): Promise<void> => {
    if (event.type === 'signed_in') await this.enforce(event.user.id);
  };

  /**
   * Ends the user's sessions that break a policy now, and beyond the smallest session limit the
   * oldest sign-ins first. Returns how many ended.
   */
  async enforce(userId: string): Promise<number> {
    const policies = await this.#deps.store.policiesOf(userId);
    if (policies.length === 0) return 0;
    const { clock, sessions, revocation } = this.#deps;
    const now = clock.now();
    let ended = 0;
    const alive: SessionRecord[] = [];
    for (const session of await sessions.listUserSessions(userId, null)) {
      const violation = policyViolation({ session, lastActiveAt: session.lastActiveAt, trusted: session.trusted }, policies, now);
      if (violation && (await revocation.endSession(userId, session.id, policyActor(violation.rule)))) ended++;
      else if (!violation) alive.push(session);
    }
    const limit = sessionLimit(policies);
    if (limit && alive.length > limit.limit) {
      const oldestFirst = alive.sort((a, b) => a.signedInAt - b.signedInAt || a.id.localeCompare(b.id));
      for (const session of oldestFirst.slice(0, alive.length - limit.limit))
        if (await revocation.endSession(userId, session.id, policyActor('max_sessions'))) ended++;
    }
    return ended;
  }

  /**
   * An admin cannot shut themself out: a country list that none of the caller's own sessions is
   * in would end them all and refuse each new one from where they are. (Lifetime and idle rules
   * end sessions too, but signing in again works; MFA and trusted-device rules leave time to
   * comply.) A caller without a session (the CLI acting as someone) is not asked.
   */
  async #refuseLockout(userId: string, policy: WorkspacePolicy): Promise<void> {
    const allowed = policy.allowedCountries;
    if (allowed === null) return;
    const mine = await this.#deps.sessions.listUserSessions(userId, null);
    if (mine.length > 0 && !mine.some((s) => s.location.country !== null && allowed.includes(s.location.country)))
      throw new SessiondError(
        'invalid_request',
        'This policy would sign you out: none of your own sessions is in an allowed country. Add your country, or set it from a session in one.',
      );
  }

  /**
   * The user's policies from this node's cache: only while the bus is live (as the caller saw it),
   * for at most the cache's entry age. Undefined: read them.
   */
  #cached(userId: string, now: number, live: boolean): MemberPolicy[] | undefined {
    const limits = this.#deps.cache ?? DEFAULT_POLICY_CACHE;
    if (limits === false) return undefined;
    if (live !== this.#wasLive) {
      this.#cache.clear();
      this.#wasLive = live;
    }
    if (!live) return undefined;
    const hit = this.#cache.get(userId);
    return hit && now - hit.at <= limits.maxAgeMs ? hit.policies : undefined;
  }

  /** Reads the user's policies, and caches them unless a change was heard while reading. */
  async #read(userId: string, now: number, live: boolean): Promise<MemberPolicy[]> {
    const limits = this.#deps.cache ?? DEFAULT_POLICY_CACHE;
    const generation = this.#generation;
    const policies = await this.#deps.store.policiesOf(userId);
    if (limits !== false && live && generation === this.#generation) {
      if (this.#cache.size >= limits.maxEntries) this.#cache.clear();
      this.#cache.set(userId, { policies, at: now });
    }
    return policies;
  }

  #onEvent(event: RevocationEvent): void {
    if (event.kind === 'policies') this.#drop();
    else if (event.kind === 'user') {
      this.#generation++;
      this.#cache.delete(event.userId);
    }
  }

  #drop(): void {
    this.#generation++;
    this.#cache.clear();
  }
}

/** The policy as audit details: flat values only. */
function policyDetails(policy: WorkspacePolicy): Record<string, string | number | boolean | null> {
  return {
    max_lifetime_ms: policy.maxLifetimeMs,
    idle_timeout_ms: policy.idleTimeoutMs,
    max_sessions: policy.maxSessions,
    mfa_required: policy.mfaRequired,
    trusted_device_apps: policy.trustedDeviceApps.join(','),
    allowed_countries: policy.allowedCountries === null ? null : policy.allowedCountries.join(','),
  };
}

function changedRules(before: WorkspacePolicy, after: WorkspacePolicy): string[] {
  const a = policyDetails(before);
  const b = policyDetails(after);
  return Object.keys(b).filter((k) => a[k] !== b[k]);
}
