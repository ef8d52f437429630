/** Pure wording for the workspace pages: roles, audit entries, errors. Tested beside this file. */
import { ApiError } from '../../api';
import type { AuditEntry, ReviewStatus, WorkspaceMember, WorkspaceRole } from '../../api';
import { messages as defaultMessages } from '../../messages';
import type { Messages } from '../../messages';

export function roleName(role: string, m: Messages = defaultMessages): string {
  return m.workspaces.roles[role] ?? role.replace(/_/g, ' ');
}

/** Owners and security admins see members, their sessions and the audit trail. */
export function isAdminRole(role: WorkspaceRole): boolean {
  return role === 'owner' || role === 'security_admin';
}

/** The roles a caller may invite with: security admins invite members; owners anyone. */
export function invitableRoles(role: WorkspaceRole): WorkspaceRole[] {
  return role === 'owner' ? ['member', 'security_admin', 'owner'] : ['member'];
}

/** Who may be named security owner: an active owner or security admin. */
export function securityOwnerCandidates(members: readonly WorkspaceMember[]): WorkspaceMember[] {
  return members.filter((x) => x.status === 'active' && isAdminRole(x.role));
}

/** An ApiError's message with its Retry-After in words; anything else as text. */
export function errorText(err: unknown, m: Messages = defaultMessages): string {
  if (err instanceof ApiError) {
    return err.retryAfterSeconds !== undefined ? `${err.message} ${m.common.retryAfter(err.retryAfterSeconds)}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A member's address by user id; a short, recognisable stand-in for someone not (or no longer) listed. */
export function personName(userId: string, byId: ReadonlyMap<string, WorkspaceMember>, m: Messages = defaultMessages): string {
  return byId.get(userId)?.email ?? m.workspaces.unknownUser(userId);
}

/** One audit entry as a sentence: "Offboarded grace@example.com", "Invited bob@example.com as Member". */
export function describeAuditEntry(entry: AuditEntry, byId: ReadonlyMap<string, WorkspaceMember>, m: Messages = defaultMessages): string {
  const w = m.workspaces;
  const d = entry.details;
  // Its target is the workspace itself; what matters is how many were asked.
  if (entry.action === 'review.requested') return w.auditReviewRequested(typeof d.asked === 'number' ? d.asked : null);
  if (entry.action.startsWith('incident.')) return describeIncidentEntry(entry, byId, m);
  if (entry.action === 'audit.retention_changed' && typeof d.previous === 'number' && typeof d.days === 'number')
    return w.auditRetentionChanged(d.previous, d.days);
  const text = (key: string): string | null => (typeof d[key] === 'string' ? d[key] : null);
  let target: string;
  switch (entry.target_kind) {
    case 'workspace':
      target = text('name') ?? entry.target_id;
      break;
    case 'invitation':
      target = text('email') ?? entry.target_id;
      break;
    case 'api_key':
      target = text('name') ?? entry.target_id;
      break;
    case 'session': {
      const member = text('member');
      target = member === null ? w.unknownUser(entry.target_id) : personName(member, byId, m);
      break;
    }
    default:
      target = personName(entry.target_id, byId, m);
  }
  const wording = w.auditActions[entry.action];
  let sentence = wording === undefined ? `${w.auditUnknown(entry.action)}: ${target}` : wording(target);
  const role = text('role');
  if (role !== null && (entry.action === 'member.invited' || entry.action === 'member.joined'))
    sentence += ` ${w.auditAsRole(roleName(role, m))}`;
  if (entry.action === 'sessions.revoked' && typeof d.count === 'number') sentence += ` (${w.auditCount(d.count)})`;
  const from = text('from');
  const to = text('to');
  if (entry.action === 'member.role_changed' && from !== null && to !== null)
    sentence += ` ${w.auditRoleChange(roleName(from, m), roleName(to, m))}`;
  if (entry.action === 'device.replaced' && typeof d.revoked === 'number')
    sentence += ` (${w.auditDeviceReplaced(d.revoked, d.untrusted === true)})`;
  return sentence;
}

/**
 * An incident response entry: an operation that ends every session matching a filter across the
 * workspace (src/core/incidents.ts writes their details). Each names its operation, so a request,
 * its approval, its batches and its end can be told apart from another operation's.
 */
function describeIncidentEntry(entry: AuditEntry, byId: ReadonlyMap<string, WorkspaceMember>, m: Messages): string {
  const w = m.workspaces;
  const i = w.auditIncident;
  const d = entry.details;
  const num = (key: string): number | null => (typeof d[key] === 'number' ? d[key] : null);
  const ref = entry.target_kind === 'incident' ? ` (${i.operation(entry.target_id)})` : '';
  const count = num('count');
  let sentence: string | null = null;
  switch (entry.action) {
    case 'incident.threshold_changed': {
      const from = num('previous');
      const to = num('threshold');
      // Its target is the workspace: no operation to name.
      if (from !== null && to !== null) return i.thresholdChanged(from, to);
      break;
    }
    case 'incident.requested': {
      const threshold = num('threshold');
      if (count === null) break;
      sentence = i.requested(count, incidentFilter(d.filter, byId, m));
      if (d.needs_approval === true && threshold !== null) sentence += `; ${i.waits(threshold)}`;
      break;
    }
    case 'incident.approved':
      if (count !== null) sentence = i.approved(count);
      break;
    case 'incident.refused':
      if (count !== null) sentence = i.refused(count);
      break;
    case 'incident.started':
      if (count !== null) sentence = i.started(count);
      break;
    case 'incident.progress': {
      const batch = num('batch');
      if (batch !== null) sentence = i.progress(batch);
      break;
    }
    case 'incident.finished': {
      const revoked = num('revoked');
      const matched = num('matched');
      if (revoked !== null && matched !== null) sentence = i.finished(revoked, matched);
      break;
    }
  }
  return `${sentence ?? w.auditUnknown(entry.action)}${ref}`;
}

/**
 * The filter an operation was asked with, as `key=value` pairs (the CLI's `--filter` syntax),
 * members by address; the raw text if it is not a JSON object.
 */
export function incidentFilter(value: unknown, byId: ReadonlyMap<string, WorkspaceMember>, m: Messages = defaultMessages): string {
  if (typeof value !== 'string') return m.workspaces.auditIncident.everything;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return value;
  const pairs = Object.entries(parsed as Record<string, unknown>).map(([k, v]) => {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return k === 'member' && typeof v === 'string'
      ? `${k}=${v
          .split(',')
          .map((id) => personName(id, byId, m))
          .join(',')}`
      : `${k}=${text}`;
  });
  return pairs.length === 0 ? m.workspaces.auditIncident.everything : pairs.join(', ');
}

export type ReviewState = 'done' | 'pending' | 'never';

/** Where a member stands with the latest review the workspace asked of them. */
export function reviewState(status: ReviewStatus): ReviewState {
  if (status.completed_at !== null) return 'done';
  return status.requested_at !== null ? 'pending' : 'never';
}

/** "Reviewed: 2 · Pending: 1 · Never asked: 0". */
export function reviewSummary(list: readonly ReviewStatus[], m: Messages = defaultMessages): string {
  const count = (state: ReviewState) => list.filter((x) => reviewState(x) === state).length;
  return m.workspaces.reviewsSummary(count('done'), count('pending'), count('never'));
}
