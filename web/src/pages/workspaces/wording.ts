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
  const text = (key: string): string | null => (typeof d[key] === 'string' ? d[key] : null);
  let target: string;
  switch (entry.target_kind) {
    case 'workspace':
      target = text('name') ?? entry.target_id;
      break;
    case 'invitation':
      target = text('email') ?? entry.target_id;
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
  return sentence;
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
