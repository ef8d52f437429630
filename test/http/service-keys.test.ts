/**
 * Service keys on /v1/introspect, with each node verifying them from its cache: a revoked key is
 * refused on the very next call, by the node that revoked it and by another node on the same
 * database whose cache holds the key (a SQLite file: at once, each node catching up with the
 * file before it trusts its cache; PostgreSQL: as soon as the revocation's NOTIFY reaches it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { revokeServiceKey } from '../../src/core/service-keys.js';
import { fixedClock } from '../../src/core/testing/fakes.js';
import { buildApp } from '../../src/http/app.js';
import { createRegistry, type Registry } from '../../src/registry.js';
import { ENGINES, REDIS_URL } from '../support/databases.js';
import { harness, type Harness } from '../support/harness.js';
import { testKeyFile } from '../support/secret-key.js';

describe.each(ENGINES)('service keys on /v1/introspect (%s)', (engine) => {
  let dir: string;
  let h: Harness;
  /** A second node on the same database, with its own cache and its own link to the bus. */
  let other: { registry: Registry; app: FastifyInstance };
  let token: string;
  let n = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-service-keys-'));
    // Two nodes on one database: MySQL's carry revocations on Redis.
    const redis = engine === 'mysql' ? { redisUrl: REDIS_URL } : {};
    h = await harness(engine, redis, engine === 'sqlite' ? path.join(dir, 'sessiond.db') : undefined);
    const config = loadConfig(
      { databaseUrl: h.database.url, trustProxy: '127.0.0.1', ...(engine !== 'sqlite' ? { secretKeyFile: testKeyFile() } : {}), ...redis },
      {},
    );
    const registry = await createRegistry(config, { clock: fixedClock(h.clock.now()), migrate: false });
    other = { registry, app: await buildApp(registry, { logStream: { write: () => {} } }) };
    await other.app.ready();
    await h.signUp('svc@example.com');
    token = await h.bearerSignIn('svc@example.com');
  });
  afterAll(async () => {
    await other?.app.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const introspect = (app: FastifyInstance | Harness, key: string) =>
    ('inject' in app ? app.inject.bind(app) : app.request)({
      method: 'POST',
      url: '/v1/introspect',
      headers: { authorization: `Bearer ${key}` },
      payload: { token },
    });

  /** Resolves when `registry`'s bus has delivered the revocation of `keyId` to its node. */
  const heard = (registry: Registry, keyId: string) =>
    new Promise<void>((resolve) =>
      registry.bus.subscribe((event) => {
        if (event.kind === 'service-key' && event.keyId === keyId) resolve();
      }),
    );

  it('a key revoked on one node is refused on the very next call, there and on a node whose cache holds it', async () => {
    // A node fills its cache only while its bus is live (PostgreSQL's: once its first heartbeat is back).
    await vi.waitFor(() => expect(h.registry.bus.isLive() && other.registry.bus.isLive()).toBe(true), { timeout: 5_000 });
    const { record, key } = await h.registry.serviceKeys.create(`billing-${++n}`);
    const kept = await h.registry.serviceKeys.create(`search-${++n}`);
    for (const app of [h, other.app]) {
      for (const k of [key, kept.key]) {
        const res = await introspect(app, k);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ active: true });
      }
    }
    // MySQL reads keys from the database on every call (the CLI's revoke reaches its servers only at their next poll).
    for (const registry of [h.registry, other.registry])
      if (engine === 'mysql') expect(registry.serviceKeys.cacheSize).toBe(0);
      else expect(registry.serviceKeys.cacheSize).toBeGreaterThanOrEqual(2);

    const arrived = heard(other.registry, record.id);
    expect(await revokeServiceKey(h.registry, record.id)).toBe(true);
    expect((await introspect(h, key)).statusCode).toBe(401);
    // SQLite: the other node catches up with the file before its next request trusts its cache;
    // PostgreSQL's NOTIFY tells it; MySQL's holds no key to drop.
    if (engine === 'postgres') await arrived;
    const res = await introspect(other.app, key);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    // The revocation stream refuses it too; other keys go on working on both nodes.
    expect(
      (await other.app.inject({ method: 'GET', url: '/v1/revocations/stream', headers: { authorization: `Bearer ${key}` } })).statusCode,
    ).toBe(401);
    for (const app of [h, other.app]) expect((await introspect(app, kept.key)).statusCode).toBe(200);
  });

  it('a key revoked in the database with no announcement (a node down when it happened) is refused once the cache’s maximum age passes', async () => {
    const { record, key } = await h.registry.serviceKeys.create(`lost-${++n}`);
    expect((await introspect(h, key)).statusCode).toBe(200);
    await h.registry.store.revokeServiceKey(record.id, h.clock.now());
    h.clock.advance(30_001);
    expect((await introspect(h, key)).statusCode).toBe(401);
  });
});
