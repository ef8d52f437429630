/**
 * Incident response on real parts (in-memory SQLite, the real use cases, batches of 4): the
 * filter over a workspace's sessions, the dry run and the confirmed count, four eyes above the
 * threshold, ending sessions through Revocation (events, reason `admin`), the audit trail, and a
 * run that resumes from its recorded cursor.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessiondError } from './errors.js';
import { DEFAULT_APPROVAL_THRESHOLD, type IncidentRecord } from './incidents.js';
import type { SessionRecord } from './session.js';
import { sessionRecord } from './testing/store.contract.js';
import type { WorkspaceCaller, WorkspaceRole } from './workspaces.js';
import { PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

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
  const email = `ir-${++n}@example.com`;
  const user = await u.accounts.signUp({ email, password: PASSWORD });
  return { id: user.id, email, caller: { userId: user.id, email, ip: '198.51.100.7', userAgent: 'curl/8', requestId: `req-${n}` } };
}

async function join(owner: Person, workspaceId: string, role: WorkspaceRole): Promise<Person> {
  const p = await person();
  await u.workspaces.invite(owner.caller, workspaceId, p.email, role);
  await u.idle();
  const mail = u.mail.filter((m) => m.to === p.email).at(-1);
  const token = decodeURIComponent(/workspaces\/join\?token=([^\s&"]+)/.exec(mail!.text)![1]!);
  await u.workspaces.accept(p.caller, token);
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

/** Sessions stored directly (no sign-in): live at the test clock unless told otherwise. */
async function sessions(userId: string, count: number, overrides: Partial<SessionRecord> = {}): Promise<SessionRecord[]> {
  const now = u.clock.now();
  const list = Array.from({ length: count }, () =>
    sessionRecord(userId, { signedInAt: now - 3_600_000, lastActiveAt: now - 60_000, expiresAt: now + 86_400_000, ...overrides }),
  );
  await u.store.insertSessions(list);
  return list;
}

async function active(ids: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const found = await u.store.findSession(id);
    if (found && found.session.revokedAt === null) out.push(id);
  }
  return out;
}

async function auditActions(workspaceId: string): Promise<string[]> {
  return (await u.workspaceStore.listAudit(workspaceId, null, 500)).map((e) => e.action).reverse();
}

let owner: Person;
let admin: Person;
let member: Person;
let ws: string;

beforeEach(async () => {
  owner = await person();
  ws = (await u.workspaces.create(owner.caller, 'Acme')).id;
  admin = await join(owner, ws, 'security_admin');
  member = await join(owner, ws, 'member');
});

