/**
 * Three `sessiond serve` processes sharing the machine's PostgreSQL (and Redis, or not), or its
 * MySQL/MariaDB (always with Redis, its only bus): a
 * session revoked through one node is refused by every other node, even one whose cache holds
 * it. The test asserts correctness with a deadline; bench/ measures the delay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';
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
  type SessiondNode,
} from './cluster.js';

/** Termination takes effect everywhere (ASVS 5.0 7.4.1): revoked on one instance, refused on another within 1 s. */
const PROPAGATION_DEADLINE_MS = 1_000;

const BUSES = [
  { bus: 'Redis pub/sub', engine: 'postgres', redis: true },
  { bus: 'PostgreSQL LISTEN/NOTIFY (no Redis)', engine: 'postgres', redis: false },
  { bus: 'Redis pub/sub, on MySQL', engine: 'mysql', redis: true },
] as const;

describe.each(BUSES.filter((b) => SHARED_ENGINES.includes(b.engine)))('three nodes, revocations over $bus', ({ engine, redis }) => {
  let database: TestDatabase;
  let nodes: [SessiondNode, SessiondNode, SessiondNode];

  beforeAll(async () => {
    database = await freshDatabase(engine);
    const options = { db: database.url, ...(redis ? { redis: REDIS_URL } : {}) };
    // The first node migrates the fresh schema; the other two find it up to date.
    const first = await startNode({ ...options, name: 'node-1' });
    const [second, third] = await Promise.all([startNode({ ...options, name: 'node-2' }), startNode({ ...options, name: 'node-3' })]);
    nodes = [first, second, third];
  }, SPAWN_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await stopAll();
    await database?.drop();
  });

  it('sign in through node 1, warm all three caches, revoke through node 2: nodes 1 and 3 refuse at once', async () => {
    const [one, two, three] = nodes;
    const who = client();
    await signUp(one, who);
    const victim = await signIn(one, who);
    const manager = await signIn(two, who);
    // Warm every node: each has now validated (and may have cached) both sessions.
    for (const node of nodes) {
      expect(await whoami(node, victim.token, who.ip)).toBe(200);
      expect(await whoami(node, manager.token, who.ip)).toBe(200);
      expect(await whoami(node, victim.token, who.ip)).toBe(200);
    }

    const revoked = await call(two, 'DELETE', `/v1/me/sessions/${victim.sessionId}`, { token: manager.token, ip: who.ip });
    expect(revoked.status).toBe(204);
    // The revoking node refuses on the very next request.
    expect(await whoami(two, victim.token, who.ip)).toBe(401);
    const delays = await Promise.all(
      [one, three].map((node) => until(async () => (await whoami(node, victim.token, who.ip)) === 401, PROPAGATION_DEADLINE_MS, node.name)),
    );
    // Once refused, refused for good: no node flips back to a stale cached answer.
    for (const node of nodes) for (let i = 0; i < 3; i++) expect(await whoami(node, victim.token, who.ip)).toBe(401);
    // Revoking one session leaves the user's other session working everywhere.
    for (const node of nodes) expect(await whoami(node, manager.token, who.ip)).toBe(200);
    console.info(`revocation visible on node 1 after ${delays[0]!.toFixed(1)} ms, node 3 after ${delays[1]!.toFixed(1)} ms`);
  });

  it('revoke-all through node 3 ends every session cached on nodes 1 and 2', async () => {
    const [one, two, three] = nodes;
    const who = client();
    await signUp(two, who);
    const tokens: string[] = [];
    for (const node of nodes) tokens.push((await signIn(node, who)).token);
    for (const node of nodes) for (const token of tokens) expect(await whoami(node, token, who.ip)).toBe(200);

    const res = await call(three, 'POST', '/v1/me/sessions/revoke-all', { token: tokens[2], ip: who.ip });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: 3 });
    for (const token of tokens) expect(await whoami(three, token, who.ip)).toBe(401);
    await until(
      async () => (await Promise.all([one, two].flatMap((node) => tokens.map((t) => whoami(node, t, who.ip))))).every((s) => s === 401),
      PROPAGATION_DEADLINE_MS,
      'every session refused on nodes 1 and 2',
    );
  });

  it('a password change through node 1 signs the other sessions out on nodes 2 and 3', async () => {
    const [one, two, three] = nodes;
    const who = client();
    await signUp(three, who);
    const here = await signIn(one, who);
    const elsewhere = await signIn(two, who);
    for (const node of nodes) expect(await whoami(node, elsewhere.token, who.ip)).toBe(200);
    const res = await call(one, 'POST', '/v1/me/password', {
      token: here.token,
      ip: who.ip,
      body: { current_password: 'correct horse battery staple', new_password: 'a different long passphrase' },
    });
    // A bearer client gets its session's new token (rotation, ASVS 7.4.3); the old one ends too.
    expect(res.status).toBe(200);
    const renewed = (res.body as { token: string }).token;
    await until(
      async () =>
        (await Promise.all([two, three].flatMap((node) => [elsewhere.token, here.token].map((t) => whoami(node, t, who.ip))))).every(
          (s) => s === 401,
        ),
      PROPAGATION_DEADLINE_MS,
      'the other session and the old token refused on nodes 2 and 3',
    );
    // The session that changed the password stays signed in under its new token, on every node.
    for (const node of nodes) expect(await whoami(node, renewed, who.ip)).toBe(200);
  });
});
