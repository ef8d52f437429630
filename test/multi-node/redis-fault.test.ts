/**
 * Redis outages, one node at a time: each node reaches Redis through its own TCP proxy, which
 * the test cuts (connections reset, as on a Redis restart) or stalls (a silent partition). The
 * shared Redis itself is never stopped. What a user must never see: a revoked session accepted
 * by a node whose bus link is down. What they should see: service continuing on the database,
 * and the node back on its cache when Redis returns, without a restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import {
  call,
  client,
  REDIS_URL,
  signIn,
  signUp,
  sleep,
  SPAWN_HOOK_TIMEOUT_MS,
  startNode,
  stopAll,
  until,
  untilBusLive,
  whoami,
  type SessiondNode,
} from './cluster.js';

/** The bus heartbeat's timeout (src/adapters/bus/heartbeat.ts) plus a margin. */
const NOTICED_MS = 2_500;
/** How long a node may take to notice a reset link, or to be live again once it returns. */
const BUS_CHANGE_DEADLINE_MS = 10_000;

describe.each(SHARED_ENGINES)('Redis link of one node cut or stalled (%s)', (engine) => {
  let database: TestDatabase;
  let proxies: [TcpProxy, TcpProxy];
  let one: SessiondNode;
  let two: SessiondNode;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    proxies = [await TcpProxy.for(REDIS_URL).start(), await TcpProxy.for(REDIS_URL).start()];
    one = await startNode({ db: database.url, redis: proxies[0].url(REDIS_URL), name: 'node-1' });
    two = await startNode({ db: database.url, redis: proxies[1].url(REDIS_URL), name: 'node-2' });
  }, SPAWN_HOOK_TIMEOUT_MS);
  afterEach(() => {
    for (const p of proxies) p.restore();
  });
  afterAll(async () => {
    await stopAll();
    for (const p of proxies ?? []) await p.close();
    await database?.drop();
  });

  /**
   * A user with two sessions, both validated (so cacheable) on both nodes. First both nodes are
   * live on the bus: a node still reconnecting after the previous test's fault would bypass its
   * cache and make the next fault trivially safe.
   */
  async function warmUser() {
    await Promise.all([untilBusLive(one, true, BUS_CHANGE_DEADLINE_MS), untilBusLive(two, true, BUS_CHANGE_DEADLINE_MS)]);
    const who = client();
    await signUp(one, who);
    const victim = await signIn(one, who);
    const other = await signIn(two, who);
    for (const node of [one, two]) for (const s of [victim, other, victim]) expect(await whoami(node, s.token, who.ip)).toBe(200);
    return { who, victim, other };
  }

  const revoke = async (node: SessiondNode, s: { token: string }, id: string, ip: string) =>
    (await call(node, 'DELETE', `/v1/me/sessions/${id}`, { token: s.token, ip })).status;

  it('a revocation made while node 1 is off the bus is refused by node 1; node 1 keeps serving from the database and recovers', async () => {
    const { who, victim, other } = await warmUser();
    proxies[0].cut();
    await untilBusLive(one, false, BUS_CHANGE_DEADLINE_MS);

    expect(await revoke(two, other, victim.sessionId, who.ip)).toBe(204);
    expect(await whoami(one, victim.token, who.ip)).toBe(401);
    // Service continues on the database: valid sessions, listing, new sign-ins.
    expect(await whoami(one, other.token, who.ip)).toBe(200);
    const list = await call(one, 'GET', '/v1/me/sessions', { token: other.token, ip: who.ip });
    expect(list.status).toBe(200);
    expect(list.body.sessions.map((s: { id: string }) => s.id)).toEqual([other.sessionId]);
    const fresh = await signIn(one, who);
    expect(await whoami(one, fresh.token, who.ip)).toBe(200);
    expect(await whoami(two, fresh.token, who.ip)).toBe(200);

    proxies[0].restore();
    // Back on the bus: a revocation through node 2 reaches node 1 again (and its cache).
    await untilBusLive(one, true, BUS_CHANGE_DEADLINE_MS);
    expect(await whoami(one, fresh.token, who.ip)).toBe(200); // cached again
    expect(await revoke(two, other, fresh.sessionId, who.ip)).toBe(204);
    await until(async () => (await whoami(one, fresh.token, who.ip)) === 401, 1_000, 'node 1 refuses after recovery');
    expect(await whoami(one, victim.token, who.ip)).toBe(401);
  });

  it('a revocation made while node 1 is off the bus stays refused after Redis returns, even if node 1 saw no request meanwhile', async () => {
    const { who, victim, other } = await warmUser();
    proxies[0].cut();
    await untilBusLive(one, false, BUS_CHANGE_DEADLINE_MS);
    expect(await revoke(two, other, victim.sessionId, who.ip)).toBe(204);
    proxies[0].restore();
    await untilBusLive(one, true, BUS_CHANGE_DEADLINE_MS);
    // Node 1's cache held the victim from before the cut and missed the event: it must not
    // trust that cache again.
    expect(await whoami(one, victim.token, who.ip)).toBe(401);
    expect(await whoami(one, other.token, who.ip)).toBe(200);
  });

  it('right after a cut (connections reset) node 1 stops trusting its cache at once', async () => {
    const { who, victim, other } = await warmUser();
    proxies[0].cut();
    await sleep(20);
    expect(await revoke(two, other, victim.sessionId, who.ip)).toBe(204);
    const t0 = performance.now();
    expect(await whoami(one, victim.token, who.ip)).toBe(401);
    console.info(`cut: first request ${(performance.now() - t0).toFixed(1)} ms after the revocation refused`);
  });

  it('a silent partition (stalled link): node 1 accepts a revoked session at most for the heartbeat timeout', async () => {
    const { who, victim, other } = await warmUser();
    proxies[0].stall();
    const stalledAt = performance.now();
    expect(await revoke(two, other, victim.sessionId, who.ip)).toBe(204);
    const revokedAt = performance.now();
    let accepted = 0;
    const window = await until(
      async () => {
        const status = await whoami(one, victim.token, who.ip);
        if (status === 200) accepted++;
        return status === 401;
      },
      NOTICED_MS + 1_000,
      'node 1 refuses the revoked session',
    );
    console.info(
      `stall: revoked session still accepted by node 1 for ${window.toFixed(0)} ms after the revocation ` +
        `(${(revokedAt - stalledAt + window).toFixed(0)} ms after the stall began; ${accepted} requests accepted)`,
    );
    expect(revokedAt - stalledAt + window).toBeLessThanOrEqual(NOTICED_MS);
    for (let i = 0; i < 5; i++) expect(await whoami(one, victim.token, who.ip)).toBe(401);
    expect(await whoami(one, other.token, who.ip)).toBe(200);
    proxies[0].restore();
    await untilBusLive(one, true, BUS_CHANGE_DEADLINE_MS);
    expect(await whoami(one, victim.token, who.ip)).toBe(401);
  });

  it('when the revoking node itself is cut off from Redis, its revocation still reaches the other node at once, through NOTIFY (PostgreSQL) or the revocation log (MySQL)', async () => {
    const { who, victim, other } = await warmUser();
    proxies[1].cut();
    await untilBusLive(two, false, BUS_CHANGE_DEADLINE_MS);
    const t0 = performance.now();
    expect(await revoke(two, other, victim.sessionId, who.ip)).toBe(204);
    const answered = performance.now() - t0;
    expect(await whoami(two, victim.token, who.ip)).toBe(401);
    // The revocation request never waits for the dead Redis link: retries happen in the background.
    expect(answered).toBeLessThan(500);
    // Node 1 is live on both channels; node 2 could not publish on Redis but did on the database
    // (PostgreSQL's NOTIFY, MySQL's revocation log: it has just committed there), so node 1
    // dropped the session at once (MySQL: at its next read of the log, every 100 ms). With Redis
    // alone this was a gap of up to the cache max age (30 s).
    const refused = await until(async () => (await whoami(one, victim.token, who.ip)) === 401, 1_000, 'node 1 refuses at once');
    let accepted = 0;
    for (const end = performance.now() + 1_000; performance.now() < end;) {
      if ((await whoami(one, victim.token, who.ip)) === 200) accepted++;
      await sleep(20);
    }
    expect(accepted).toBe(0);
    proxies[1].restore();
    const restoredAt = performance.now();
    const recovered = await until(
      async () => (await whoami(one, victim.token, who.ip)) === 401,
      3_000,
      'node 1 refuses once node 2 is back',
    );
    console.info(
      `revoking node cut: revoke answered in ${answered.toFixed(0)} ms; node 1 refused ${refused.toFixed(0)} ms after it; ` +
        `still refused ${recovered.toFixed(0)} ms after node 2's link returned`,
    );
    expect(performance.now() - restoredAt).toBeLessThan(3_000);
    for (let i = 0; i < 3; i++) expect(await whoami(one, victim.token, who.ip)).toBe(401);
  });
});
