/**
 * The TelemetryStore contract on every engine, through the production adapter and migrations:
 * buckets summed across nodes, read per step, rolled from minutes into hours exactly once, purged
 * after the retention, and the security timeline's alerts and answers per scope.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import type { Db } from '../../src/adapters/kysely/database.js';
import { kyselyTelemetryStore } from '../../src/adapters/kysely/kysely-telemetry-store.js';
import { HOUR_MS, MINUTE_MS, type TelemetryStore } from '../../src/core/ports/telemetry-store.js';
import { ENGINES, freshDatabase, type TestDatabase } from '../support/databases.js';

/** A Monday, 00:00 UTC: every hour and 15-minute boundary lines up. */
const T0 = Date.UTC(2026, 10, 2);
const QUARTER = 15 * MINUTE_MS;

describe.each(ENGINES)('telemetry store (%s)', (engine) => {
  let database: TestDatabase | undefined;
  const dbs: Db[] = [];
  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.destroy();
    await database?.drop();
  });

  /** Two stores on one database: two nodes. */
  async function open(): Promise<{ db: Db; node1: TelemetryStore; node2: TelemetryStore }> {
    database = await freshDatabase(engine);
    const a = connect(database.url).db;
    dbs.push(a);
    await migrateToLatest(a);
    // SQLite in memory is one process's: both nodes share its connection.
    const b = engine === 'sqlite' ? a : connect(database.url).db;
    if (b !== a) dbs.push(b);
    return { db: a, node1: kyselyTelemetryStore(a), node2: kyselyTelemetryStore(b) };
  }

  it('sums what every node adds to a bucket, per label, and reads the sums per step', async () => {
    const { node1, node2 } = await open();
    await node1.add(T0, [
      { scope: '', series: 'sign_ins', label: 'outcome=success', value: 3 },
      { scope: '', series: 'sign_ins', label: 'outcome=success', value: 1 },
      { scope: '', series: 'sign_ins', label: 'outcome=invalid_credentials', value: 2 },
      { scope: 'ws1', series: 'sign_ins', label: 'outcome=success', value: 7 },
    ]);
    await node2.add(T0, [{ scope: '', series: 'sign_ins', label: 'outcome=success', value: 5 }]);
    await node2.add(T0 + 14 * MINUTE_MS, [{ scope: '', series: 'sign_ins', label: 'outcome=success', value: 0.5 }]);
    await node1.add(T0 + QUARTER, [{ scope: '', series: 'sign_ins', label: 'outcome=success', value: 10 }]);
    await node1.add(T0 + 2 * QUARTER, [{ scope: '', series: 'other', label: '', value: 99 }]);

    const rows = await node1.read({ scope: '', series: ['sign_ins'], from: T0, to: T0 + HOUR_MS, stepMs: QUARTER });
    const key = (r: { at: number; label: string }) => `${(r.at - T0) / MINUTE_MS} ${r.label}`;
    expect(Object.fromEntries(rows.map((r) => [key(r), r.value]))).toEqual({
      '0 outcome=success': 9.5,
      '0 outcome=invalid_credentials': 2,
      '15 outcome=success': 10,
    });
    expect(rows.every((r) => r.widthMs === QUARTER && r.series === 'sign_ins')).toBe(true);
    // The workspace's scope holds its own.
    const ws = await node2.read({ scope: 'ws1', series: ['sign_ins', 'other'], from: T0, to: T0 + HOUR_MS, stepMs: HOUR_MS });
    expect(ws.map((r) => [r.at, r.label, r.value])).toEqual([[T0, 'outcome=success', 7]]);
    // [from, to): the bucket at `to` is not in it.
    expect(await node1.read({ scope: '', series: ['sign_ins'], from: T0 - HOUR_MS, to: T0, stepMs: QUARTER })).toEqual([]);
  });

  it('rolls minutes into hours once, even with two nodes rolling at the same time; reads span both', async () => {
    const { db, node1, node2 } = await open();
    for (let m = 0; m < 120; m += 10)
      await (m % 20 ? node1 : node2).add(T0 + m * MINUTE_MS, [{ scope: '', series: 'revocations', label: 'actor=user', value: 1 }]);
    await node1.add(T0 + 3 * HOUR_MS, [{ scope: '', series: 'revocations', label: 'actor=user', value: 4 }]);

    const rolled = await Promise.all([node1.rollUp(T0 + 2 * HOUR_MS), node2.rollUp(T0 + 2 * HOUR_MS)]);
    expect(rolled[0] + rolled[1]).toBe(12);
    expect(await node1.rollUp(T0 + 2 * HOUR_MS)).toBe(0);
    const hours = await db.selectFrom('telemetry_hours').select(['hour', 'value']).orderBy('hour').execute();
    expect(hours.map((h) => [Number(h.hour) - T0, Number(h.value)])).toEqual([
      [0, 6],
      [HOUR_MS, 6],
    ]);
    const minutes = await db.selectFrom('telemetry_minutes').select('minute').execute();
    expect(minutes.map((m) => Number(m.minute))).toEqual([T0 + 3 * HOUR_MS]);

    // Per hour: hours and minutes alike.
    const hourly = await node2.read({ scope: '', series: ['revocations'], from: T0, to: T0 + 4 * HOUR_MS, stepMs: HOUR_MS });
    expect(hourly.map((r) => [(r.at - T0) / HOUR_MS, r.widthMs, r.value])).toEqual([
      [0, HOUR_MS, 6],
      [1, HOUR_MS, 6],
      [3, HOUR_MS, 4],
    ]);
    // Per quarter: an hour kept only as an hour comes back as that hour, for the reader to spread.
    const quarterly = await node2.read({ scope: '', series: ['revocations'], from: T0 + QUARTER, to: T0 + HOUR_MS, stepMs: QUARTER });
    expect(quarterly.map((r) => [r.at - T0, r.widthMs, r.value])).toEqual([[0, HOUR_MS, 6]]);
  });

  it('purges hours before the retention and keeps the rest', async () => {
    const { db, node1 } = await open();
    await node1.add(T0, [{ scope: '', series: 's', label: '', value: 1 }]);
    await node1.add(T0 + HOUR_MS, [{ scope: 'ws', series: 's', label: '', value: 2 }]);
    await node1.rollUp(T0 + 2 * HOUR_MS);
    expect(await node1.purge(T0 + HOUR_MS)).toBe(1);
    const left = await db.selectFrom('telemetry_hours').select(['hour', 'scope']).execute();
    expect(left.map((r) => [Number(r.hour), r.scope])).toEqual([[T0 + HOUR_MS, 'ws']]);
  });

  it('reads suspicious sign-ins and their answers, of every account or of a workspace’s members', async () => {
    const { db, node1 } = await open();
    for (const id of ['u1', 'u2', 'u3'])
      await sql`insert into users (id, email, email_key, password_hash, created_at, password_changed_at)
                values (${id}, ${`${id}@example.com`}, ${`${id}@example.com`}, 'h', 1, 1)`.execute(db);
    await sql`insert into workspaces (id, name, security_owner_id, created_at) values ('ws', 'W', 'u1', 1)`.execute(db);
    await sql`insert into workspace_members (workspace_id, user_id, role, status, joined_at)
              values ('ws', 'u1', 'owner', 'active', 1), ('ws', 'u2', 'member', 'disabled', 1)`.execute(db);
    const events: [string, string, string, number][] = [
      ['e1', 'u1', 'suspicious_sign_in', T0 + 1],
      ['e2', 'u1', 'sign_in', T0 + 2],
      ['e3', 'u1', 'sessions_reviewed', T0 + 3],
      ['e4', 'u2', 'suspicious_sign_in', T0 + 4],
      ['e5', 'u2', 'session_reported', T0 + 5],
      ['e6', 'u3', 'suspicious_sign_in', T0 + 6],
      ['e7', 'u3', 'session_reported', T0 + HOUR_MS],
    ];
    for (const [id, user, kind, at] of events)
      await sql`insert into security_events (id, user_id, kind, at, data) values (${id}, ${user}, ${kind}, ${at}, '{}')`.execute(db);

    const all = await node1.alertTimeline('', T0, T0 + HOUR_MS, 100);
    expect(all.map((e) => [e.userId, e.kind, e.at - T0])).toEqual([
      ['u1', 'suspicious_sign_in', 1],
      ['u1', 'sessions_reviewed', 3],
      ['u2', 'suspicious_sign_in', 4],
      ['u2', 'session_reported', 5],
      ['u3', 'suspicious_sign_in', 6],
    ]);
    const members = await node1.alertTimeline('ws', T0, T0 + 2 * HOUR_MS, 100);
    expect(members.map((e) => e.userId)).toEqual(['u1', 'u1', 'u2', 'u2']);
    expect(await node1.alertTimeline('', T0, T0 + 2 * HOUR_MS, 2)).toHaveLength(2);
  });
});
