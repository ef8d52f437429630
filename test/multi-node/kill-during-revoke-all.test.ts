/**
 * kill -9 of a node in the middle of "sign out everywhere": a user with 1,500 sessions asks a
 * node to revoke all of them, and the node is SIGKILLed a few milliseconds later, at several
 * delays across the request's lifetime. Afterwards the user's sessions in the database
 * (PostgreSQL, MySQL) are either all revoked or all still active - never some of each - and the
 * survivors' answer matches.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapters/kysely/connect.js';
import type { Db } from '../../src/adapters/kysely/database.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import type { Store } from '../../src/core/ports/store.js';
import { userRecord } from '../../src/core/testing/store.contract.js';
import { freshDatabase, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';
import { call, client, REDIS_URL, signIn, signUp, sleep, SPAWN_HOOK_TIMEOUT_MS, startNode, stopAll, type SessiondNode } from './cluster.js';

const SESSIONS = 1_500;

describe.each(SHARED_ENGINES)('kill -9 of a node during revoke-all (%s)', (engine) => {
  let database: TestDatabase;
  let survivor: SessiondNode;
  let db: Db;
  let store: Store;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    // The first node migrates; the test reads and seeds through the stores, as any engine's.
    survivor = await startNode({ db: database.url, redis: REDIS_URL, name: 'survivor' });
    ({ db } = connect(database.url));
    store = kyselyStore(db);
  }, SPAWN_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await stopAll();
    await store?.close();
    await database?.drop();
  });

  let template: { userId: string; sessionId: string; secret: string };

  /**
   * A user with SESSIONS active sessions, fast: a copy of the template user (one real sign-up
   * and sign-in) and of its session row. The first copy keeps the template's secret hash under
   * a new well-formed id, so `<new id>.<template secret>` is a valid token for the new user.
   */
  async function seededUser(): Promise<{ userId: string; token: string; ip: string }> {
    template ??= await (async () => {
      const who = client();
      const userId = await signUp(survivor, who);
      const { token } = await signIn(survivor, who);
      const [sessionId, secret] = token.split('.') as [string, string];
      return { userId, sessionId, secret };
    })();
    const userId = `u${randomBytes(12).toString('hex')}`;
    const sessionId = randomBytes(16).toString('base64url').slice(0, 22);
    await store.insertUser(userRecord({ id: userId, createdAt: Date.now(), passwordChangedAt: Date.now() - 1 }));
    const { session } = (await store.findSession(template.sessionId))!;
    await store.insertSessions(
      Array.from({ length: SESSIONS }, (_, g) => ({ ...session, id: g === 0 ? sessionId : `${sessionId}-${g}`, userId })),
    );
    return { userId, token: `${sessionId}.${template.secret}`, ip: client().ip };
  }

  async function active(userId: string): Promise<number> {
    const row = await db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', Date.now())
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // It starts five nodes: as long as a hook that does.
  it(`leaves either all ${SESSIONS} sessions revoked or none, whenever the node dies`, { timeout: SPAWN_HOOK_TIMEOUT_MS }, async () => {
    // Calibrate: how long revoke-all of this many sessions takes on a node that is not killed.
    const control = await seededUser();
    expect(await active(control.userId)).toBe(SESSIONS);
    const res = await call(survivor, 'POST', '/v1/me/sessions/revoke-all', { token: control.token, ip: control.ip });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: SESSIONS });
    expect(await active(control.userId)).toBe(0);
    const took = res.ms;

    // Kill points from before the request is read to the middle of its statement.
    const delays = [0, 1 / 16, 1 / 8, 1 / 4, 1 / 2].map((f) => Math.round(f * took));
    const [users, victims] = await Promise.all([
      Promise.all(delays.map(() => seededUser())),
      Promise.all(delays.map((_, i) => startNode({ db: database.url, redis: REDIS_URL, name: `victim-${i}` }))),
    ]);
    const outcomes: string[] = [];
    for (const [i, delay] of delays.entries()) {
      const user = users[i]!;
      const victim = victims[i]!;
      // Warm the victim (pool connections, JIT, its cache) so the kill lands where a busy node's would.
      for (let k = 0; k < 5; k++)
        expect((await call(victim, 'GET', '/v1/me/session', { token: user.token, ip: user.ip })).status).toBe(200);
      const request = call(victim, 'POST', '/v1/me/sessions/revoke-all', { token: user.token, ip: user.ip, timeoutMs: 5_000 }).then(
        (r) => `answered ${r.status}`,
        () => 'no answer',
      );
      await sleep(delay);
      await victim.kill();
      const answer = await request;
      // A statement the backend was running when the client died may still commit: look
      // twice, and both looks must be all or nothing.
      const first = await active(user.userId);
      await sleep(200);
      const second = await active(user.userId);
      outcomes.push(`kill after ${delay} ms: ${answer}; active ${first} then ${second}`);
      for (const n of [first, second]) expect([0, SESSIONS]).toContain(n);
      expect(second).toBeLessThanOrEqual(first);
      if (answer === 'answered 200') expect(second).toBe(0);
      // A node that stayed up agrees with the database.
      expect((await call(survivor, 'GET', '/v1/me/session', { token: user.token, ip: user.ip })).status).toBe(second === 0 ? 401 : 200);
    }
    console.info(`revoke-all of ${SESSIONS} sessions took ${took.toFixed(0)} ms when not killed\n  ${outcomes.join('\n  ')}`);
  });
});
