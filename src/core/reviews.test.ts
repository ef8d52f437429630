/**
 * Session reviews on real parts: a password reset and a suspicious sign-in ask the person to
 * review their sessions, joining a workspace does, and so does a workspace admin; one
 * confirmation completes them all and counts what the person signed out meanwhile; admins see
 * who has and has not reviewed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestPlace } from './events.js';
import type { WorkspaceCaller } from './workspaces.js';
import { context, LONDON, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
let n = 0;

beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

const SYDNEY: RequestPlace = {
  ip: '1.128.0.1',
  location: { city: 'Sydney', region: null, country: 'AU', latitude: -33.87, longitude: 151.21 },
};

async function person() {
  const email = `reviewer-${++n}@example.com`;
  const user = await u.accounts.signUp({ email, password: PASSWORD });
  const caller: WorkspaceCaller & { email: string } = { userId: user.id, email, ip: '198.51.100.7', userAgent: null, requestId: null };
  const signIn = async (deviceId: string, place: RequestPlace = LONDON) => {
    const issued = await u.signIn.withPassword(
      { email, password: PASSWORD, clientId: 'web', transport: 'cookie', device: null },
      context({ deviceId, place }),
    );
    if (issued.kind !== 'session') throw new Error('no session');
    return issued;
  };
  return { id: user.id, email, caller, signIn };
}

const reasons = async (userId: string) => (await u.reviews.pending(userId)).map((r) => r.reason);
const timeline = async (userId: string) => (await u.signals.listEvents(userId, null, 100)).events;

describe('Reviews', () => {
  it('asks for a review after a suspicious sign-in, not after a sign-in from a new device alone', async () => {
    const p = await person();
    await p.signIn('laptop-00000000000000001');
    u.clock.advance(60_000);
    await p.signIn('phone-000000000000000001');
    expect(await reasons(p.id)).toEqual([]);
    u.clock.advance(3_600_000);
    await p.signIn('tablet-00000000000000001', SYDNEY);
    expect(await reasons(p.id)).toEqual(['suspicious_sign_in']);
    const [entry] = (await timeline(p.id)).filter((e) => e.kind === 'review_requested');
    expect(entry).toMatchObject({ reason: 'suspicious_sign_in', actor: { kind: 'system' } });
    // Another suspicious sign-in while one is pending asks nothing more.
    u.clock.advance(3_600_000);
    await p.signIn('tablet-00000000000000002', LONDON);
    u.clock.advance(3_600_000);
    await p.signIn('tablet-00000000000000003', SYDNEY);
    expect(await reasons(p.id)).toEqual(['suspicious_sign_in']);
  });

  it('asks for a review after a password reset, not after a password change', async () => {
    const p = await person();
    const { session } = await p.signIn('laptop-00000000000000001');
    await u.accounts.changePassword(
      p.id,
      { currentPassword: PASSWORD, newPassword: 'another long enough password', keepSessionId: session.id, signOutOthers: true },
      { actor: { kind: 'session', sessionId: session.id, ip: LONDON.ip }, place: LONDON },
    );
    expect(await reasons(p.id)).toEqual([]);
    await u.passwordReset.requestReset(p.email, LONDON);
    await u.idle();
    const token = /token=([^\s&]+)/.exec(u.mail.at(-1)!.text)![1]!;
    await u.passwordReset.confirmReset(decodeURIComponent(token), 'a third long enough password', LONDON);
    expect(await reasons(p.id)).toEqual(['password_reset']);
  });

  it('completes every pending request at once and counts the sessions the person ended meanwhile', async () => {
    const p = await person();
    const mine = await p.signIn('laptop-00000000000000001');
    const other = await p.signIn('phone-000000000000000001');
    const old = await p.signIn('old-pc-00000000000000001');
    // Ended before the request: not counted.
    await u.revocation.endSession(p.id, old.session.id, { kind: 'session', sessionId: mine.session.id, ip: null });
    u.clock.advance(1_000);
    await u.reviews.request(p.id, 'password_reset');
    u.clock.advance(1_000);
    await u.reviews.request(p.id, 'suspicious_sign_in');
    u.clock.advance(1_000);
    const actor = { kind: 'session' as const, sessionId: mine.session.id, ip: '203.0.113.4' };
    await u.revocation.endSession(p.id, other.session.id, actor);
    expect(await u.reviews.complete(p.id, actor)).toEqual({ completed: 2, signOuts: 1 });
    expect(await reasons(p.id)).toEqual([]);
    const [entry] = (await timeline(p.id)).filter((e) => e.kind === 'sessions_reviewed');
    expect(entry).toMatchObject({ count: 1, actor, ip: '203.0.113.4' });
    // Nothing pending: nothing completed, nothing recorded.
    expect(await u.reviews.complete(p.id, actor)).toEqual({ completed: 0, signOuts: 0 });
    expect((await timeline(p.id)).filter((e) => e.kind === 'sessions_reviewed')).toHaveLength(1);
  });

  it('starts a new member with a review, and lets a workspace ask its members and see who has reviewed', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner.caller, 'Acme');
    const member = await person();
    await u.workspaces.invite(owner.caller, ws.id, member.email, 'member');
    await u.idle();
    const token = decodeURIComponent(/token=([^\s&]+)/.exec(u.mail.at(-1)!.text)![1]!);
    await u.workspaces.accept(member.caller, token);
    expect(await u.reviews.pending(member.id)).toMatchObject([{ reason: 'onboarding', workspaceId: ws.id, workspaceName: 'Acme' }]);

    u.clock.advance(60_000);
    // The owner was never asked; the member's onboarding request is pending and is not repeated.
    expect(await u.workspaces.requestReview(owner.caller, ws.id)).toEqual({ asked: 2 });
    expect(await reasons(member.id)).toEqual(['onboarding', 'workspace_request']);
    expect(await u.workspaces.requestReview(owner.caller, ws.id)).toEqual({ asked: 0 });
    const [requested] = (await timeline(member.id)).filter((e) => e.kind === 'review_requested' && e.reason === 'workspace_request');
    expect(requested?.actor).toEqual({ kind: 'admin', adminId: owner.id, ip: null });

    let status = await u.workspaces.reviewStatus(owner.caller, ws.id);
    expect(status.find((s) => s.user.id === member.id)).toMatchObject({ requestedAt: u.clock.now(), completedAt: null });
    u.clock.advance(5_000);
    await u.reviews.complete(member.id, { kind: 'session', sessionId: 'x', ip: null });
    status = await u.workspaces.reviewStatus(owner.caller, ws.id);
    expect(status.find((s) => s.user.id === member.id)).toMatchObject({ completedAt: u.clock.now(), signOuts: 0 });
    expect((await u.workspaces.audit(owner.caller, ws.id, null, 10)).filter((e) => e.action === 'review.requested')).toHaveLength(2);
  });

  it('lets only admins ask, and only for the workspace’s own active members', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner.caller, 'Acme');
    const outsider = await person();
    await expect(u.workspaces.requestReview(owner.caller, ws.id, [outsider.id])).rejects.toMatchObject({ code: 'not_found' });
    expect(await u.reviews.pending(outsider.id)).toEqual([]);
    await expect(u.workspaces.requestReview(outsider.caller, ws.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(u.workspaces.reviewStatus(outsider.caller, ws.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