describe('the workspace-wide search', () => {
  it('applies each condition of the filter, CIDR ranges of both families included, to members’ live sessions only', async () => {
    const now = u.clock.now();
    const [v4] = await sessions(member.id, 1, {
      ip: '10.1.2.3',
      clientId: 'web',
      location: { city: null, region: null, country: 'FR', latitude: null, longitude: null },
    });
    const [v6] = await sessions(member.id, 1, { ip: '2001:db8::42', clientId: 'cli', authMethod: 'mfa' });
    const [old] = await sessions(admin.id, 1, { ip: '192.0.2.1', signedInAt: now - 5 * 86_400_000, lastActiveAt: now - 3_600_000 });
    const [passkey] = await sessions(owner.id, 1, { ip: '10.9.9.9', authMethod: 'passkey', deviceId: 'dev-trusted' });
    expect(await u.mfaStore.setDeviceTrust(owner.id, 'dev-trusted', now + 86_400_000)).toBe(true);
    // Not the workspace's: an outsider's, a revoked one, one past its absolute expiry, one idle past the timeout.
    const outsider = await person();
    await sessions(outsider.id, 1, { ip: '10.1.1.1' });
    await sessions(member.id, 1, { ip: '10.1.1.2', revokedAt: now - 1, revokeReason: 'sign_out' });
    await sessions(member.id, 1, { ip: '10.1.1.3', expiresAt: now - 1 });
    await sessions(member.id, 1, { ip: '10.1.1.4', lastActiveAt: now - 2 * 86_400_000 });

    const ids = async (filter: Parameters<UseCases['incidents']['dryRun']>[2]) => {
      const found = await u.incidents.search(admin.caller, ws, filter, null, 100);
      return found.sessions.map((s) => s.id).sort();
    };
    const sorted = (...list: SessionRecord[]) => list.map((s) => s.id).sort();
    expect(await ids({})).toEqual(sorted(v4!, v6!, old!, passkey!));
    expect(await ids({ ipRanges: ['10.0.0.0/8'] })).toEqual(sorted(v4!, passkey!));
    expect(await ids({ ipRanges: ['2001:db8::/32'] })).toEqual(sorted(v6!));
    expect(await ids({ ipRanges: ['10.1.0.0/16', '2001:db8::/32'] })).toEqual(sorted(v4!, v6!));
    expect(await ids({ countries: ['FR'] })).toEqual(sorted(v4!));
    expect(await ids({ clientIds: ['cli'] })).toEqual(sorted(v6!));
    // A passkey sign-in is multi-factor too.
    expect(await ids({ mfa: true })).toEqual(sorted(v6!, passkey!));
    expect(await ids({ mfa: true, signInMethods: ['passkey'] })).toEqual(sorted(passkey!));
    expect(await ids({ mfa: false, signInMethods: ['passkey', 'mfa'] })).toEqual([]);
    expect(await ids({ signedInBefore: now - 86_400_000 })).toEqual(sorted(old!));
    expect(await ids({ signedInAfter: now - 86_400_000, memberIds: [admin.id, owner.id] })).toEqual(sorted(passkey!));
    expect(await ids({ lastActiveBefore: now - 120_000 })).toEqual(sorted(old!));
    expect(await ids({ memberIds: [member.id] })).toEqual(sorted(v4!, v6!));
    expect(await ids({ memberIds: [outsider.id] })).toEqual([]);
    expect(await ids({ trusted: true })).toEqual(sorted(passkey!));
    expect(await ids({ trusted: false, ipRanges: ['10.0.0.0/8'] })).toEqual(sorted(v4!));
  });

  it('pages by cursor without gaps or repeats, the IP filter applied before the page is cut', async () => {
    const inRange = await sessions(member.id, 7, { ip: '203.0.113.5' });
    await sessions(member.id, 9, { ip: '198.51.100.5' });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await u.incidents.search(admin.caller, ws, { ipRanges: ['203.0.113.0/24'] }, after, 3);
      expect(page.sessions.length).toBeLessThanOrEqual(3);
      seen.push(...page.sessions.map((s) => s.id));
      after = page.nextCursor;
    } while (after !== null);
    expect(seen).toEqual(inRange.map((s) => s.id).sort());
  });

  it('is for admins: a member is refused, an outsider learns nothing', async () => {
    expect(await code(u.incidents.search(member.caller, ws, {}, null, 10))).toBe('forbidden');
    expect(await code(u.incidents.dryRun(member.caller, ws, {}))).toBe('forbidden');
    expect(await code(u.incidents.dryRun((await person()).caller, ws, {}))).toBe('not_found');
  });
});

