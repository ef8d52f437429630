/**
 * Database outages seen by one node, on PostgreSQL and on MySQL/MariaDB (with Redis, its only
 * bus): the node reaches the shared database through a TCP
 * proxy, which the test cuts and restores (a database restart: connections reset, new ones
 * refused) or stalls (a silent partition). The shared server itself is never stopped.
 * Expected: fail closed, fast and honest - 503 `unavailable` with
 * Retry-After in the contract's shape, never 401 (the client keeps its token), never a hang;
 * /healthz stays up, /readyz says why; the node recovers without a restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_TIMEOUT_MS, VALIDATION_TIMEOUT_MS } from '../../src/adapters/kysely/connect.js';
import { freshDatabase, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import {
  call,
  client,
  REDIS_URL,
  signIn,
  signUp,
  SPAWN_HOOK_TIMEOUT_MS,
  startNode,
  stopAll,
  until,
  whoami,
  type Reply,
  type SessiondNode,
} from './cluster.js';

/**
 * A reset link fails at once: well under the 5 s connect and query timeouts
 * (src/adapters/kysely/connect.ts), so a 503 within this bound did not wait for a timeout.
 */
const FAIL_FAST_MS = 2_500;

function expectUnavailable(res: Reply): void {
  expect(res.status).toBe(503);
  expect(res.body?.error?.code).toBe('unavailable');
  expect(typeof res.body.error.message).toBe('string');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(JSON.stringify(res.body)).not.toMatch(/ECONN|PROTOCOL|postgres|mysql|maria|stack|at \w+ \(/i);
}

const SETUPS = [
  { name: 'PostgreSQL', engine: 'postgres', bus: 'Redis', redis: true },
  { name: 'PostgreSQL', engine: 'postgres', bus: 'LISTEN/NOTIFY', redis: false },
  { name: 'MySQL', engine: 'mysql', bus: 'Redis', redis: true },
] as const;

describe.each(SETUPS.filter((s) => SHARED_ENGINES.includes(s.engine)))('$name link of a node cut, bus over $bus', ({ engine, redis }) => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let node: SessiondNode;
  let direct: SessiondNode;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    proxy = await TcpProxy.for(database.url).start();
    const bus = redis ? { redis: REDIS_URL } : {};
    node = await startNode({ db: proxy.url(database.url), ...bus, name: 'behind-proxy' });
    direct = await startNode({ db: database.url, ...bus, name: 'direct' });
  }, SPAWN_HOOK_TIMEOUT_MS);
  afterEach(() => proxy?.restore());
  afterAll(async () => {
    await stopAll();
    await proxy?.close();
    await database?.drop();
  });

  it('a database restart: /readyz and every request that needs the database answer 503 fast; the same token works after', async () => {
    const who = client();
    await signUp(direct, who);
    const seen = await signIn(node, who);
    const unseen = await signIn(direct, who);
    expect(await whoami(node, seen.token, who.ip)).toBe(200);
    expect((await call(node, 'GET', '/readyz')).status).toBe(200);

    proxy.cut();
    const cutAt = performance.now();

    const ready = await call(node, 'GET', '/readyz');
    expectUnavailable(ready);
    expect(ready.ms).toBeLessThan(FAIL_FAST_MS);
    expect((await call(node, 'GET', '/healthz')).status).toBe(200);

    // A session this node never cached must be read from the database: 503, not 401.
    const cold = await call(node, 'GET', '/v1/me/session', { token: unseen.token, ip: who.ip });
    expectUnavailable(cold);
    expect(cold.ms).toBeLessThan(FAIL_FAST_MS);
    expect(cold.headers.get('set-cookie')).toBeNull();
    const list = await call(node, 'GET', '/v1/me/sessions', { token: seen.token, ip: who.ip });
    expectUnavailable(list);
    expect(list.ms).toBeLessThan(FAIL_FAST_MS);
    // No sign-in succeeds without a durable session write.
    const signin = await call(node, 'POST', '/v1/auth/sign-in', {
      ip: who.ip,
      body: { email: who.email, password: 'correct horse battery staple', transport: 'bearer' },
    });
    expectUnavailable(signin);
    const revoke = await call(node, 'POST', '/v1/me/sessions/revoke-others', { token: seen.token, ip: who.ip });
    expect(revoke.status).toBe(503);
    const firstFailure = performance.now() - cutAt;

    proxy.restore();
    const recovered = await until(
      async () => (await call(node, 'GET', '/readyz')).status === 200 && (await whoami(node, unseen.token, who.ip)) === 200,
      5_000,
      'node answers again after the database returns',
    );
    // Nothing was lost or ended by the outage: both sessions still work, on both nodes.
    for (const n of [node, direct]) for (const s of [seen, unseen]) expect(await whoami(n, s.token, who.ip)).toBe(200);
    expect((await call(node, 'GET', '/v1/me/sessions', { token: seen.token, ip: who.ip })).body.sessions).toHaveLength(2);
    console.info(
      `db cut (${redis ? 'redis' : 'pg'} bus): readyz 503 in ${ready.ms.toFixed(0)} ms, cold session 503 in ${cold.ms.toFixed(0)} ms, ` +
        `list 503 in ${list.ms.toFixed(0)} ms (all checks done ${firstFailure.toFixed(0)} ms after the cut); ` +
        `recovered ${recovered.toFixed(0)} ms after restore`,
    );
  });

  it('a silent partition from the database: requests fail with 503 within seconds, not hang', async () => {
    const who = client();
    await signUp(direct, who);
    const unseen = await signIn(direct, who);
    const seen = await signIn(node, who);
    expect(await whoami(node, seen.token, who.ip)).toBe(200);

    proxy.stall();
    const [ready, cold] = await Promise.all([
      call(node, 'GET', '/readyz', { timeoutMs: 15_000 }),
      call(node, 'GET', '/v1/me/session', { token: unseen.token, ip: who.ip, timeoutMs: 15_000 }),
    ]);
    console.info(
      `db stall (${redis ? 'redis' : 'pg'} bus): readyz ${ready.status} in ${ready.ms.toFixed(0)} ms, cold session ${cold.status} in ${cold.ms.toFixed(0)} ms`,
    );
    expectUnavailable(ready);
    expectUnavailable(cold);
    // Never longer than the query and connection timeouts; reads on the validation path and the
    // readiness ping give up much sooner (the next test).
    expect(ready.ms).toBeLessThan(QUERY_TIMEOUT_MS + 1_000);
    expect(cold.ms).toBeLessThan(QUERY_TIMEOUT_MS + 1_000);

    proxy.restore();
    const recovered = await until(async () => (await whoami(node, unseen.token, who.ip)) === 200, 10_000, 'node answers after the stall');
    console.info(`db stall: recovered ${recovered.toFixed(0)} ms after restore`);
  });

  it('a silent partition: session validation and /readyz fail closed (503) in about a second, not the 5 s query timeout; they recover after', async () => {
    const who = client();
    await signUp(direct, who);
    const unseen = await signIn(direct, who);
    const also = await signIn(direct, who);
    expect(await whoami(node, unseen.token, who.ip)).toBe(200);

    proxy.stall();
    // A validation the node must read from the database (not cached here), on a connection the
    // pool already holds (the stall keeps it open), and /readyz, which a balancer polls.
    const [cold, ready] = await Promise.all([
      call(node, 'GET', '/v1/me/session', { token: also.token, ip: who.ip, timeoutMs: 15_000 }),
      call(node, 'GET', '/readyz', { timeoutMs: 15_000 }),
    ]);
    // Every further validation during the stall fails closed as fast, even with the pool's
    // connections still held by the stalled reads.
    const again = await Promise.all(
      Array.from({ length: 12 }, () => call(node, 'GET', '/v1/me/session', { token: also.token, ip: who.ip, timeoutMs: 15_000 })),
    );
    console.info(
      `db stall, fail closed (${redis ? 'redis' : 'pg'} bus): cold session 503 in ${cold.ms.toFixed(0)} ms, readyz in ${ready.ms.toFixed(0)} ms, ` +
        `12 more in max ${Math.max(...again.map((r) => r.ms)).toFixed(0)} ms (deadline ${VALIDATION_TIMEOUT_MS} ms)`,
    );
    for (const res of [cold, ready, ...again]) {
      expectUnavailable(res);
      // The deadline is under a second; the bound is generous for a loaded 2-core machine and
      // still half the old 5 s query timeout.
      expect(res.ms).toBeLessThan(FAIL_FAST_MS);
      expect(res.ms).toBeLessThan(QUERY_TIMEOUT_MS / 2);
    }
    expect(cold.headers.get('set-cookie')).toBeNull();

    proxy.restore();
    const recovered = await until(
      async () => (await call(node, 'GET', '/readyz')).status === 200 && (await whoami(node, also.token, who.ip)) === 200,
      10_000,
      'node answers after the stall',
    );
    for (const s of [unseen, also]) expect(await whoami(node, s.token, who.ip)).toBe(200);
    console.info(`db stall, fail closed: recovered ${recovered.toFixed(0)} ms after restore`);
  });
});
