/**
 * Workspaces on real parts (in-memory SQLite, the real use cases): who may do what, invitations
 * that work once and only for the invited address, an admin ending a member's sessions through
 * the same revocation the member uses, offboarding in one step, and the audit trail of it all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessiondError } from './errors.js';
import { mayTake, WORKSPACE_ROLES, type WorkspaceAction, type WorkspaceCaller, type WorkspaceRole } from './workspaces.js';
import { context, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
let n = 0;

beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

interface Person {
  id: string;
  email: string;
  caller: WorkspaceCaller & { email: string };
}

async function person(): Promise<Person> {
  const email = `person-${++n}@example.com`;
  const user = await u.accounts.signUp({ email, password: PASSWORD });
  return { id: user.id, email, caller: { userId: user.id, email, ip: '198.51.100.7', userAgent: 'curl/8', requestId: `req-${n}` } };
}

async function signIn(p: Person, device = 'device-cookie-0000000001') {
  const issued = await u.signIn.withPassword(
    { email: p.email, password: PASSWORD, clientId: 'web', transport: 'cookie', device: null },
    context({ deviceId: device }),
  );
  if (issued.kind !== 'session') throw new Error('no session');
  return issued;
}

/** The token from the invitation mail sent to `email`. */
async function invitationToken(email: string): Promise<string> {
  await u.idle();
  const mail = u.mail.filter((m) => m.to === email).at(-1);
  const match = mail && /workspaces\/join\?token=([^\s&"]+)/.exec(mail.text);
  if (!match) throw new Error(`no invitation mail to ${email}`);
  return decodeURIComponent(match[1]!);
}

async function join(owner: Person, workspaceId: string, role: WorkspaceRole): Promise<Person> {
  const p = await person();
  await u.workspaces.invite(owner.caller, workspaceId, p.email, role);
  await u.workspaces.accept(p.caller, await invitationToken(p.email));
  return p;
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SessiondError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('the authorisation table', () => {
  it('gives members only the workspace itself, security admins every action but assigning admin roles, owners all', () => {
    const actions: WorkspaceAction[] = [
      'view_workspace',
      'view_members',
      'invite_members',
      'assign_admin_roles',
      'manage_sessions',
      'offboard_members',
      'view_audit',
    ];
    const table = Object.fromEntries(WORKSPACE_ROLES.map((role) => [role, actions.filter((a) => mayTake(role, a))]));
    expect(table).toEqual({
      owner: actions,
      security_admin: ['view_workspace', 'view_members', 'invite_members', 'manage_sessions', 'offboard_members', 'view_audit'],
      member: ['view_workspace'],
    });
  });
});

describe('Workspaces', () => {
  it('makes its creator the owner and the security owner, and lists it among theirs', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner.caller, '  Acme  ');
    expect(ws).toMatchObject({ name: 'Acme', securityOwnerId: owner.id });
    expect(await u.workspaces.listMine(owner.id)).toEqual([{ workspace: ws, role: 'owner' }]);
    expect(await u.workspaces.listMine((await person()).id)).toEqual([]);
    expect(await code(u.workspaces.create(owner.caller, '   '))).toBe('invalid_request');
    expect(await code(u.workspaces.create(owner.caller, 'x'.repeat(101)))).toBe('invalid_request');
    expect(await code(u.workspaces.create(owner.caller, 'x'.repeat(100)))).toBe('ok');
  });

  it('answers not_found to an outsider whether or not the workspace exists, forbidden to a member', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner.caller, 'Acme');
    const outsider = await person();
    expect(await code(u.workspaces.members(outsider.caller, ws.id))).toBe('not_found');
    expect(await code(u.workspaces.members(outsider.caller, 'AAAAAAAAAAAAAAAAAAAAAA'))).toBe('not_found');
    const member = await join(owner, ws.id, 'member');
    expect(await code(u.workspaces.members(member.caller, ws.id))).toBe('forbidden');
    // A member may read the workspace itself (its name, and their role); an outsider may not.
    expect((await u.workspaces.authorize(member.caller, ws.id, 'view_workspace')).membership.role).toBe('member');
    expect(await code(u.workspaces.authorize(outsider.caller, ws.id, 'view_workspace'))).toBe('not_found');
    const admin = await join(owner, ws.id, 'security_admin');
    expect(await code(u.workspaces.members(admin.caller, ws.id))).toBe('ok');
    // Another workspace's owner is an outsider here.
    const other = await person();
    await u.workspaces.create(other.caller, 'Other');
    expect(await code(u.workspaces.members(other.caller, ws.id))).toBe('not_found');
  });

  describe('invitations', () => {
    it('mails a link that adds the invited address with its role, once', async () => {
      const owner = await person();
      const ws = await u.workspaces.create(owner.caller, 'Acme');
      const invited = await person();
      await u.workspaces.invite(owner.caller, ws.id, invited.email.toUpperCase(), 'security_admin');
      const token = await invitationToken(invited.email.toUpperCase());
      const mail = u.mail.at(-1)!;
      expect(mail.subject).toBe('Join Acme on sessiond');
      expect(mail.text).toContain(`${owner.email} invited you to join the workspace "Acme" on sessiond as a security admin.`);
      expect(mail.text).toContain('https://sessiond.test/workspaces/join?token=');
      expect(await u.workspaces.accept(invited.caller, token)).toMatchObject({ id: ws.id });
      expect(await u.workspaceStore.findMembership(ws.id, invited.id)).toMatchObject({ role: 'security_admin', status: 'active' });
      expect(await code(u.workspaces.accept(invited.caller, token))).toBe('invalid_token');
    });

    it('is worth nothing to another account, after it expires, or when altered', async () => {
      const owner = await person();
      const ws = await u.workspaces.create(owner.caller, 'Acme');
      const invited = await person();
      const forwardedTo = await person();
      await u.workspaces.invite(owner.caller, ws.id, invited.email, 'member');
      const token = await invitationToken(invited.email);
      expect(await code(u.workspaces.accept(forwardedTo.caller, token))).toBe('invalid_token');
      expect(await u.workspaceStore.findMembership(ws.id, forwardedTo.id)).toBeNull();
      const [id, secret] = token.split('.') as [string, string];
      const altered = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
      expect(await code(u.workspaces.accept(invited.caller, altered))).toBe('invalid_token');
      expect(await code(u.workspaces.accept(invited.caller, 'not-a-token'))).toBe('invalid_token');
      u.clock.advance(7 * 86_400_000);
      expect(await code(u.workspaces.accept(invited.caller, token))).toBe('invalid_token');
      expect(await u.workspaceStore.findMembership(ws.id, invited.id)).toBeNull();
    });

    it('lets a security admin invite members but not admins; an owner may invite either', async () => {
      const owner = await person();
      const ws = await u.workspaces.create(owner.caller, 'Acme');
      const admin = await join(owner, ws.id, 'security_admin');
      expect(await code(u.workspaces.invite(admin.caller, ws.id, 'new@example.com', 'member'))).toBe('ok');
      expect(await code(u.workspaces.invite(admin.caller, ws.id, 'new@example.com', 'security_admin'))).toBe('forbidden');
      expect(await code(u.workspaces.invite(admin.caller, ws.id, 'new@example.com', 'owner'))).toBe('forbidden');
      expect(await code(u.workspaces.invite(owner.caller, ws.id, 'new@example.com', 'owner'))).toBe('ok');
      expect(await code(u.workspaces.invite(owner.caller, ws.id, 'not an address', 'member'))).toBe('invalid_request');
      const member = await join(owner, ws.id, 'member');
      expect(await code(u.workspaces.invite(member.caller, ws.id, 'new@example.com', 'member'))).toBe('forbidden');
    });

    it('keeps the higher role when a member accepts a second invitation', async () => {
      const owner = await person();
      const ws = await u.workspaces.create(owner.caller, 'Acme');
      const p = await join(owner, ws.id, 'security_admin');
      await u.workspaces.invite(owner.caller, ws.id, p.email, 'member');
      await u.workspaces.accept(p.caller, await invitationToken(p.email));
      expect((await u.workspaceStore.findMembership(ws.id, p.id))?.role).toBe('security_admin');
    });
  });

  it("shows an admin each member's active sessions, MFA status and trusted devices", async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner.caller, 'Acme');
    const member = await join(owner, ws.id, 'member');
    await signIn(member, 'device-cookie-0000000001');
    u.clock.advance(60_000);
    const second = await signIn(member, 'device-cookie-0000000002');
    await u.mfaStore.setDeviceTrust(member.id, second.session.deviceId!, u.clock.now() + 86_400_000, {
      clientId: 'web',
      tokenId: null,
      secretHash: null,
    });
    const rows = await u.workspaces.members(owner.caller, ws.id);
    expect(rows.map((r) => r.user.email)).toEqual([owner.email, member.email].sort());
    expect(rows.find((r) => r.user.id === member.id)).toMatchObject({
      membership: { role: 'member', status: 'active' },
      activeSessions: 2,
      lastActiveAt: second.session.lastActiveAt,
      mfaEnabled: false,
      trustedDevices: 1,
      // Joining asked for an onboarding review, not yet confirmed.
      lastReviewedAt: null,
    });
    expect(rows.find((r) => r.user.id === owner.id)).toMatchObject({ activeSessions: 0, lastActiveAt: null, trustedDevices: 0 });
    u.clock.advance(60_000);
    await u.reviews.complete(member.id, { kind: 'session', sessionId: second.session.id, ip: null });
    const after = await u.workspaces.members(owner.caller, ws.id);
    expect(after.find((r) => r.user.id === member.id)?.lastReviewedAt).toBe(u.clock.now());
    expect(after.find((r) => r.user.id === owner.id)?.lastReviewedAt).toBeNull();
  });

  describe("an admin and a member's sessions", () => {
    it('ends one session through the same revocation, recorded as an admin on the timeline and in the audit', async () => {
      const owner = await person();
      const ws = await u.workspaces.create(owner.caller, 'Acme');
      const member = await join(owner, ws.id, 'member');
      const a = await signIn(member);
      const b = await signIn(member, 'device-cookie-0000000002');
      expect((await u.workspaces.memberSessions(owner.caller, ws.id, member.id)).map((s) => s.id).sort()).toEqual(
        [a.session.id, b.session.id].sort(),
      );
      u.events.length = 0;
      await u.workspaces.endMemberSession(owner.caller, ws.id, member.id, a.session.id);
      expect(await u.sessions.validateSessionToken(a.token)).toBeNull();
      expect(await u.sessions.validateSessionToken(b.token)).not.toBeNull();
      expect(u.events).toEqual([
        expect.objectContaining({
          type: 'session_ended',
          userId: member.id,
          reason: 'admin',
          actor: { kind: 'admin', adminId: owner.id, ip: '198.51.100.7' },
        }),
      ]);
      const [entry] = await u.workspaces.audit(owner.caller, ws.id, null, 10);
      expect(entry).toMatchObject({
        action: 'session.revoked',
        actorId: owner.id,
        targetKind: 'session',
        targetId: a.session.id,
        ip: '198.51.100.7',
        userAgent: 'curl/8',
        requestId: owner.caller.requestId,
        details: { member: member.id },
      });
      // Already ended, someone else's, or not a member at all: not_found, and nothing is audited.
      expect(await code(u.workspaces.endMemberSession(owner.caller, ws.id, member.id, a.session.id))).toBe('not_found');
      const outsider = await person();
      const theirs = await signIn(outsider);
      expect(await code(u.workspaces.endMemberSession(owner.caller, ws.id, member.id, theirs.session.id))).toBe('not_found');
      expect(await code(u.workspaces.endMemberSession(owner.caller, ws.id, outsider.id, theirs.session.id))).toBe('not_found');
      expect(await code(u.workspaces.memberSessions(owner.caller, ws.id, outsider.id))).toBe('not_found');
      expect(await u.sessions.validateSessionToken(theirs.token)).not.toBeNull();
      // Created, invited, joined, the one revocation.
      expect(await u.workspaces.audit(owner.caller, ws.id, null, 10)).toHaveLength(4);
    });

    it('ends all of a member’s sessions and counts them', async () => {
      const owner = await person();
      const ws = await u.workspaces.create(owner.caller, 'Acme');
      const admin = await join(owner, ws.id, 'security_admin');
      const member = await join(owner, ws.id, 'member');
      const a = await signIn(member);
      await signIn(member, 'device-cookie-0000000002');
      const mine = await signIn(admin);
      expect(await u.workspaces.endMemberSessions(admin.caller, ws.id, member.id)).toBe(2);
      expect(await u.sessions.validateSessionToken(a.token)).toBeNull();
      expect(await u.sessions.validateSessionToken(mine.token)).not.toBeNull();
      expect((await u.workspaces.audit(owner.caller, ws.id, null, 1))[0]).toMatchObject({
        action: 'sessions.revoked',
        actorId: admin.id,
        targetId: member.id,
        details: { count: 2 },
      });
      const plain = await join(owner, ws.id, 'member');
      expect(await code(u.workspaces.endMemberSessions(plain.caller, ws.id, member.id))).toBe('forbidden');
    });
  });

  describe('offboarding', () => {
    it('in one step disables the membership, ends every session and takes trust from every device', async () => {
      const owner = await person();
      const ws = await u.workspaces.create(owner.caller, 'Acme');
      const member = await join(owner, ws.id, 'security_admin');
      const a = await signIn(member);
      const b = await signIn(member, 'device-cookie-0000000002');
      await u.mfaStore.setDeviceTrust(member.id, b.session.deviceId!, u.clock.now() + 86_400_000, {
        clientId: 'web',
        tokenId: null,
        secretHash: null,
      });
      const result = await u.workspaces.offboard(owner.caller, ws.id, member.id);
      expect(result).toEqual({
        sessionsEnded: 2,
        devicesUntrusted: 1,
        keysRevoked: 0,
        appsRemoved: 0,
        tokensRevoked: 0,
        membershipDisabled: true,
      });
      expect(await u.sessions.validateSessionToken(a.token)).toBeNull();
      expect(await u.sessions.validateSessionToken(b.token)).toBeNull();
      expect(await u.mfa.trustedDeviceIds(member.id)).toEqual(new Set());
      expect(await u.workspaceStore.findMembership(ws.id, member.id)).toMatchObject({
        status: 'disabled',
        disabledBy: owner.id,
        disabledAt: u.clock.now(),
      });
      // The offboarded admin can no longer act, and the workspace is gone from their list.
      expect(await code(u.workspaces.members(member.caller, ws.id))).toBe('not_found');
      expect(await u.workspaces.listMine(member.id)).toEqual([]);
      expect((await u.workspaces.audit(owner.caller, ws.id, null, 1))[0]).toMatchObject({
        action: 'member.offboarded',
        targetId: member.id,
        details: { sessionsEnded: 2, devicesUntrusted: 1, keysRevoked: 0, appsRemoved: 0, tokensRevoked: 0, membershipDisabled: true },
      });
      // A second run finishes whatever is left: a session signed in since then ends too.
      const c = await signIn(member, 'device-cookie-0000000003');
      expect(await u.workspaces.offboard(owner.caller, ws.id, member.id)).toEqual({
        sessionsEnded: 1,
        devicesUntrusted: 0,
        keysRevoked: 0,
        appsRemoved: 0,
        tokensRevoked: 0,
        membershipDisabled: false,
      });
      expect(await u.sessions.validateSessionToken(c.token)).toBeNull();
    });

    it('refuses the caller themself, the security owner, and an owner unless an owner asks', async () => {
      const owner = await person();
      const ws = await u.workspaces.create(owner.caller, 'Acme');
      const admin = await join(owner, ws.id, 'security_admin');
      const coOwner = await join(owner, ws.id, 'owner');
      expect(await code(u.workspaces.offboard(admin.caller, ws.id, admin.id))).toBe('forbidden');
      expect(await code(u.workspaces.offboard(admin.caller, ws.id, owner.id))).toBe('forbidden');
      expect(await code(u.workspaces.offboard(admin.caller, ws.id, coOwner.id))).toBe('forbidden');
      expect(await code(u.workspaces.offboard(coOwner.caller, ws.id, owner.id))).toBe('forbidden');
      expect(await u.workspaceStore.findMembership(ws.id, coOwner.id)).toMatchObject({ status: 'active' });
      expect(await code(u.workspaces.offboard(owner.caller, ws.id, coOwner.id))).toBe('ok');
      // Once another is named security owner, the first can be offboarded.
      await u.workspaces.setSecurityOwner(owner.caller, ws.id, admin.id);
      expect((await u.workspaceStore.findWorkspace(ws.id))?.securityOwnerId).toBe(admin.id);
      expect(await code(u.workspaces.offboard(admin.caller, ws.id, owner.id))).toBe('forbidden');
    });
  });

  it('names as security owner only an active owner or security admin, and only an owner may', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner.caller, 'Acme');
    const admin = await join(owner, ws.id, 'security_admin');
    const member = await join(owner, ws.id, 'member');
    expect(await code(u.workspaces.setSecurityOwner(owner.caller, ws.id, member.id))).toBe('invalid_request');
    expect(await code(u.workspaces.setSecurityOwner(admin.caller, ws.id, admin.id))).toBe('forbidden');
    expect(await code(u.workspaces.setSecurityOwner(owner.caller, ws.id, (await person()).id))).toBe('not_found');
    expect((await u.workspaceStore.findWorkspace(ws.id))?.securityOwnerId).toBe(owner.id);
  });

  it('pages the audit trail newest first by cursor, and shows it to admins only', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner.caller, 'Acme');
    for (let i = 0; i < 5; i++) {
      u.clock.advance(i % 2 === 0 ? 1_000 : 0);
      await u.workspaces.invite(owner.caller, ws.id, `invitee-${i}@example.com`, 'member');
    }
    const all = await u.workspaces.audit(owner.caller, ws.id, null, 100);
    expect(all.map((e) => e.action)).toEqual([...Array(5).fill('member.invited'), 'workspace.created']);
    expect(all.map((e) => e.at)).toEqual([...all.map((e) => e.at)].sort((x, y) => y - x));
    expect(all.map((e) => e.details.email ?? null)).toEqual([...[4, 3, 2, 1, 0].map((i) => `invitee-${i}@example.com`), null]);
    const pages = [];
    let after = null;
    for (;;) {
      const page = await u.workspaces.audit(owner.caller, ws.id, after, 2);
      if (page.length === 0) break;
      pages.push(...page);
      const last = page.at(-1)!;
      after = { seq: last.seq };
    }
    expect(pages.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const member = await join(owner, ws.id, 'member');
    expect(await code(u.workspaces.audit(member.caller, ws.id, null, 10))).toBe('forbidden');
  });
});

