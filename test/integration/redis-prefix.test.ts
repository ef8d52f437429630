/**
 * Two deployments on one Redis (real Redis; pub/sub ignores the database number): with different
 * `--redis-prefix` they share no rate-limit counter and hear none of each other's revocations;
 * with the same prefix they share both. The SDK's Redis stream listens where its prefix says.
 * Absence is proven without sleeping: Redis delivers to one subscriber connection in the order it
 * processed the publishes, so once a listener hears a marker published after an event, it would
 * already have heard that event had it been on its channel.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { RevocationEvent } from '../../src/core/ports/revocation-bus.js';
import { createRegistry, type Registry } from '../../src/registry.js';
import { redisStream } from '../../src/sdk/streams/redis-stream.js';
import { redisRevocationChannel } from '../../src/core/revocation-wire.js';
import { freshDatabase, ENGINES, type TestDatabase } from '../support/databases.js';

const REDIS_URL = process.env.SESSIOND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = new Writable({ write: (_c, _e, done) => done() });
const argon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not before the deadline`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A deployment on its own in-memory SQLite, sharing the test's Redis under `prefix`. */
async function deployment(prefix: string): Promise<Registry> {
  const config = loadConfig({ databaseUrl: 'sqlite::memory:', redisUrl: REDIS_URL, redisPrefix: prefix }, {});
  const registry = await createRegistry(config, { argon2, logStream: silent });
  await until(`${prefix}'s bus to be live`, () => registry.bus.isLive());
  return registry;
}

function heard(registry: Registry): RevocationEvent[] {
  const events: RevocationEvent[] = [];
  registry.bus.subscribe((e) => events.push(e));
  return events;
}

const event = (tag: string): Extract<RevocationEvent, { kind: 'session' }> => ({
  kind: 'session',
  userId: `u-${tag}`,
  sessionId: `s-${tag}-${randomBytes(4).toString('hex')}`,
});

describe('deployments sharing one Redis', () => {
  // Fresh names each run: counters from an earlier run must not decide this one.
  const run = randomBytes(4).toString('hex');
  const A = `test-a-${run}`;
  const B = `test-b-${run}`;
  let a: Registry;
  let b: Registry;
  let aToo: Registry;

  beforeAll(async () => {
    [a, b, aToo] = await Promise.all([deployment(A), deployment(B), deployment(A)]);
  });
  afterAll(async () => {
    for (const r of [a, b, aToo]) await r?.close();
  });

  it('each names its keys and channel after its prefix', () => {
    expect(a.redisPrefix).toBe(A);
    expect(b.redisPrefix).toBe(B);
  });

  it('different prefixes share no rate limit; the same prefix shares it', async () => {
    const key = `sign-in:ip:203.0.113.${run.length}`;
    for (let i = 0; i < 3; i++) expect((await a.rateLimiter.hit(key, 3, 60_000)).allowed).toBe(true);
    expect((await a.rateLimiter.hit(key, 3, 60_000)).allowed).toBe(false);
    // Another deployment: its own count, from zero.
    expect((await b.rateLimiter.hit(key, 3, 60_000)).allowed).toBe(true);
    // Another node of the same deployment: the same count, already over.
    expect((await aToo.rateLimiter.hit(key, 3, 60_000)).allowed).toBe(false);
  });

  // What a node hears is what was published, stamped with the publisher's commit time (`at`).
  const stamped = (e: RevocationEvent) => ({ ...e, at: expect.any(Number) as number });

  it('different prefixes hear none of each other’s revocations; the same prefix hears them', async () => {
    const [onA, onB, onAToo] = [heard(a), heard(b), heard(aToo)];
    const fromA = event('a');
    await a.bus.publish(fromA);
    await until('the other node of A to hear A', () => onAToo.some((e) => e.kind === 'session' && e.sessionId === fromA.sessionId));
    expect(onA).toContainEqual(stamped(fromA));
    // B's own marker, published after A's event: once B hears it, A's would have come first.
    const marker = event('b');
    await b.bus.publish(marker);
    await until('B to hear its own marker', () => onB.some((e) => e.kind === 'session' && e.sessionId === marker.sessionId));
    expect(onB).toEqual([stamped(marker)]);
    // Nor does B's marker reach A.
    await a.bus.publish(event('a2'));
    await until('A to hear its second event', () => onA.length === 2);
    expect(onA.some((e) => e.kind === 'session' && e.sessionId === marker.sessionId)).toBe(false);
  });

  it("the SDK's Redis stream hears the deployment whose channel it is given, and only it", async () => {
    const gotA: RevocationEvent[] = [];
    const gotB: RevocationEvent[] = [];
    const streamA = redisStream(REDIS_URL, { revoked: (e) => gotA.push(e), becameLive: () => {} }, { channel: redisRevocationChannel(A) });
    const streamB = redisStream(REDIS_URL, { revoked: (e) => gotB.push(e), becameLive: () => {} }, { channel: redisRevocationChannel(B) });
    try {
      // Live means hearing the deployment's own heartbeats on that channel.
      await until('both streams to be live', () => streamA.isLive() && streamB.isLive());
      const fromA = event('sdk-a');
      await a.bus.publish(fromA);
      await until('stream A to hear A', () => gotA.length === 1);
      const marker = event('sdk-b');
      await b.bus.publish(marker);
      await until('stream B to hear B', () => gotB.length === 1);
      expect(gotA).toEqual([stamped(fromA)]);
      expect(gotB).toEqual([stamped(marker)]);
    } finally {
      await streamA.close();
      await streamB.close();
    }
  });
});

describe.each(ENGINES)('the default prefix (%s): named after the database', (engine) => {
  let database: TestDatabase;
  let dir: string;
  const opened: Registry[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-redis-prefix-'));
    database =
      engine === 'sqlite' ? { url: `sqlite:${path.join(dir, 'tenant-one.db')}`, drop: async () => {} } : await freshDatabase(engine);
  });
  afterAll(async () => {
    for (const r of opened) await r.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (databaseUrl: string, overrides: Record<string, string> = {}) => {
    const registry = await createRegistry(loadConfig({ databaseUrl, redisUrl: REDIS_URL, ...overrides }, {}), {
      argon2,
      logStream: silent,
    });
    opened.push(registry);
    return registry;
  };

  it('PostgreSQL: database and schema; MySQL: the database; SQLite: the file name; an explicit --redis-prefix wins', async () => {
    const registry = await open(database.url);
    if (engine === 'postgres') {
      const url = new URL(database.url);
      const schema = /search_path=(\w+)/.exec(decodeURIComponent(url.search))![1];
      expect(registry.redisPrefix).toBe(`sessiond:${url.pathname.slice(1)}:${schema}`);
    } else if (engine === 'mysql') {
      expect(registry.redisPrefix).toBe(`sessiond:${new URL(database.url).pathname.slice(1)}`);
    } else {
      expect(registry.redisPrefix).toBe('sessiond:tenant-one.db');
    }
    expect((await open(database.url, { redisPrefix: 'acme-prod' })).redisPrefix).toBe('acme-prod');
  });

  it.runIf(engine === 'sqlite')('an in-memory database shares nothing: a name of its own each start', async () => {
    const [one, two] = [await open('sqlite::memory:'), await open('sqlite::memory:')];
    expect(one.redisPrefix).toMatch(/^sessiond:memory-[0-9a-f]{16}$/);
    expect(two.redisPrefix).not.toBe(one.redisPrefix);
  });
});