describe('an incident operation', () => {
  it('below the threshold runs at once, ends exactly the dry run’s sessions through Revocation, and audits every step', async () => {
    const hit = await sessions(member.id, 6, { ip: '203.0.113.5' });
    const hitAdmin = await sessions(admin.id, 3, { ip: '203.0.113.6' });
    const spared = await sessions(member.id, 5, { ip: '198.51.100.5' });
    const filter = { ipRanges: ['203.0.113.0/24'] };
    const dry = await u.incidents.dryRun(admin.caller, ws, filter);
    expect(dry.count).toBe(9);
    expect(dry.sample).toHaveLength(9);

    const incident = await u.incidents.request(admin.caller, ws, filter, dry.count);
    expect(incident).toMatchObject({ status: 'running', matched: 9, threshold: DEFAULT_APPROVAL_THRESHOLD, decidedBy: null });
    await u.incidents.idle();

    expect(await active([...hit, ...hitAdmin].map((s) => s.id))).toEqual([]);
    expect((await active(spared.map((s) => s.id))).sort()).toEqual(spared.map((s) => s.id).sort());
    const done = await u.incidents.get(admin.caller, ws, incident.id);
    // 14 sessions in the workspace (and no others) in batches of 4: 4 batches, the last short.
    expect(done).toMatchObject({ status: 'done', revoked: 9, batches: 4 });
    const ended = await u.store.findSession(hit[0]!.id);
    expect(ended?.session.revokeReason).toBe('admin');
    await u.idle();
    const recorded = u.events.filter((e) => e.type === 'sessions_ended');
    expect(recorded.reduce((sum, e) => sum + (e.type === 'sessions_ended' ? e.count : 0), 0)).toBe(9);
    for (const e of recorded)
      expect(e).toMatchObject({ scope: 'matching', reason: 'admin', actor: { kind: 'admin', adminId: admin.id, ip: '198.51.100.7' } });
    expect(new Set(recorded.map((e) => e.userId))).toEqual(new Set([member.id, admin.id]));

    const trail = (await auditActions(ws)).filter((a) => a.startsWith('incident.'));
    expect(trail).toEqual(['incident.requested', 'incident.started', ...Array(4).fill('incident.progress'), 'incident.finished']);
    const progress = (await u.workspaceStore.listAudit(ws, null, 100)).filter((e) => e.action === 'incident.progress').reverse();
    expect(progress.map((e) => e.details.total)).toEqual(
      progress.map((_, i) => progress.slice(0, i + 1).reduce((t, e) => t + Number(e.details.revoked), 0)),
    );
    expect(progress.at(-1)?.details.total).toBe(9);
  });

  it('refuses a confirmation that no longer names the count, and creates nothing', async () => {
    await sessions(member.id, 3, { ip: '203.0.113.5' });
    const filter = { ipRanges: ['203.0.113.0/24'] };
    const { count } = await u.incidents.dryRun(admin.caller, ws, filter);
    await sessions(member.id, 1, { ip: '203.0.113.9' });
    expect(await code(u.incidents.request(admin.caller, ws, filter, count))).toBe('count_mismatch');
    expect(await u.incidents.list(admin.caller, ws, 10)).toEqual([]);
    expect(await code(u.incidents.request(admin.caller, ws, filter, count + 1))).toBe('ok');
  });

  describe('above the threshold (four eyes)', () => {
    let incident: IncidentRecord;
    let hit: SessionRecord[];
    beforeEach(async () => {
      await u.incidents.setThreshold(owner.caller, ws, 2);
      hit = await sessions(member.id, 3, { ip: '10.0.0.1' });
      incident = await u.incidents.request(admin.caller, ws, { ipRanges: ['10.0.0.0/8'] }, 3);
    });

    it('waits; the requester can never approve it, a plain member cannot, a second admin can, once', async () => {
      expect(incident).toMatchObject({ status: 'pending_approval', threshold: 2, startedAt: null });
      await u.incidents.idle();
      expect(await active(hit.map((s) => s.id))).toHaveLength(3);
      expect(await code(u.incidents.approve(admin.caller, ws, incident.id))).toBe('forbidden');
      expect(await code(u.incidents.approve(member.caller, ws, incident.id))).toBe('forbidden');
      const approved = await u.incidents.approve(owner.caller, ws, incident.id);
      expect(approved).toMatchObject({ status: 'running', decidedBy: owner.id });
      expect(await code(u.incidents.approve(owner.caller, ws, incident.id))).toBe('not_pending');
      expect(await code(u.incidents.refuse(owner.caller, ws, incident.id))).toBe('not_pending');
      await u.incidents.idle();
      expect(await active(hit.map((s) => s.id))).toEqual([]);
      expect(await u.incidents.get(owner.caller, ws, incident.id)).toMatchObject({ status: 'done', revoked: 3, decidedBy: owner.id });
      const entries = await u.workspaceStore.listAudit(ws, null, 100);
      expect(entries.find((e) => e.action === 'incident.approved')).toMatchObject({ actorId: owner.id, targetId: incident.id });
      expect((await auditActions(ws)).filter((a) => a.startsWith('incident.'))).toEqual([
        'incident.threshold_changed',
        'incident.requested',
        'incident.approved',
        'incident.started',
        'incident.progress',
        'incident.finished',
      ]);
    });

    it('can be refused, and then never runs', async () => {
      expect(await u.incidents.refuse(owner.caller, ws, incident.id)).toMatchObject({ status: 'refused', decidedBy: owner.id });
      expect(await code(u.incidents.approve(owner.caller, ws, incident.id))).toBe('not_pending');
      await u.incidents.resume(admin.caller, ws, incident.id);
      await u.incidents.idle();
      expect(await active(hit.map((s) => s.id))).toHaveLength(3);
      expect((await auditActions(ws)).filter((a) => a.startsWith('incident.'))).toEqual([
        'incident.threshold_changed',
        'incident.requested',
        'incident.refused',
      ]);
    });
  });

  it('has a per-workspace threshold, 100 by default, that only owners change', async () => {
    expect(await u.incidents.threshold(admin.caller, ws)).toBe(DEFAULT_APPROVAL_THRESHOLD);
    expect(await code(u.incidents.setThreshold(admin.caller, ws, 5))).toBe('forbidden');
    expect(await code(u.incidents.setThreshold(owner.caller, ws, -1))).toBe('invalid_request');
    await u.incidents.setThreshold(owner.caller, ws, 0);
    expect(await u.incidents.threshold(admin.caller, ws)).toBe(0);
    await sessions(member.id, 1);
    // Above 0: even one session needs a second admin.
    expect((await u.incidents.request(admin.caller, ws, { memberIds: [member.id] }, 1)).status).toBe('pending_approval');
    // Nothing matching is never above it.
    expect((await u.incidents.request(admin.caller, ws, { countries: ['ZZ'] }, 0)).status).toBe('running');
  });

  it('resumes from its recorded cursor after a crash: committed batches stay, the rest is finished, nothing before the cursor is scanned again', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `resume-session-${String(i).padStart(2, '0')}`.padEnd(22, 'x'));
    const now = u.clock.now();
    await u.store.insertSessions(
      ids.map((id) =>
        sessionRecord(member.id, { id, ip: '203.0.113.1', signedInAt: now - 1000, lastActiveAt: now - 1000, expiresAt: now + 86_400_000 }),
      ),
    );
    const filter = { ipRanges: ['203.0.113.0/24'] };
    const incident: IncidentRecord = {
      ...(await u.incidents.request(admin.caller, ws, { countries: ['ZZ'] }, 0)),
      id: 'crashed-incident-000001',
      filter,
      matched: 10,
      status: 'running',
    };
    await u.incidents.idle();
    await u.incidentStore.insertIncident(incident);
    // What a process killed after its first batch leaves: that batch and its progress, committed together.
    const firstBatch = ids.slice(0, 4).map((id) => ({ id, userId: member.id }));
    await u.revocation.endListed(firstBatch, { kind: 'admin', adminId: admin.id, ip: null }, 'admin', {
      incidentId: incident.id,
      batchesBefore: 0,
      cursor: ids[3]!,
      audit: {
        id: 'progress-entry-00000001',
        workspaceId: ws,
        at: now,
        actorId: admin.id,
        action: 'incident.progress',
        targetKind: 'incident',
        targetId: incident.id,
        ip: null,
        userAgent: null,
        requestId: null,
        details: { batch: 1 },
      },
    });
    expect(await u.incidents.get(admin.caller, ws, incident.id)).toMatchObject({ revoked: 4, batches: 1, cursor: ids[3] });
    // A session before the cursor that signed in after the crash: a resumed run does not go back for it.
    const [early] = await sessions(member.id, 1, { id: 'resume-session-00-late'.padEnd(22, 'x'), ip: '203.0.113.2' });

    expect(await u.incidents.resumeAll()).toBe(1);
    await u.incidents.idle();
    expect(await active(ids)).toEqual([]);
    expect(await active([early!.id])).toEqual([early!.id]);
    expect(await u.incidents.get(admin.caller, ws, incident.id)).toMatchObject({ status: 'done', revoked: 10, cursor: expect.any(String) });
    expect(await u.incidents.resumeAll()).toBe(0);
  });

  it('run by two processes at once (two nodes resumed it): each batch commits once, one finishes', async () => {
    const hit = await sessions(member.id, 10, { ip: '203.0.113.1' });
    const incident: IncidentRecord = {
      ...(await u.incidents.request(admin.caller, ws, { countries: ['ZZ'] }, 0)),
      id: 'twice-run-incident-0001',
      filter: { ipRanges: ['203.0.113.0/24'] },
      matched: 10,
      status: 'running',
    };
    await u.incidents.idle();
    await u.incidentStore.insertIncident(incident);
    const [a, b] = await Promise.all([u.incidents.run(incident), u.incidents.run(incident)]);
    expect([a.status, b.status].sort()).toEqual(['done', 'running']);
    expect(await active(hit.map((s) => s.id))).toEqual([]);
    const recorded = await u.incidents.get(admin.caller, ws, incident.id);
    expect(recorded).toMatchObject({ status: 'done', revoked: 10 });
    const entries = (await u.workspaceStore.listAudit(ws, null, 100)).filter((e) => e.targetId === incident.id);
    expect(entries.filter((e) => e.action === 'incident.finished')).toHaveLength(1);
    expect(entries.filter((e) => e.action === 'incident.progress')).toHaveLength(recorded.batches);
    expect(
      entries
        .filter((e) => e.action === 'incident.progress')
        .map((e) => e.details.batch)
        .sort(),
    ).toEqual(Array.from({ length: recorded.batches }, (_, i) => i + 1).sort());
  });
});
