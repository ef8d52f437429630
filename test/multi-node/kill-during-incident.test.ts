/**
 * kill -9 of `sessiond serve` in the middle of an incident operation on PostgreSQL and MySQL: 20,000
 * sessions of 100 members match (and 2,000 others of theirs do not), the operation is approved by
 * a second admin, and the node is SIGKILLed once a few batches have committed. At that moment the
 * database holds exactly the sessions the recorded progress says (no batch half applied), and a
 * new node resumes on start and finishes: every matching session ended, the dry run's count the
 * final count, the others untouched, one audit entry per committed batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import type { Db } from '../../src/adapters/kysely/database.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { kyselyWorkspaceStore } from '../../src/adapters/kysely/kysely-workspace-store.js';
import type { Store } from '../../src/core/ports/store.js';
import type { WorkspaceStore } from '../../src/core/ports/workspace-store.js';
import { sessionRecord, userRecord } from '../../src/core/testing/store.contract.js';
import type { WorkspaceRole } from '../../src/core/workspaces.js';
import { freshDatabase, REDIS_URL, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';
import { call, client, signIn, signUp, SPAWN_HOOK_TIMEOUT_MS, startNode, stopAll } from './cluster.js';

const MEMBERS = 100;
const MATCHING_PER_MEMBER = 200;
const OTHERS_PER_MEMBER = 20;
const MATCHING = MEMBERS * MATCHING_PER_MEMBER;
const RANGE = '203.0.113.0/24';
/** Kill after this many committed batches (of 500; 40 in all). */
const KILL_AFTER_BATCHES = 5;

const progressLine = (batches: number) => new RegExp(`"event":"incident_progress".*"batches":${batches}[,}]`);

