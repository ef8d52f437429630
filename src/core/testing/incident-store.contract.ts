/**
 * The IncidentStore port's contract, and the session store's listed revocation it relies on, as
 * one suite every adapter runs (`test/integration/incident-store.test.ts`: SQLite and
 * PostgreSQL). Each case names a promise core/incidents.ts relies on: the search sees only the
 * live sessions of active members and pages by id; a batch's sessions, progress and audit entry
 * commit together or not at all; of two racing decisions one wins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../incidents.js';
import type { IncidentStore } from '../ports/incident-store.js';
import type { MfaStore } from '../ports/mfa-store.js';
import type { BatchProgress, Store } from '../ports/store.js';
import type { WorkspaceStore } from '../ports/workspace-store.js';
import type { SessionRecord } from '../session.js';
import type { WorkspaceRole } from '../workspaces.js';
import { sessionRecord, userRecord } from './store.contract.js';

export interface IncidentStoreFixture {
  incidents: IncidentStore;
  workspaces: WorkspaceStore;
  store: Store;
  mfa: MfaStore;
  dispose(): Promise<void>;
}

const NOW = Date.parse('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;

let counter = 0;
function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 10)}`.padEnd(22, 'x').slice(0, 22);
}

export function runIncidentStoreContract(name: string, make: () => Promise<IncidentStoreFixture>): void {
  describe(`IncidentStore contract: ${name}`, () => {
    let f: IncidentStoreFixture;
    beforeAll(async () => {
      f = await make();
    });
    afterAll(async () => f?.dispose());

    async function user() {
      const u = userRecord();
      await f.store.insertUser(u);
      return u.id;
    }

    async function workspace(): Promise<{ ws: string; owner: string; join(role?: WorkspaceRole): Promise<string> }> {
      const owner = await user();
      const ws = uniqueId('w');
      await f.workspaces.insertWorkspace(
        { id: ws, name: 'Acme', securityOwnerId: owner, createdAt: NOW },
        { workspaceId: ws, userId: owner, role: 'owner', status: 'active', joinedAt: NOW, disabledAt: null, disabledBy: null },
      );
      return {
        ws,
        owner,
        async join(role = 'member') {
          const id = await user();
          const inv = uniqueId('v');
          await f.workspaces.insertInvitation({
            id: inv,
            workspaceId: ws,
            email: `${inv}@example.com`,
            emailKey: `${inv}@example.com`,
            role,
            secretHash: 'h',
            invitedBy: owner,
            createdAt: NOW,
            expiresAt: NOW + HOUR,
            usedAt: null,
          });
          expect(await f.workspaces.acceptInvitation(inv, id, NOW)).toBe(true);
          return id;
        },
      };
    }

    const live = (userId: string, overrides: Partial<SessionRecord> = {}) =>
      sessionRecord(userId, { signedInAt: NOW - HOUR, lastActiveAt: NOW - 60_000, expiresAt: NOW + 24 * HOUR, ...overrides });

    function incident(workspaceId: string, requestedBy: string, overrides: Partial<IncidentRecord> = {}): IncidentRecord {
      return {
        id: uniqueId('i'),
        workspaceId,
        filter: { ipRanges: ['10.0.0.0/8'], countries: ['GB'] },
        matched: 3,
        threshold: 100,
        status: 'running',
        requestedBy,
        requestedIp: '198.51.100.7',
        createdAt: NOW,
        decidedBy: null,
        decidedAt: null,
        startedAt: NOW,
        finishedAt: null,
        revoked: 0,
        batches: 0,
        cursor: null,
        ...overrides,
      };
    }

    function progress(workspaceId: string, incidentId: string, cursor: string, batchesBefore = 0): BatchProgress {
      return {
        incidentId,
        batchesBefore,
        cursor,
        audit: {
          id: uniqueId('a'),
          workspaceId,
          at: NOW,
          actorId: 'someone',
          action: 'incident.progress',
          targetKind: 'incident',
          targetId: incidentId,
          ip: null,
          userAgent: null,
          requestId: null,
          details: { batch: 1 },
        },
      };
    }

    it('searches the live sessions of active members only, with each SQL condition, by id', async () => {
      const w = await workspace();
      const m = await w.join();
      const gone = await w.join();
      const outsider = await user();
      const web = live(m, { clientId: 'web', authMethod: 'mfa', deviceId: 'trusted-device' });
      const cli = live(m, {
        clientId: 'cli',
        signedInAt: NOW - 5 * HOUR,
        lastActiveAt: NOW - 4 * HOUR,
        location: { city: null, region: null, country: 'FR', latitude: null, longitude: null },
      });
      const owners = live(w.owner, { authMethod: 'passkey' });
      await f.store.insertSessions([
        web,
        cli,
        owners,
        live(gone),
        live(outsider),
        live(m, { revokedAt: NOW - 1, revokeReason: 'sign_out' }),
        live(m, { expiresAt: NOW }),
      ]);
      expect(await f.mfa.setDeviceTrust(m, 'trusted-device', NOW + HOUR)).toBe(true);
      await f.workspaces.disableMembership(w.ws, gone, NOW, w.owner);

      const ids = async (filter: Parameters<IncidentStore['searchSessions']>[1]) =>
        (await f.incidents.searchSessions(w.ws, filter, NOW, null, 100)).map((s) => s.id);
      const sorted = (...list: SessionRecord[]) => list.map((s) => s.id).sort();
      expect(await ids({})).toEqual(sorted(web, cli, owners));
      expect(await ids({ memberIds: [m] })).toEqual(sorted(web, cli));
      expect(await ids({ memberIds: [] })).toEqual([]);
      expect(await ids({ clientIds: ['cli'] })).toEqual(sorted(cli));
      expect(await ids({ countries: ['FR'] })).toEqual(sorted(cli));
      // A passkey sign-in is multi-factor (the device and its user verification).
      expect(await ids({ mfa: true })).toEqual(sorted(web, owners));
      expect(await ids({ mfa: false })).toEqual(sorted(cli));
      expect(await ids({ signInMethods: ['passkey', 'mfa'] })).toEqual(sorted(web, owners));
      expect(await ids({ trusted: true })).toEqual(sorted(web));
      expect(await ids({ trusted: false })).toEqual(sorted(cli, owners));
      expect(await ids({ signedInBefore: NOW - 2 * HOUR })).toEqual(sorted(cli));
      expect(await ids({ signedInAfter: NOW - HOUR })).toEqual(sorted(web, owners));
      expect(await ids({ lastActiveBefore: NOW - HOUR })).toEqual(sorted(cli));
      const found = await f.incidents.searchSessions(w.ws, { trusted: true }, NOW, null, 10);
      expect(found[0]).toMatchObject({ deviceTrustedUntil: NOW + HOUR, clientId: 'web', userId: m });

      // Pages by id: strictly after the cursor, at most `limit`.
      const all = sorted(web, cli, owners);
      const first = await f.incidents.searchSessions(w.ws, {}, NOW, null, 2);
      expect(first.map((s) => s.id)).toEqual(all.slice(0, 2));
      const rest = await f.incidents.searchSessions(w.ws, {}, NOW, first[1]!.id, 2);
      expect(rest.map((s) => s.id)).toEqual(all.slice(2));
    });

    it('ends a listed batch and records its progress and audit entry in the same transaction', async () => {
      const w = await workspace();
      const m = await w.join();
      const other = await w.join();
      const batch = [live(m), live(m), live(other)];
      const already = live(m, { revokedAt: NOW - 1, revokeReason: 'sign_out' });
      await f.store.insertSessions([...batch, already]);
      const op = incident(w.ws, w.owner);
      await f.incidents.insertIncident(op);

      const listed = [...batch, already].map((s) => ({ id: s.id, userId: s.userId }));
      const ended = await f.store.revokeListedSessions(listed, 'admin', NOW, progress(w.ws, op.id, 'cursor-1'));
      expect(ended?.map((s) => s.id).sort()).toEqual(batch.map((s) => s.id).sort());
      expect(await f.incidents.findIncident(w.ws, op.id)).toMatchObject({ revoked: 3, batches: 1, cursor: 'cursor-1' });
      const [entry] = await f.workspaces.listAudit(w.ws, null, 1);
      expect(entry).toMatchObject({ action: 'incident.progress', targetId: op.id, details: { batch: 1, revoked: 3, total: 3 } });
      for (const s of batch) expect((await f.store.findSession(s.id))?.session).toMatchObject({ revokedAt: NOW, revokeReason: 'admin' });

      // Again: nothing left to end, the progress still moves (the cursor), the total stays.
      expect(await f.store.revokeListedSessions(listed, 'admin', NOW, progress(w.ws, op.id, 'cursor-2', 1))).toEqual([]);
      expect(await f.incidents.findIncident(w.ws, op.id)).toMatchObject({ revoked: 3, batches: 2, cursor: 'cursor-2' });
      // A listed id with another user's id ends nothing.
      const foreign = live(m);
      await f.store.insertSessions([foreign]);
      expect(await f.store.revokeListedSessions([{ id: foreign.id, userId: 'not-the-owner' }], 'admin', NOW, null)).toEqual([]);
    });

    it('commits no part of a batch whose progress cannot be recorded: another process recorded it first, or no such operation', async () => {
      const w = await workspace();
      const m = await w.join();
      const batch = [live(m), live(m)];
      await f.store.insertSessions(batch);
      const op = incident(w.ws, w.owner, { batches: 3, revoked: 7 });
      await f.incidents.insertIncident(op);
      const listed = batch.map((s) => ({ id: s.id, userId: s.userId }));
      // Stale: this run read the operation at 2 batches; it has 3.
      expect(await f.store.revokeListedSessions(listed, 'admin', NOW, progress(w.ws, op.id, 'c', 2))).toBeNull();
      expect(await f.store.revokeListedSessions(listed, 'admin', NOW, progress(w.ws, 'no-such-incident-00000', 'c'))).toBeNull();
      for (const s of batch) expect((await f.store.findSession(s.id))?.session.revokedAt).toBeNull();
      expect(await f.incidents.findIncident(w.ws, op.id)).toMatchObject({ batches: 3, revoked: 7, cursor: null });
      expect(await f.workspaces.listAudit(w.ws, null, 10)).toEqual([]);
      // Of two racing batches from the same count, one commits.
      const raced = await Promise.all([1, 2].map(() => f.store.revokeListedSessions(listed, 'admin', NOW, progress(w.ws, op.id, 'c', 3))));
      expect(raced.filter((r) => r !== null)).toHaveLength(1);
      expect(await f.incidents.findIncident(w.ws, op.id)).toMatchObject({ batches: 4, revoked: 9 });
    });

    it('finishes a running operation once, with its audit entry', async () => {
      const w = await workspace();
      const op = incident(w.ws, w.owner);
      await f.incidents.insertIncident(op);
      const entry = { ...progress(w.ws, op.id, 'c').audit, action: 'incident.finished' as const };
      const results = await Promise.all([1, 2].map((i) => f.incidents.finishIncident(op.id, NOW + 9, { ...entry, id: uniqueId(`f${i}`) })));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await f.incidents.findIncident(w.ws, op.id)).toMatchObject({ status: 'done', finishedAt: NOW + 9 });
      expect((await f.workspaces.listAudit(w.ws, null, 10)).map((e) => e.action)).toEqual(['incident.finished']);
    });

    it('stores operations, lets one of two racing decisions win, and lists those left running', async () => {
      const w = await workspace();
      const pending = incident(w.ws, w.owner, { status: 'pending_approval', startedAt: null, matched: 500 });
      await f.incidents.insertIncident(pending);
      expect(await f.incidents.findIncident(w.ws, pending.id)).toEqual(pending);
      expect(await f.incidents.findIncident(uniqueId('w'), pending.id)).toBeNull();
      const results = await Promise.all(
        ['a', 'b', 'c'].map((by) => f.incidents.transitionIncident(pending.id, 'pending_approval', 'running', by, NOW + 5)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const decided = await f.incidents.findIncident(w.ws, pending.id);
      expect(decided).toMatchObject({ status: 'running', decidedAt: NOW + 5, startedAt: NOW + 5 });
      expect(await f.incidents.transitionIncident(pending.id, 'pending_approval', 'refused', 'd', NOW + 6)).toBe(false);
      expect((await f.incidents.listRunningIncidents()).map((i) => i.id)).toContain(pending.id);
      expect(await f.incidents.transitionIncident(pending.id, 'running', 'done', null, NOW + 7)).toBe(true);
      expect(await f.incidents.findIncident(w.ws, pending.id)).toMatchObject({
        status: 'done',
        finishedAt: NOW + 7,
        decidedBy: decided!.decidedBy,
      });
      expect((await f.incidents.listRunningIncidents()).map((i) => i.id)).not.toContain(pending.id);

      const later = incident(w.ws, w.owner, { createdAt: NOW + 10 });
      await f.incidents.insertIncident(later);
      expect((await f.incidents.listIncidents(w.ws, 10)).map((i) => i.id)).toEqual([later.id, pending.id]);
      expect((await f.incidents.listIncidents(w.ws, 1)).map((i) => i.id)).toEqual([later.id]);
    });

    it("keeps each workspace's approval threshold", async () => {
      const a = await workspace();
      const b = await workspace();
      expect(await f.incidents.findApprovalThreshold(a.ws)).toBeNull();
      await f.incidents.setApprovalThreshold(a.ws, 5);
      await f.incidents.setApprovalThreshold(a.ws, 7);
      expect(await f.incidents.findApprovalThreshold(a.ws)).toBe(7);
      expect(await f.incidents.findApprovalThreshold(b.ws)).toBeNull();
    });

    it('inserts sessions in bulk, past one statement, with their devices as seen', async () => {
      const w = await workspace();
      const m = await w.join();
      const many = Array.from({ length: 1_203 }, (_, i) => live(m, { deviceId: `device-${i % 3}`, signedInAt: NOW - HOUR + i }));
      await f.store.insertSessions(many);
      let seen = 0;
      let after: string | null = null;
      for (;;) {
        const page = await f.incidents.searchSessions(w.ws, { memberIds: [m] }, NOW, after, 500);
        seen += page.length;
        if (page.length < 500) break;
        after = page.at(-1)!.id;
      }
      expect(seen).toBe(1_203);
      expect(await f.mfa.setDeviceTrust(m, 'device-2', NOW + HOUR)).toBe(true);
      expect(await f.mfa.setDeviceTrust(m, 'device-3', NOW + HOUR)).toBe(false);
    });
  });
}
