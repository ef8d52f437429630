/**
 * A silent PostgreSQL or MySQL partition on the validation path (review "Hardening", finding 16): every
 * read that session validation makes has the sub-second deadline, not only the session lookup.
 * Workspace policies are read at validation too (policies.ts), cached for 30 s while the bus is
 * live, so a session this node still holds in its cache can need the database for its owner's
 * policies: that read must fail closed as fast as the session lookup does, not after the 5 s
 * query timeout. One node in this process, its PostgreSQL link through a TCP proxy the test
 * stalls, the bus on the test's Redis (live throughout), an injected clock for the caches' ages.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_TIMEOUT_MS, VALIDATION_TIMEOUT_MS } from '../../src/adapters/kysely/connect.js';
import { loadConfig } from '../../src/config.js';
import { fixedClock } from '../../src/core/testing/fakes.js';
import { buildApp } from '../../src/http/app.js';
import { createRegistry, type Registry } from '../../src/registry.js';
import { freshDatabase, REDIS_URL, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';
import { PASSWORD } from '../support/harness.js';
import { testKeyFile } from '../support/secret-key.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const silent = new Writable({ write: (_c, _e, done) => done() });
const SECOND = 1_000;

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not before the deadline`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(SHARED_ENGINES)('a silent database partition on the validation path (%s, Redis bus)', (engine) => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let registry: Registry;
  let app: FastifyInstance;
  const clock = fixedClock('2026-03-01T09:00:00Z');

  beforeAll(async () => {
    database = await freshDatabase(engine);
    proxy = await TcpProxy.for(database.url).start();
    const config = loadConfig(
      {
        databaseUrl: proxy.url(database.url),
        redisUrl: REDIS_URL,
        redisPrefix: `sessiond-test:validation-deadline:${process.pid}`,
        secretKeyFile: testKeyFile(),
        signUpMode: 'direct',
      },
      {},
    );
    registry = await createRegistry(config, { clock, argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, logStream: silent });
    app = await buildApp(registry, { logStream: silent });
    await app.ready();
    await until('the Redis bus to be live', () => registry.bus.isLive());
  });
  afterAll(async () => {
    proxy?.restore();
    await app?.close();
    await registry?.close();
    await proxy?.close();
    await database?.drop();
  });

  const whoami = async (token: string) => {
    const started = performance.now();
    const res = await app.inject({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } });
    return { res, ms: performance.now() - started };
  };

  const signIn = async (email: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email, password: PASSWORD, transport: 'bearer', client_id: 'cli' },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().token as string;
  };

  it('a session cached on this node whose owner’s policies are not: 503 within the validation deadline, not the query timeout', async () => {
    const email = 'partition@example.com';
    expect((await app.inject({ method: 'POST', url: '/v1/auth/sign-up', payload: { email, password: PASSWORD } })).statusCode).toBe(201);
    const first = await signIn(email);
    const second = await signIn(email);

    // The first validation caches the owner's policies (none) and the first session.
    expect((await whoami(first)).res.statusCode).toBe(200);
    // 20 s on, the second session is validated and cached; the policies are still fresh.
    clock.advance(20 * SECOND);
    expect((await whoami(second)).res.statusCode).toBe(200);
    // 15 s more: the policies (cached 35 s ago) are stale, the second session (15 s) is not.
    clock.advance(15 * SECOND);

    proxy.stall();
    try {
      const { res, ms } = await whoami(second);
      console.info(
        `db stall, cached session with stale policies: ${res.statusCode} in ${ms.toFixed(0)} ms (deadline ${VALIDATION_TIMEOUT_MS} ms)`,
      );
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().error.code).toBe('unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Under a second, and far from the 5 s query timeout the read had before.
      expect(ms).toBeLessThan(SECOND);
      expect(ms).toBeLessThan(QUERY_TIMEOUT_MS / 2);
    } finally {
      proxy.restore();
    }
    // The partition over, the same token works: nothing was revoked.
    expect((await whoami(second)).res.statusCode).toBe(200);
  });
});
