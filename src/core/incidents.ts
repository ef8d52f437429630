/**
 * Incident response for a workspace: find every session that matches an incident and end them
 * all, with a second person's approval above a threshold.
 *
 * - Search: a filter (core/session-filter.ts) over the active sessions of the workspace's active
 *   members, by cursor. The store answers what SQL can; the IP ranges and the idle timeout are
 *   applied here, so every count and every run sees the same sessions.
 * - Dry run: how many match now, and a sample. Requesting the operation must name that count;
 *   when it no longer matches the world changed, and the caller dry-runs again (409 `count_mismatch`).
 * - Four eyes: above the workspace's approval threshold (default 100 sessions; owners change it)
 *   the operation waits for a second owner or security admin. The requester can never approve
 *   their own, nor can an API key (a person decides); any admin of the workspace, the requester
 *   included, may refuse it.
 * - Running: batches, each one transaction that ends its sessions through Revocation (reason
 *   `admin`, the requester as the admin actor: each member's timeline says an admin ended them)
 *   and records the operation's cursor, counts and audit entry. After a crash no batch is half
 *   applied, and resuming (every `serve` start, or the resume route) finishes from the recorded
 *   cursor. The run ends whatever matches when it runs: a session that signed in after the
 *   request and matches is ended too (the incident is the filter, not a list).
 * - Audit: request, approval or refusal, start, each batch's progress and the finish.
 */
