import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { makeAuditEntry, makeMember, makeReviewStatus } from '../../testing/fixtures';
import {
  describeAuditEntry,
  errorText,
  incidentFilter,
  invitableRoles,
  isAdminRole,
  reviewState,
  reviewSummary,
  roleName,
  securityOwnerCandidates,
} from './wording';

const grace = makeMember({ user_id: 'u2', email: 'grace@example.com' });
const byId = new Map([[grace.user_id, grace]]);

describe('workspace wording', () => {
  it('names roles, and an unknown one readably', () => {
    expect(['owner', 'security_admin', 'member', 'auditor_plus'].map((r) => roleName(r))).toEqual([
      'Owner',
      'Security admin',
      'Member',
      'auditor plus',
    ]);
  });

  it('gives admin rights to owners and security admins; only owners invite admins', () => {
    expect([isAdminRole('owner'), isAdminRole('security_admin'), isAdminRole('member')]).toEqual([true, true, false]);
    expect(invitableRoles('owner')).toEqual(['member', 'security_admin', 'owner']);
    expect(invitableRoles('security_admin')).toEqual(['member']);
  });

  it('offers only active owners and security admins as security owner', () => {
    const list = [
      makeMember({ user_id: 'a', email: 'a@x', role: 'owner' }),
      makeMember({ user_id: 'b', email: 'b@x', role: 'security_admin', status: 'disabled' }),
      makeMember({ user_id: 'c', email: 'c@x', role: 'member' }),
      makeMember({ user_id: 'd', email: 'd@x', role: 'security_admin' }),
    ];
    expect(securityOwnerCandidates(list).map((x) => x.user_id)).toEqual(['a', 'd']);
  });

  it.each([
    [{ action: 'workspace.created', target_kind: 'workspace', details: { name: 'Acme' } }, 'Created the workspace Acme'],
    [{ action: 'security_owner.changed', target_kind: 'member', target_id: 'u2', details: {} }, 'Named grace@example.com security owner'],
    [
      {
        action: 'member.invited',
        target_kind: 'invitation',
        target_id: 'i1',
        details: { email: 'bob@example.com', role: 'security_admin' },
      },
      'Invited bob@example.com as Security admin',
    ],
    [
      { action: 'member.joined', target_kind: 'member', target_id: 'u2', details: { role: 'member' } },
      'grace@example.com joined as Member',
    ],
    [{ action: 'member.offboarded', target_kind: 'member', target_id: 'u2', details: {} }, 'Offboarded grace@example.com'],
    [
      { action: 'session.revoked', target_kind: 'session', target_id: 's1', details: { member: 'u2' } },
      'Ended a session of grace@example.com',
    ],
    [
      { action: 'sessions.revoked', target_kind: 'member', target_id: 'u2', details: { count: 3 } },
      'Ended every session of grace@example.com (3 sessions)',
    ],
    [{ action: 'member.offboarded', target_kind: 'member', target_id: 'u9zzzzzz', details: {} }, 'Offboarded user u9zzzz…'],
    [
      { action: 'review.requested', target_kind: 'workspace', details: { asked: 3, named: null } },
      'Asked 3 members to review their sessions',
    ],
    [
      { action: 'member.role_changed', target_kind: 'member', target_id: 'u2', details: { from: 'member', to: 'security_admin' } },
      'Changed the role of grace@example.com from Member to Security admin',
    ],
    [{ action: 'member.role_changed', target_kind: 'member', target_id: 'u2', details: {} }, 'Changed the role of grace@example.com'],
    [
      { action: 'device.replaced', target_kind: 'session', target_id: 's1', details: { member: 'u2', revoked: 2, untrusted: true } },
      'Treated a device of grace@example.com as lost (2 sessions ended, no longer trusted)',
    ],
    [
      { action: 'device.replaced', target_kind: 'session', target_id: 's1', details: { member: 'u2', revoked: 1, untrusted: false } },
      'Treated a device of grace@example.com as lost (1 session ended)',
    ],
    [
      {
        action: 'incident.requested',
        target_kind: 'incident',
        target_id: 'Xy12abCDef',
        details: { count: 120, threshold: 100, needs_approval: true, filter: '{"country":"RU","member":"u2,u7777777"}' },
      },
      'Asked to end 120 sessions matching country=RU, member=grace@example.com,user u77777…; waits for a second admin (more than 100) (operation Xy12ab…)',
    ],
    [
      {
        action: 'incident.requested',
        target_kind: 'incident',
        target_id: 'Xy12abCDef',
        details: { count: 1, threshold: 100, needs_approval: false, filter: '{}' },
      },
      'Asked to end 1 session matching every session in the workspace (operation Xy12ab…)',
    ],
    [
      { action: 'incident.approved', target_kind: 'incident', target_id: 'Xy12abCDef', details: { count: 120 } },
      'Approved ending 120 sessions (operation Xy12ab…)',
    ],
    [
      { action: 'incident.refused', target_kind: 'incident', target_id: 'Xy12abCDef', details: { count: 1 } },
      'Refused ending 1 session (operation Xy12ab…)',
    ],
    [
      { action: 'incident.started', target_kind: 'incident', target_id: 'Xy12abCDef', details: { count: 5 } },
      'Started ending 5 sessions (operation Xy12ab…)',
    ],
    [
      { action: 'incident.progress', target_kind: 'incident', target_id: 'Xy12abCDef', details: { batch: 3 } },
      'Ended the sessions of batch 3 (operation Xy12ab…)',
    ],
    [
      {
        action: 'incident.finished',
        target_kind: 'incident',
        target_id: 'Xy12abCDef',
        details: { revoked: 118, batches: 2, matched: 120 },
      },
      'Finished: 118 sessions ended of 120 matched (operation Xy12ab…)',
    ],
    [
      { action: 'incident.threshold_changed', target_kind: 'workspace', target_id: 'ws1', details: { previous: 100, threshold: 25 } },
      'Changed the approval threshold from 100 to 25 sessions',
    ],
    [{ action: 'incident.started', target_kind: 'incident', target_id: 'Xy12abCDef', details: {} }, 'incident started (operation Xy12ab…)'],
    [
      { action: 'api_key.created', target_kind: 'api_key', target_id: 'k1', details: { name: 'Deploy bot', scopes: 'audit:read' } },
      'Created the API key “Deploy bot”',
    ],
    [
      { action: 'api_key.revoked', target_kind: 'api_key', target_id: 'k1', details: { name: 'Deploy bot' } },
      'Revoked the API key “Deploy bot”',
    ],
  ] as const)('describes %j', (overrides, text) => {
    expect(describeAuditEntry(makeAuditEntry({ id: 'e', ...overrides } as Parameters<typeof makeAuditEntry>[0]), byId)).toBe(text);
  });

  it('shows an incident filter as key=value pairs, and text that is not a JSON object as it is', () => {
    expect(incidentFilter('{"app":"cli","trusted":"false"}', byId)).toBe('app=cli, trusted=false');
    expect(incidentFilter('{"n":3}', byId)).toBe('n=3');
    expect(incidentFilter('not json', byId)).toBe('not json');
    expect(incidentFilter('["a"]', byId)).toBe('["a"]');
    expect(incidentFilter(null, byId)).toBe('every session in the workspace');
  });

  it('adds the wait to a rate-limited error', () => {
    expect(errorText(new ApiError(429, 'rate_limited', 'Too many attempts.', 30))).toBe('Too many attempts. Try again in 30 seconds.');
    expect(errorText(new Error('boom'))).toBe('boom');
  });

  it('tells reviewed, pending and never-asked members apart, and counts them', () => {
    const never = makeReviewStatus({ user_id: 'a', email: 'a@example.com' });
    const pending = makeReviewStatus({ user_id: 'b', email: 'b@example.com', requested_at: '2026-01-15T10:00:00Z' });
    const done = makeReviewStatus({
      user_id: 'c',
      email: 'c@example.com',
      requested_at: '2026-01-15T10:00:00Z',
      completed_at: '2026-01-15T11:00:00Z',
      sign_outs: 0,
    });
    expect([never, pending, done].map(reviewState)).toEqual(['never', 'pending', 'done']);
    expect(reviewSummary([never, pending, pending, done])).toBe('Reviewed: 1 · Pending: 2 · Never asked: 1');
    expect(reviewSummary([])).toBe('Reviewed: 0 · Pending: 0 · Never asked: 0');
  });
});
