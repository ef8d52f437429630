/**
 * The WorkspaceStore port's contract, as one suite every adapter runs
 * (`test/integration/workspace-store.test.ts` runs it on SQLite and PostgreSQL). Each case names a
 * promise the Workspaces use cases rely on: an invitation is good once even when two requests race,
 * and not after it expires; a member's row counts only live sessions and trusted devices; the
 * audit trail pages newest first without gaps or repeats; the purge removes exactly the entries past
 * their own workspace's retention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MfaStore } from '../ports/mfa-store.js';
import type { Store } from '../ports/store.js';
import type { WorkspaceStore } from '../ports/workspace-store.js';
import type { InvitationRecord, MembershipRecord, NewAuditEntry, WorkspaceRecord, WorkspaceRole } from '../workspaces.js';
import { sessionRecord, userRecord } from './store.contract.js';

export interface WorkspaceStoreFixture {
  workspaces: WorkspaceStore;
  /** The session store of the same database: users and sessions are made through it. */
  store: Store;
  mfa: MfaStore;
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00Z');
const DAY = 24 * 3_600_000;

let counter = 0;
function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 10)}`.padEnd(22, 'x').slice(0, 22);
}

function membership(workspaceId: string, userId: string, role: WorkspaceRole = 'member'): MembershipRecord {
  return { workspaceId, userId, role, status: 'active', joinedAt: T0, disabledAt: null, disabledBy: null };
}

function invitation(workspaceId: string, invitedBy: string, overrides: Partial<InvitationRecord> = {}): InvitationRecord {
  const email = `${uniqueId('i')}@example.com`;
  return {
    id: uniqueId('v'),
    workspaceId,
    email,
    emailKey: email,
    role: 'member',
    secretHash: 'hash-of-invitation-secret',
    invitedBy,
    createdAt: T0,
    expiresAt: T0 + DAY,
    usedAt: null,
    ...overrides,
  };
}

export function runWorkspaceStoreContract(name: string, make: () => Promise<WorkspaceStoreFixture>): void {
  describe(`WorkspaceStore contract: ${name}`, () => {
    let f: WorkspaceStoreFixture;
    beforeAll(async () => {
      f = await make();
    });
    afterAll(async () => f?.dispose());

    async function user() {
      const u = userRecord();
      await f.store.insertUser(u);
      return u;
    }

    async function workspace(): Promise<{ ws: WorkspaceRecord; ownerId: string }> {
      const owner = await user();
      const ws: WorkspaceRecord = { id: uniqueId('w'), name: 'Acme', securityOwnerId: owner.id, createdAt: T0 };
      await f.workspaces.insertWorkspace(ws, membership(ws.id, owner.id, 'owner'));
      return { ws, ownerId: owner.id };
    }

    it('stores a workspace with its owner, and lists it only for active members', async () => {
      const { ws, ownerId } = await workspace();
      expect(await f.workspaces.findWorkspace(ws.id)).toEqual(ws);
      expect(await f.workspaces.findMembership(ws.id, ownerId)).toEqual(membership(ws.id, ownerId, 'owner'));
      expect(await f.workspaces.listWorkspacesOf(ownerId)).toEqual([{ workspace: ws, role: 'owner' }]);
      expect(await f.workspaces.disableMembership(ws.id, ownerId, T0 + 5, 'someone')).toBe(true);
      expect(await f.workspaces.disableMembership(ws.id, ownerId, T0 + 6, 'someone')).toBe(false);
      expect(await f.workspaces.findMembership(ws.id, ownerId)).toMatchObject({
        status: 'disabled',
        disabledAt: T0 + 5,
        disabledBy: 'someone',
      });
      expect(await f.workspaces.listWorkspacesOf(ownerId)).toEqual([]);
      expect(await f.workspaces.findWorkspace(uniqueId('w'))).toBeNull();
    });

    it('spends an invitation once, even when two accepts race, and adds the membership with it', async () => {
      const { ws, ownerId } = await workspace();
      const invitee = await user();
      const inv = invitation(ws.id, ownerId, { role: 'security_admin' });
      await f.workspaces.insertInvitation(inv);
      expect(await f.workspaces.findInvitation(inv.id)).toEqual(inv);
      const results = await Promise.all([1, 2, 3].map(() => f.workspaces.acceptInvitation(inv.id, invitee.id, T0 + 10)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await f.workspaces.findInvitation(inv.id)).toMatchObject({ usedAt: T0 + 10 });
      expect(await f.workspaces.findMembership(ws.id, invitee.id)).toMatchObject({
        role: 'security_admin',
        status: 'active',
        joinedAt: T0 + 10,
      });
    });

    it('refuses an expired invitation and changes nothing', async () => {
      const { ws, ownerId } = await workspace();
      const invitee = await user();
      const inv = invitation(ws.id, ownerId, { expiresAt: T0 + 100 });
      await f.workspaces.insertInvitation(inv);
      expect(await f.workspaces.acceptInvitation(inv.id, invitee.id, T0 + 100)).toBe(false);
      expect(await f.workspaces.findMembership(ws.id, invitee.id)).toBeNull();
      expect(await f.workspaces.findInvitation(inv.id)).toMatchObject({ usedAt: null });
    });

    it('re-enables a disabled membership on a new invitation, keeping the higher role', async () => {
      const { ws, ownerId } = await workspace();
      const p = await user();
      await f.workspaces.insertInvitation({ ...invitation(ws.id, ownerId, { role: 'security_admin' }), id: 'first-invitation-00000' });
      await f.workspaces.acceptInvitation('first-invitation-00000', p.id, T0 + 1);
      await f.workspaces.disableMembership(ws.id, p.id, T0 + 2, ownerId);
      const again = invitation(ws.id, ownerId, { role: 'member' });
      await f.workspaces.insertInvitation(again);
      expect(await f.workspaces.acceptInvitation(again.id, p.id, T0 + 3)).toBe(true);
      expect(await f.workspaces.findMembership(ws.id, p.id)).toMatchObject({
        role: 'security_admin',
        status: 'active',
        disabledAt: null,
        disabledBy: null,
      });
    });

    it("counts a member's live sessions, latest activity, MFA and trusted devices only", async () => {
      const { ws, ownerId } = await workspace();
      const m = await user();
      await f.workspaces.insertInvitation({ ...invitation(ws.id, ownerId), id: uniqueId('v') });
      const inv = invitation(ws.id, ownerId);
      await f.workspaces.insertInvitation(inv);
      await f.workspaces.acceptInvitation(inv.id, m.id, T0);
      const now = T0 + 1_000;
      await f.store.insertSession(sessionRecord(m.id, { lastActiveAt: T0 + 500, deviceId: 'device-a', expiresAt: now + DAY }));
      await f.store.insertSession(sessionRecord(m.id, { lastActiveAt: T0 + 900, deviceId: 'device-b', expiresAt: now + DAY }));
      // Ended and expired sessions do not count, however recent.
      await f.store.insertSession(sessionRecord(m.id, { lastActiveAt: T0 + 950, revokedAt: T0 + 960, revokeReason: 'sign_out' }));
      await f.store.insertSession(sessionRecord(m.id, { lastActiveAt: T0 + 990, expiresAt: now }));
      await f.mfa.setDeviceTrust(m.id, 'device-a', now + DAY, { clientId: 'web', tokenId: null, secretHash: null });
      await f.mfa.setDeviceTrust(m.id, 'device-b', now, { clientId: 'web', tokenId: null, secretHash: null });
      await f.mfa.savePendingTotp(m.id, 'sealed-secret', now);
      let row = (await f.workspaces.listMembers(ws.id, now)).find((r) => r.user.id === m.id);
      expect(row).toMatchObject({
        user: { id: m.id, email: m.email },
        activeSessions: 2,
        lastActiveAt: T0 + 900,
        trustedDevices: 1,
        mfaEnabled: false,
      });
      await f.mfa.enableTotp(m.id, 1, [], now);
      row = (await f.workspaces.listMembers(ws.id, now)).find((r) => r.user.id === m.id);
      expect(row?.mfaEnabled).toBe(true);
      const owner = (await f.workspaces.listMembers(ws.id, now)).find((r) => r.user.id === ownerId);
      expect(owner).toMatchObject({ activeSessions: 0, lastActiveAt: null, trustedDevices: 0, mfaEnabled: false });
    });

    function entry(workspaceId: string, at: number, targetId: string): NewAuditEntry {
      return {
        id: uniqueId('a'),
        workspaceId,
        at,
        actorId: 'actor',
        action: 'member.invited',
        targetKind: 'invitation',
        targetId,
        ip: null,
        userAgent: null,
        requestId: null,
        details: {},
      };
    }

    it("keeps a workspace's audit retention: 365 days until changed", async () => {
      const { ws } = await workspace();
      expect(await f.workspaces.findAuditRetention(ws.id)).toBe(365);
      await f.workspaces.setAuditRetention(ws.id, 90);
      expect(await f.workspaces.findAuditRetention(ws.id)).toBe(90);
      expect(await f.workspaces.findAuditRetention(uniqueId('w'))).toBeNull();
    });

    it("purges exactly the entries older than their own workspace's retention, in batches", async () => {
      const { ws: short } = await workspace();
      const { ws: long } = await workspace();
      await f.workspaces.setAuditRetention(short.id, 30);
      await f.workspaces.setAuditRetention(long.id, 3650);
      const now = T0;
      const ages = { old1: 400 * DAY, old2: 31 * DAY, old3: 30 * DAY + 1, boundary: 30 * DAY, recent: 29 * DAY, today: 0 };
      for (const [name, age] of Object.entries(ages)) {
        await f.workspaces.appendAudit(entry(short.id, now - age, `short-${name}`));
        await f.workspaces.appendAudit(entry(long.id, now - age, `long-${name}`));
      }
      // A workspace the database does not know: no retention, so kept.
      const orphan = uniqueId('w');
      await f.workspaces.appendAudit(entry(orphan, now - 4000 * DAY, 'orphan'));

      expect(await f.workspaces.purgeExpiredAudit(now, 2)).toBe(2);
      expect(await f.workspaces.purgeExpiredAudit(now, 2)).toBe(1);
      expect(await f.workspaces.purgeExpiredAudit(now, 2)).toBe(0);
      const left = async (id: string) => (await f.workspaces.listAudit(id, null, 100)).map((e) => e.targetId);
      expect(await left(short.id)).toEqual(['short-today', 'short-recent', 'short-boundary']);
      expect(await left(long.id)).toEqual(['long-today', 'long-recent', 'long-boundary', 'long-old3', 'long-old2', 'long-old1']);
      expect(await left(orphan)).toEqual(['orphan']);
      // A day later the entry that was exactly 30 days old has passed its retention too.
      expect(await f.workspaces.purgeExpiredAudit(now + DAY, 100)).toBe(1);
      expect(await left(short.id)).toEqual(['short-today', 'short-recent']);
    });

    it('pages the audit trail newest first, in the order written, without gaps or repeats', async () => {
      const { ws, ownerId } = await workspace();
      const { ws: other } = await workspace();
      for (let i = 0; i < 7; i++)
        await f.workspaces.appendAudit({
          id: uniqueId('a'),
          workspaceId: i === 3 ? other.id : ws.id,
          // Several in one millisecond: the order written still holds.
          at: T0 + Math.floor(i / 3),
          actorId: ownerId,
          action: 'member.invited',
          targetKind: 'invitation',
          targetId: `target-${i}`,
          ip: '203.0.113.5',
          userAgent: 'curl/8',
          requestId: `req-${i}`,
          details: { n: i, ok: true, none: null, text: 'a "quoted" value' },
        });
      const all = await f.workspaces.listAudit(ws.id, null, 100);
      expect(all.map((e) => e.targetId)).toEqual(['target-6', 'target-5', 'target-4', 'target-2', 'target-1', 'target-0']);
      expect(all[0]).toMatchObject({ workspaceId: ws.id, at: T0 + 2, ip: '203.0.113.5', userAgent: 'curl/8', requestId: 'req-6' });
      expect(all[0]?.details).toEqual({ n: 6, ok: true, none: null, text: 'a "quoted" value' });
      const seen: string[] = [];
      let after = null;
      for (;;) {
        const page = await f.workspaces.listAudit(ws.id, after, 4);
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.targetId));
        after = { seq: page.at(-1)!.seq };
      }
      expect(seen).toEqual(all.map((e) => e.targetId));
    });
  });
}
