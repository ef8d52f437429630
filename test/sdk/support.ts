/**
 * A real sessiond for the SDK suites: a fresh PostgreSQL schema, the real bus (Redis when asked,
 * else LISTEN/NOTIFY), listening on a free loopback port, with a service key. The SDK uses the
 * wall clock, so the server does too.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServiceKey } from '../../src/core/service-keys.js';
import { buildApp } from '../../src/http/app.js';
import { createRegistry, type Registry, type RegistryOverrides } from '../../src/registry.js';
import type { Verifier } from '../../src/sdk/index.js';
import { freshDatabase, type Engine, type TestDatabase } from '../support/databases.js';

import { REDIS_URL } from '../support/databases.js';

export { REDIS_URL };
/** Nothing listens here: connections are refused at once. */
export const DEAD_URL = 'http://127.0.0.1:9';
const PASSWORD = 'correct horse battery staple';

export interface TestServer {
  url: string;
  serviceKey: string;
  app: FastifyInstance;
  registry: Registry;
  /** Signs up a new user and signs in as a native client; the bearer token and its session id. */
  newSession(email?: string): Promise<{ token: string; sessionId: string; email: string }>;
  /** Another session of the same user (what `revoke-all` should also end). */
  signIn(email: string): Promise<{ token: string; sessionId: string }>;
  call(method: string, path: string, token: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startServer(options: { engine?: Engine; redis?: boolean; bus?: RegistryOverrides['bus'] } = {}): Promise<TestServer> {
  const database: TestDatabase = await freshDatabase(options.engine ?? 'postgres');
  const config = loadConfig(
    {
      databaseUrl: database.url,
      trustProxy: '127.0.0.1',
      logLevel: 'warn',
      // Accounts are created from 127.0.0.1, and with Redis the per-IP counters are shared by every suite.
      signUpIpLimit: '100000/1m',
      ...(options.redis ? { redisUrl: REDIS_URL } : {}),
    },
    {},
  );
  const registry = await createRegistry(config, {
    argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    ...(options.bus ? { bus: options.bus } : {}),
  });
  const app = await buildApp(registry, { logStream: new Writable({ write: (_c, _e, done) => done() }) });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const { key } = await createServiceKey(registry, 'test');
  // Sign-in limits are per IP and shared through Redis by every suite: each suite is its own IP.
  const ip = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        'x-forwarded-for': ip,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function signIn(email: string) {
    const res = await call('POST', '/v1/auth/sign-in', null, { email, password: PASSWORD, transport: 'bearer', client_id: 'cli' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; session: { id: string } };
    return { token: body.token, sessionId: body.session.id };
  }

  return {
    url,
    serviceKey: key,
    app,
    registry,
    async newSession(email = `u-${randomBytes(6).toString('hex')}@example.com`) {
      expect((await call('POST', '/v1/auth/sign-up', null, { email, password: PASSWORD })).status).toBe(201);
      return { ...(await signIn(email)), email };
    },
    signIn,
    call,
    async close() {
      // Node's closeIdleConnections() skips sockets that never sent a request, and fetch can
      // leave one behind after an aborted stream: give shutdown a moment, then cut everything.
      const cut = setTimeout(() => app.server.closeAllConnections(), 500);
      await app.close();
      clearTimeout(cut);
      await registry.close();
      await database.drop();
    },
  };
}

/** Polls until `check` holds, or fails with `what` after the deadline. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 5_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const untilLive = (verifier: Verifier) => eventually('the revocation stream to be live', () => verifier.stats().live);

/** A fetch that counts introspection calls, so a test can prove an answer came from the cache. */
export function countingFetch(): { fetch: typeof fetch; introspections: () => number } {
  let n = 0;
  return {
    fetch: (input, init) => {
      if (String(input).endsWith('/v1/introspect')) n++;
      return fetch(input, init);
    },
    introspections: () => n,
  };
}
