/**
 * Persistence for incident response (core/incidents.ts): the workspace-wide session search, the
 * incident operations with their recorded progress, and each workspace's approval threshold.
 * Implemented by the Kysely store over SQLite and PostgreSQL; both pass
 * `src/core/testing/incident-store.contract.ts`. A batch of an operation is written by
 * `SessionStore.revokeListedSessions` (through Revocation): the sessions it ends, the operation's
 * progress and its audit entry in one transaction.
 */
import type { IncidentRecord, IncidentStatus } from '../incidents.js';
import type { SessionRecord } from '../session.js';
import type { SessionFilter } from '../session-filter.js';
import type { NewAuditEntry } from '../workspaces.js';

/** What the store answers in SQL: every condition of the filter but the IP ranges. */
export type StoreSessionFilter = Omit<SessionFilter, 'ipRanges'>;

export interface IncidentStore {
  /**
   * One page of the active sessions (unrevoked, before their absolute expiry at `now`) of the
   * workspace's active members that meet `filter`, by session id ascending, strictly after
   * `afterId`. `trusted` is judged at `now`. The device's trust comes joined in (`deviceTrustedUntil`).
   */
  searchSessions(
    workspaceId: string,
    filter: StoreSessionFilter,
    now: number,
    afterId: string | null,
    limit: number,
  ): Promise<SessionRecord[]>;

  insertIncident(incident: IncidentRecord): Promise<void>;
  /** Null when there is no such operation in that workspace. */
  findIncident(workspaceId: string, id: string): Promise<IncidentRecord | null>;
  /** Newest first. */
  listIncidents(workspaceId: string, limit: number): Promise<IncidentRecord[]>;
  /**
   * Moves an operation from `from` to `to`, recording who decided and when (approve, refuse) or
   * when it finished (done); false, and nothing changes, when it was not in `from` (of two racing
   * decisions, one wins).
   */
  transitionIncident(id: string, from: IncidentStatus, to: IncidentStatus, by: string | null, at: number): Promise<boolean>;
  /**
   * Marks a running operation done and appends its audit entry, in one transaction; false, and
   * nothing changes, when it was not running (another process finished it).
   */
  finishIncident(id: string, at: number, audit: NewAuditEntry): Promise<boolean>;
  /** Every operation, of any workspace, left `running` (by a process that ended): what a start resumes. */
  listRunningIncidents(): Promise<IncidentRecord[]>;

  /** The workspace's threshold; null when never set (the default applies). */
  findApprovalThreshold(workspaceId: string): Promise<number | null>;
  setApprovalThreshold(workspaceId: string, threshold: number): Promise<void>;
}