describe.each(SHARED_ENGINES)('kill -9 of a node during an incident operation (%s)', (engine) => {
  let database: TestDatabase;
  let db: Db;
  let store: Store;
  let workspaces: WorkspaceStore;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    ({ db } = connect(database.url));
    await migrateToLatest(db);
    store = kyselyStore(db);
    workspaces = kyselyWorkspaceStore(db);
  });
  afterAll(async () => {
    await stopAll();
    await store?.close();
    await database?.drop();
  });

  // MySQL's nodes carry revocations on Redis, their only bus.
  const node = (name: string) =>
    startNode({ db: database.url, name, extra: ['--log-level', 'info'], ...(engine === 'mysql' ? { redis: REDIS_URL } : {}) });

  /** A membership straight through the store: an invitation spent at once. */
  async function addMember(workspaceId: string, userId: string, role: WorkspaceRole, by: string) {
    const id = `inv-${userId}`.slice(0, 22).padEnd(22, 'x');
    const now = Date.now();
    await workspaces.insertInvitation({
      id,
      workspaceId,
      email: `${id}@example.com`,
      emailKey: `${id}@example.com`,
      role,
      secretHash: 'h',
      invitedBy: by,
      createdAt: now,
      expiresAt: now + 60_000,
      usedAt: null,
    });
    expect(await workspaces.acceptInvitation(id, userId, now)).toBe(true);
  }

  async function scalar(query: string, ...values: unknown[]): Promise<number> {
    const { sql } = await import('kysely');
    const parts = query.split('?');
    const statement = sql.join(
      parts.flatMap((p, i) => (i < values.length ? [sql.raw(p), sql`${values[i]}`] : [sql.raw(p)])),
      sql.raw(''),
    );
    const { rows } = await statement.execute(db);
    return Number(Object.values(rows[0] as Record<string, unknown>)[0]);
  }

  it(`ends all ${MATCHING} matching sessions across a SIGKILL, never half a batch`, { timeout: SPAWN_HOOK_TIMEOUT_MS }, async () => {
    const first = await node('first');
    const ownerWho = client();
    const adminWho = client();
    await signUp(first, ownerWho);
    const adminId = await signUp(first, adminWho);
    const owner = await signIn(first, ownerWho);
    const admin = await signIn(first, adminWho);
    const created = await call(first, 'POST', '/v1/admin/workspaces', { token: owner.token, ip: ownerWho.ip, body: { name: 'Acme' } });
    expect(created.status).toBe(201);
    const ws = created.body.workspace.id as string;
    const ownerId = created.body.workspace.security_owner_id as string;
    await addMember(ws, adminId, 'security_admin', ownerId);

    // The members and their sessions, in bulk through the store.
    const seeded = performance.now();
    const now = Date.now();
    const live = { signedInAt: now - 3_600_000, lastActiveAt: now - 60_000, expiresAt: now + 7 * 86_400_000 };
    for (let m = 0; m < MEMBERS; m++) {
      const user = userRecord();
      await store.insertUser(user);
      await addMember(ws, user.id, 'member', ownerId);
      await store.insertSessions([
        ...Array.from({ length: MATCHING_PER_MEMBER }, (_, i) => sessionRecord(user.id, { ...live, ip: `203.0.113.${i % 250}` })),
        ...Array.from({ length: OTHERS_PER_MEMBER }, (_, i) => sessionRecord(user.id, { ...live, ip: `198.51.100.${i}` })),
      ]);
    }
    const seedMs = performance.now() - seeded;

    const filter = { ip: [RANGE] };
    const dry = await call(first, 'POST', `/v1/admin/workspaces/${ws}/incidents/dry-run`, {
      token: admin.token,
      ip: adminWho.ip,
      body: { filter },
      timeoutMs: 60_000,
    });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.count).toBe(MATCHING);
    const requested = await call(first, 'POST', `/v1/admin/workspaces/${ws}/incidents`, {
      token: admin.token,
      ip: adminWho.ip,
      body: { filter, confirm_count: dry.body.count },
      timeoutMs: 60_000,
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(202);
    expect(requested.body.incident.status).toBe('pending_approval');
    const id = requested.body.incident.id as string;

    const killPoint = first.waitFor(progressLine(KILL_AFTER_BATCHES), { deadlineMs: 120_000 });
    const approvedAt = performance.now();
    const approved = await call(first, 'POST', `/v1/admin/workspaces/${ws}/incidents/${id}/approve`, {
      token: owner.token,
      ip: ownerWho.ip,
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await killPoint;
    await first.kill();
    const firstRunMs = performance.now() - approvedAt;

    // What the killed node left: exactly the batches it recorded, each whole.
    const recorded = async () => {
      const row = await db.selectFrom('incident_operations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const ended = await scalar(`select count(*) from sessions where revoke_reason = 'admin' and ip like '203.0.113.%'`);
      const entries = await scalar(`select count(*) from audit_log where action = 'incident.progress' and target_id = ?`, id);
      return { row, ended, entries };
    };
    const afterKill = await recorded();
    expect(afterKill.row.status).toBe('running');
    expect(afterKill.row.batches).toBeGreaterThanOrEqual(KILL_AFTER_BATCHES);
    expect(afterKill.row.revoked).toBeLessThan(MATCHING);
    expect(afterKill.ended).toBe(Number(afterKill.row.revoked));
    expect(afterKill.entries).toBe(Number(afterKill.row.batches));
    // A statement the backend was running when the client died may still commit: look again.
    const again = await recorded();
    expect(again.ended).toBe(Number(again.row.revoked));

    // A new node resumes it on start.
    const resumedAt = performance.now();
    const second = await node('second');
    // The server's own clock: from its resuming the operation (just after it listens) to its finishing it.
    const resumedLine = await second.waitFor(/"time":(\d+).*"event":"incidents_resumed"/, { printed: true });
    const finishedLine = await second.waitFor(/"time":(\d+).*"event":"incident_finished"/, { deadlineMs: 120_000, printed: true });
    const secondRunMs = performance.now() - resumedAt;
    const resumeToFinishMs = Number(finishedLine[1]) - Number(resumedLine[1]);

    const done = await call(second, 'GET', `/v1/admin/workspaces/${ws}/incidents/${id}`, { token: owner.token, ip: ownerWho.ip });
    expect(done.body.incident).toMatchObject({ status: 'done', revoked: MATCHING, matched: MATCHING });
    const final = await recorded();
    expect(final.ended).toBe(MATCHING);
    expect(final.ended).toBe(dry.body.count);
    expect(final.entries).toBe(Number(final.row.batches));
    expect(await scalar(`select count(*) from sessions where revoked_at is null and ip like '198.51.100.%'`)).toBe(
      MEMBERS * OTHERS_PER_MEMBER,
    );
    const again0 = await call(second, 'POST', `/v1/admin/workspaces/${ws}/incidents/dry-run`, {
      token: admin.token,
      ip: adminWho.ip,
      body: { filter },
    });
    expect(again0.body.count).toBe(0);
    // The admins' own sessions were not in the range.
    expect((await call(second, 'GET', '/v1/me/session', { token: admin.token, ip: adminWho.ip })).status).toBe(200);

    console.info(
      `incident of ${MATCHING} sessions (PostgreSQL): seeded ${MEMBERS * (MATCHING_PER_MEMBER + OTHERS_PER_MEMBER)} sessions in ${seedMs.toFixed(0)} ms; ` +
        `first node ended ${afterKill.row.revoked} in ${afterKill.row.batches} batches within ${firstRunMs.toFixed(0)} ms of approval, then SIGKILL; ` +
        `second node started, resumed and ended the other ${MATCHING - Number(afterKill.row.revoked)} within ${secondRunMs.toFixed(0)} ms ` +
        `of its spawn (${resumeToFinishMs} ms from resuming to finishing) ` +
        `(${final.row.batches} batches in all)`,
    );
  });
});