describe('audit retention', () => {
  const DAY = 86_400_000;

  it('is 365 days until an owner sets it, within 30..3650, and the change is audited', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner.caller, 'Acme');
    const admin = await join(owner, ws.id, 'security_admin');
    const member = await join(owner, ws.id, 'member');
    expect(await u.workspaces.auditRetention(member.caller, ws.id)).toBe(365);
    expect(await code(u.workspaces.setAuditRetention(admin.caller, ws.id, 90))).toBe('forbidden');
    expect(await code(u.workspaces.setAuditRetention(member.caller, ws.id, 90))).toBe('forbidden');
    const outsider = await person();
    expect(await code(u.workspaces.setAuditRetention(outsider.caller, ws.id, 90))).toBe('not_found');
    for (const bad of [29, 3651, 90.5, Number.NaN])
      expect(await code(u.workspaces.setAuditRetention(owner.caller, ws.id, bad))).toBe('invalid_request');
    expect(await u.workspaces.auditRetention(owner.caller, ws.id)).toBe(365);

    await u.workspaces.setAuditRetention(owner.caller, ws.id, 90);
    expect(await u.workspaces.auditRetention(member.caller, ws.id)).toBe(90);
    expect((await u.workspaces.audit(owner.caller, ws.id, null, 1))[0]).toMatchObject({
      action: 'audit.retention_changed',
      actorId: owner.id,
      targetKind: 'workspace',
      targetId: ws.id,
      details: { previous: 365, days: 90 },
    });
    // Setting what it already is writes nothing.
    const before = (await u.workspaces.audit(owner.caller, ws.id, null, 100)).length;
    await u.workspaces.setAuditRetention(owner.caller, ws.id, 90);
    expect(await u.workspaces.audit(owner.caller, ws.id, null, 100)).toHaveLength(before);
    expect((await u.workspaces.audit(owner.caller, ws.id, null, 2)).map((e) => e.action)).toEqual([
      'audit.retention_changed',
      'member.joined',
    ]);
  });

  it('purges the entries older than the retention, and nothing newer', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner.caller, 'Acme');
    await u.workspaces.invite(owner.caller, ws.id, 'early@example.com', 'member');
    u.clock.advance(20 * DAY);
    await u.workspaces.setAuditRetention(owner.caller, ws.id, 30);
    u.clock.advance(15 * DAY);
    await u.workspaces.invite(owner.caller, ws.id, 'late@example.com', 'member');
    const actions = async () => (await u.workspaces.audit(owner.caller, ws.id, null, 100)).map((e) => e.action);
    expect(await actions()).toEqual(['member.invited', 'audit.retention_changed', 'member.invited', 'workspace.created']);

    // 35 days after the first two entries, 15 after the retention change, today for the last.
    expect(await u.workspaces.purgeExpiredAudit()).toBe(2);
    expect(await actions()).toEqual(['member.invited', 'audit.retention_changed']);
    expect(await u.workspaces.purgeExpiredAudit()).toBe(0);
    u.clock.advance(15 * DAY);
    expect(await u.workspaces.purgeExpiredAudit()).toBe(0);
    u.clock.advance(1);
    expect(await u.workspaces.purgeExpiredAudit(1)).toBe(1);
    expect(await actions()).toEqual(['member.invited']);
  });
});
