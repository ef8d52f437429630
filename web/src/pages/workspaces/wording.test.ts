import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { makeAuditEntry, makeMember, makeReviewStatus } from '../../testing/fixtures';
import {
  describeAuditEntry,
  errorText,
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
  ] as const)('describes %j', (overrides, text) => {
    expect(describeAuditEntry(makeAuditEntry({ id: 'e', ...overrides } as Parameters<typeof makeAuditEntry>[0]), byId)).toBe(text);
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