import type { Background } from './background.js';
import { SessiondError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { IncidentStore, StoreSessionFilter } from './ports/incident-store.js';
import type { WorkspaceStore } from './ports/workspace-store.js';
import type { Revocation } from './revocation.js';
import type { Actor } from './security-events.js';
import { isActive, type SessionPolicy, type SessionRecord } from './session.js';
import { formatSessionFilter, matchesSessionFilter, type SessionFilter } from './session-filter.js';
import { newId } from './token.js';
import {
  newAuditEntry,
  type AuditAction,
  type AuditEntry,
  type NewAuditEntry,
  type WorkspaceCaller,
  type Workspaces,
} from './workspaces.js';

export type IncidentStatus = 'pending_approval' | 'running' | 'done' | 'refused';

export interface IncidentRecord {
  id: string;
  workspaceId: string;
  filter: SessionFilter;
  /** How many sessions matched when it was requested (the count the requester confirmed). */
  matched: number;
  /** The threshold it was judged against. */
  threshold: number;
  status: IncidentStatus;
  requestedBy: string;
  /** The requester's address: the admin actor's on every ended session's record. */
  requestedIp: string | null;
  createdAt: number;
  /** Who approved or refused it, and when; null when it needed no approval (or still waits). */
  decidedBy: string | null;
  decidedAt: number | null;
  /** When its first batch could start (request or approval). */
  startedAt: number | null;
  finishedAt: number | null;
  /** Sessions ended so far, and batches committed: the recorded progress. */
  revoked: number;
  batches: number;
  /** The last session id the last committed batch looked at: where a resumed run goes on. */
  cursor: string | null;
}

export const DEFAULT_APPROVAL_THRESHOLD = 100;
export const MAX_APPROVAL_THRESHOLD = 1_000_000;
/** Sessions a dry run shows. */
export const DRY_RUN_SAMPLE = 10;
/** Sessions one batch looks at (and at most ends). */
export const DEFAULT_BATCH_SIZE = 500;
/** Sessions read from the store at a time while counting or searching. */
const SCAN_PAGE = 1_000;

export interface IncidentsDeps {
  store: IncidentStore;
  audit: Pick<WorkspaceStore, 'appendAudit'>;
  workspaces: Pick<Workspaces, 'authorize'>;
  revocation: Pick<Revocation, 'endListed'>;
  policy: () => SessionPolicy;
  clock: Clock;
  crypto: Crypto;
  background: Background;
  batchSize?: number;
  /** Told after each committed batch and at the finish (the server logs it). */
  onProgress?: (incident: IncidentRecord, finished: boolean) => void;
}

export interface SessionPage {
  sessions: SessionRecord[];
  /** The id to pass as `after` for the next page; null on the last. */
  nextCursor: string | null;
}

export class Incidents {
  readonly #deps: IncidentsDeps;
  /** Runs in this process, by operation id: one at a time per operation. */
  readonly #runs = new Map<string, Promise<void>>();
  #stopping = false;
  readonly #watchers = new Set<(incident: IncidentRecord, finished: boolean) => void>();

  constructor(deps: IncidentsDeps) {
    this.#deps = deps;
  }

  /** One page of the sessions that match, by session id. */
  async search(
    caller: WorkspaceCaller,
    workspaceId: string,
    filter: SessionFilter,
    after: string | null,
    limit: number,
  ): Promise<SessionPage> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'respond_to_incidents');
    const found: SessionRecord[] = [];
    let more = false;
    await this.#scan(workspaceId, filter, after, (s) => {
      if (found.length === limit) {
        more = true;
        return false;
      }
      found.push(s);
      return true;
    });
    return { sessions: found, nextCursor: more ? (found.at(-1)?.id ?? null) : null };
  }

  /** How many sessions match now, and the first few. Changes nothing. */
  async dryRun(caller: WorkspaceCaller, workspaceId: string, filter: SessionFilter): Promise<{ count: number; sample: SessionRecord[] }> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'respond_to_incidents');
    return this.#count(workspaceId, filter);
  }

  /** The workspace's approval threshold (the default when never set). */
  async threshold(caller: WorkspaceCaller, workspaceId: string): Promise<number> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'respond_to_incidents');
    return (await this.#deps.store.findApprovalThreshold(workspaceId)) ?? DEFAULT_APPROVAL_THRESHOLD;
  }

  /** Owners only: above how many sessions an operation waits for a second admin. */
  async setThreshold(caller: WorkspaceCaller, workspaceId: string, threshold: number): Promise<void> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'set_incident_threshold');
    if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > MAX_APPROVAL_THRESHOLD)
      throw new SessiondError('invalid_request', `The threshold is a whole number from 0 to ${MAX_APPROVAL_THRESHOLD}.`);
    const previous = (await this.#deps.store.findApprovalThreshold(workspaceId)) ?? DEFAULT_APPROVAL_THRESHOLD;
    await this.#deps.store.setApprovalThreshold(workspaceId, threshold);
    await this.#audit(caller.userId, caller, workspaceId, 'incident.threshold_changed', 'workspace', workspaceId, { previous, threshold });
  }

  /**
   * Requests the operation. `confirmCount` must be the count a dry run just showed; when it no
   * longer matches, nothing happens (409 `count_mismatch`: dry-run again). Above the threshold
   * it waits for approval; otherwise it starts at once (in the background).
   */
  async request(caller: WorkspaceCaller, workspaceId: string, filter: SessionFilter, confirmCount: number): Promise<IncidentRecord> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'respond_to_incidents');
    const { store, clock, crypto } = this.#deps;
    const { count } = await this.#count(workspaceId, filter);
    if (count !== confirmCount)
      throw new SessiondError(
        'count_mismatch',
        `${count} session(s) match now, not ${confirmCount}: the sessions changed since the dry run. Dry-run again and confirm the new count.`,
      );
    const threshold = (await store.findApprovalThreshold(workspaceId)) ?? DEFAULT_APPROVAL_THRESHOLD;
    const at = clock.now();
    const needsApproval = count > threshold;
    const incident: IncidentRecord = {
      id: newId(crypto),
      workspaceId,
      filter,
      matched: count,
      threshold,
      status: needsApproval ? 'pending_approval' : 'running',
      requestedBy: caller.userId,
      requestedIp: caller.ip,
      createdAt: at,
      decidedBy: null,
      decidedAt: null,
      startedAt: needsApproval ? null : at,
      finishedAt: null,
      revoked: 0,
      batches: 0,
      cursor: null,
    };
    await store.insertIncident(incident);
    await this.#audit(caller.userId, caller, workspaceId, 'incident.requested', 'incident', incident.id, {
      count,
      threshold,
      needs_approval: needsApproval,
      filter: JSON.stringify(formatSessionFilter(filter)),
    });
    if (!needsApproval) await this.#begin(caller.userId, caller, incident);
    return incident;
  }

  /** A second owner or security admin approves a waiting operation, which starts. Never the requester, nor an API key. */
  async approve(caller: WorkspaceCaller, workspaceId: string, id: string): Promise<IncidentRecord> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'approve_incidents');
    const incident = await this.#decidable(caller, workspaceId, id);
    if (incident.requestedBy === caller.userId)
      throw new SessiondError('forbidden', 'Four eyes: a second owner or security admin must approve, not the requester.');
    const at = this.#deps.clock.now();
    if (!(await this.#deps.store.transitionIncident(id, 'pending_approval', 'running', caller.userId, at)))
      throw new SessiondError('not_pending', 'The operation is no longer waiting for approval.');
    await this.#audit(caller.userId, caller, workspaceId, 'incident.approved', 'incident', id, { count: incident.matched });
    const started = { ...incident, status: 'running' as const, decidedBy: caller.userId, decidedAt: at, startedAt: at };
    await this.#begin(caller.userId, caller, started);
    return started;
  }

  /** Refuses a waiting operation: it never runs. Any admin of the workspace, the requester too (a withdrawal). */
  async refuse(caller: WorkspaceCaller, workspaceId: string, id: string): Promise<IncidentRecord> {
    const incident = await this.#decidable(caller, workspaceId, id);
    const at = this.#deps.clock.now();
    if (!(await this.#deps.store.transitionIncident(id, 'pending_approval', 'refused', caller.userId, at)))
      throw new SessiondError('not_pending', 'The operation is no longer waiting for approval.');
    await this.#audit(caller.userId, caller, workspaceId, 'incident.refused', 'incident', id, { count: incident.matched });
    return { ...incident, status: 'refused', decidedBy: caller.userId, decidedAt: at };
  }

  async get(caller: WorkspaceCaller, workspaceId: string, id: string): Promise<IncidentRecord> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'respond_to_incidents');
    const found = await this.#deps.store.findIncident(workspaceId, id);
    if (!found) throw new SessiondError('not_found', 'No such incident operation.');
    return found;
  }

  async list(caller: WorkspaceCaller, workspaceId: string, limit: number): Promise<IncidentRecord[]> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'respond_to_incidents');
    return this.#deps.store.listIncidents(workspaceId, limit);
  }

  /** Goes on with a running operation left unfinished (its process ended); nothing for any other status. */
  async resume(caller: WorkspaceCaller, workspaceId: string, id: string): Promise<IncidentRecord> {
    const incident = await this.get(caller, workspaceId, id);
    if (incident.status === 'running') this.#start(incident);
    return incident;
  }

  /** Every operation left running, of every workspace (a server start). Returns how many. */
  async resumeAll(): Promise<number> {
    const running = await this.#deps.store.listRunningIncidents();
    for (const incident of running) this.#start(incident);
    return running.length;
  }

  /** Calls `watcher` after each committed batch and at each finish, in this process, until the returned function is called. */
  watch(watcher: (incident: IncidentRecord, finished: boolean) => void): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /** Runs stop after the batch they are in (shutdown); the operation stays `running` for the next start to resume. */
  stop(): void {
    this.#stopping = true;
  }

  /** Resolves when every run this process started has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#runs.size > 0) await Promise.all([...this.#runs.values()]);
  }

  /**
   * The operation's batches, from its recorded cursor to the end. Each batch commits only if no
   * other process recorded one since this run read the operation; when one did (two nodes
   * resumed the same operation), this run stops and the other finishes. Exported for tests.
   */
  async run(incident: IncidentRecord): Promise<IncidentRecord> {
    const { store, revocation, clock } = this.#deps;
    const batchSize = this.#deps.batchSize ?? DEFAULT_BATCH_SIZE;
    const actor: Actor = { kind: 'admin', adminId: incident.requestedBy, ip: incident.requestedIp };
    let current = incident;
    for (;;) {
      if (this.#stopping) return current;
      const now = clock.now();
      const page = await store.searchSessions(current.workspaceId, storeFilter(current.filter), now, current.cursor, batchSize);
      const last = page.at(-1);
      if (!last) break;
      const targets = page.filter((s) => this.#matches(s, current.filter, now)).map((s) => ({ id: s.id, userId: s.userId }));
      const ended = await revocation.endListed(targets, actor, 'admin', {
        incidentId: current.id,
        batchesBefore: current.batches,
        cursor: last.id,
        audit: this.#entry(current.requestedBy, null, current.workspaceId, 'incident.progress', 'incident', current.id, {
          batch: current.batches + 1,
        }),
      });
      // Another process runs it too and recorded this batch first: it goes on; this run stops.
      if (ended === null) return current;
      current = { ...current, revoked: current.revoked + ended.length, batches: current.batches + 1, cursor: last.id };
      this.#tell(current, false);
      if (page.length < batchSize) break;
    }
    const recorded = (await store.findIncident(current.workspaceId, current.id)) ?? current;
    const at = clock.now();
    const entry = this.#entry(recorded.requestedBy, null, recorded.workspaceId, 'incident.finished', 'incident', recorded.id, {
      revoked: recorded.revoked,
      batches: recorded.batches,
      matched: recorded.matched,
    });
    // The status and its audit entry together; false when another process finished it first.
    if (!(await store.finishIncident(recorded.id, at, entry))) return recorded;
    const done = { ...recorded, status: 'done' as const, finishedAt: at };
    this.#tell(done, true);
    return done;
  }

  #tell(incident: IncidentRecord, finished: boolean): void {
    this.#deps.onProgress?.(incident, finished);
    for (const watcher of this.#watchers) watcher(incident, finished);
  }

  /** The operation when it may be decided on: it exists in this workspace and the caller is an admin there. */
  async #decidable(caller: WorkspaceCaller, workspaceId: string, id: string): Promise<IncidentRecord> {
    const incident = await this.get(caller, workspaceId, id);
    if (incident.status !== 'pending_approval') throw new SessiondError('not_pending', 'The operation is not waiting for approval.');
    return incident;
  }

  async #begin(actorId: string, caller: WorkspaceCaller | null, incident: IncidentRecord): Promise<void> {
    await this.#audit(actorId, caller, incident.workspaceId, 'incident.started', 'incident', incident.id, { count: incident.matched });
    this.#start(incident);
  }

  /** Starts a run in the background unless this process already runs it. */
  #start(incident: IncidentRecord): void {
    if (this.#stopping || this.#runs.has(incident.id)) return;
    const { background } = this.#deps;
    const done = new Promise<void>((resolve) => {
      background.run(`incident ${incident.id}`, async () => {
        try {
          await this.run(incident);
        } finally {
          this.#runs.delete(incident.id);
          resolve();
        }
      });
    });
    this.#runs.set(incident.id, done);
  }

  #matches(session: SessionRecord, filter: SessionFilter, now: number): boolean {
    return isActive(session, this.#deps.policy(), now) && matchesSessionFilter(session, filter, now);
  }

  /** Visits the matching sessions by id from `after`, while `visit` returns true. */
  async #scan(workspaceId: string, filter: SessionFilter, after: string | null, visit: (s: SessionRecord) => boolean): Promise<void> {
    const { store, clock } = this.#deps;
    const now = clock.now();
    let cursor = after;
    for (;;) {
      const page = await store.searchSessions(workspaceId, storeFilter(filter), now, cursor, SCAN_PAGE);
      for (const s of page) if (this.#matches(s, filter, now) && !visit(s)) return;
      if (page.length < SCAN_PAGE) return;
      cursor = page.at(-1)!.id;
    }
  }

  async #count(workspaceId: string, filter: SessionFilter): Promise<{ count: number; sample: SessionRecord[] }> {
    let count = 0;
    const sample: SessionRecord[] = [];
    await this.#scan(workspaceId, filter, null, (s) => {
      count++;
      if (sample.length < DRY_RUN_SAMPLE) sample.push(s);
      return true;
    });
    return { count, sample };
  }

  #entry(
    actorId: string,
    caller: WorkspaceCaller | null,
    workspaceId: string,
    action: AuditAction,
    targetKind: AuditEntry['targetKind'],
    targetId: string,
    details: AuditEntry['details'],
  ): NewAuditEntry {
    return newAuditEntry(this.#deps, caller, actorId, workspaceId, action, targetKind, targetId, details);
  }

  async #audit(
    actorId: string,
    caller: WorkspaceCaller | null,
    workspaceId: string,
    action: AuditAction,
    targetKind: AuditEntry['targetKind'],
    targetId: string,
    details: AuditEntry['details'],
  ): Promise<void> {
    await this.#deps.audit.appendAudit(this.#entry(actorId, caller, workspaceId, action, targetKind, targetId, details));
  }
}

/** The part of the filter the store answers in SQL (all but the IP ranges). */
export function storeFilter(filter: SessionFilter): StoreSessionFilter {
  const { ipRanges: _ipRanges, ...rest } = filter;
  return rest;
}
