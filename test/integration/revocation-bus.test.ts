/**
 * Two nodes sharing PostgreSQL or MySQL, each with its own registry and cache, fanning out
 * revocations through Redis pub/sub, PostgreSQL LISTEN/NOTIFY or MySQL's polled revocation log: a
 * revocation through one node is refused by the other's warm cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { SessionOrigin } from '../../src/core/session.js';
import { createRegistry, type Registry } from '../../src/registry.js';
import { freshDatabase, REDIS_URL, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';
const ORIGIN: SessionOrigin = {
  ip: '81.2.69.160',
  userAgent: null,
  device: { name: 'Mac', os: 'macOS', browser: null, type: 'desktop' },
  location: { city: null, region: null, country: null, latitude: null, longitude: null },
  deviceId: null,
};

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const BUSES = [
  { kind: 'redis', engine: 'postgres' },
  { kind: 'postgres', engine: 'postgres' },
  { kind: 'redis+postgres', engine: 'postgres' },
  { kind: 'table', engine: 'mysql' },
  { kind: 'redis+table', engine: 'mysql' },
] as const;

describe.each(BUSES.filter((b) => SHARED_ENGINES.includes(b.engine)))('two nodes with the $kind bus ($engine)', ({ kind, engine }) => {
  let database: TestDatabase;
  let nodes: Registry[];

  beforeAll(async () => {
    database = await freshDatabase(engine);
    const config = loadConfig({ databaseUrl: database.url, ...(kind.includes('redis') ? { redisUrl: REDIS_URL } : {}) }, {});
    const argon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
    nodes = [await createRegistry(config, { argon2, bus: kind }), await createRegistry(config, { argon2, bus: kind, migrate: false })];
    await until(async () => nodes.every((n) => n.bus.isLive()));
  });
  afterAll(async () => {
    for (const n of nodes ?? []) await n.close();
    await database?.drop();
  });

  it('a revocation through node 2 is refused by node 1 with a warm cache', async () => {
    const [one, two] = nodes as [Registry, Registry];
    const user = await one.accounts.signUp({ email: `${kind.replace('+', '-')}-a@example.com`, password: 'correct horse battery staple' });
    const { token, session } = await one.sessions.createSession(user.id, 'web', 'password', ORIGIN);
    expect(await one.sessions.validateSessionToken(token)).not.toBeNull();
    expect(await two.sessions.validateSessionToken(token)).not.toBeNull();
    expect(one.sessions.cacheStats().entries).toBeGreaterThan(0);
    expect(await two.revocation.endSession(user.id, session.id, { kind: 'system' })).not.toBeNull();
    // The revoking node refuses at once, without waiting for its own event to come back.
    expect(await two.sessions.validateSessionToken(token)).toBeNull();
    await until(async () => (await one.sessions.validateSessionToken(token)) === null);
  });

  it('revoke-all through node 1 ends every session cached on node 2', async () => {
    const [one, two] = nodes as [Registry, Registry];
    const user = await one.accounts.signUp({ email: `${kind.replace('+', '-')}-b@example.com`, password: 'correct horse battery staple' });
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) tokens.push((await one.sessions.createSession(user.id, 'web', 'password', ORIGIN)).token);
    for (const t of tokens) expect(await two.sessions.validateSessionToken(t)).not.toBeNull();
    expect(await one.revocation.endAllSessions(user.id, { kind: 'system' })).toBe(5);
    await until(async () => (await Promise.all(tokens.map((t) => two.sessions.validateSessionToken(t)))).every((r) => r === null));
  });
});
