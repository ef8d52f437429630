/**
 * What a node records below the HTTP layer, read from /metrics as Prometheus would, caused the way
 * production causes it: a revocation through one node heard by another (every bus: SQLite file,
 * PostgreSQL NOTIFY, Redis, both, MySQL's table), a Redis link cut and restored, a mail server
 * that refuses mail, a database that does not answer in time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, QUERY_TIMEOUT_MS, type QueryErrorKind } from '../../src/adapters/kysely/connect.js';
import { loadConfig } from '../../src/config.js';
import type { SessionOrigin } from '../../src/core/session.js';
import { buildApp } from '../../src/http/app.js';
import { createRegistry, type Registry, type RegistryOverrides } from '../../src/registry.js';
import { freshDatabase, REDIS_URL, SHARED_ENGINES, type Engine, type TestDatabase } from '../support/databases.js';
import { PASSWORD } from '../support/harness.js';
import { testKeyFile } from '../support/secret-key.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const silent = new Writable({ write: (_c, _e, done) => done() });
const argon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const ORIGIN: SessionOrigin = {
  ip: '81.2.69.160',
  userAgent: null,
  device: { name: 'Mac', os: 'macOS', browser: null, type: 'desktop' },
  location: { city: null, region: null, country: null, latitude: null, longitude: null },
  deviceId: null,
};

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not before the deadline`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Node {
  registry: Registry;
  app: FastifyInstance;
}

async function node(config: Parameters<typeof loadConfig>[0], overrides: RegistryOverrides = {}): Promise<Node> {
  const registry = await createRegistry(loadConfig(config, {}), { argon2, logStream: silent, ...overrides });
  const app = await buildApp(registry, { logStream: silent });
  await app.ready();
  return { registry, app };
}

async function closeAll(nodes: (Node | undefined)[]): Promise<void> {
  for (const n of nodes) {
    await n?.app.close();
    await n?.registry.close();
  }
}

/** One sample of /metrics, by series with its labels as Prometheus writes them (`name{a="b"}`). */
async function scrape(n: Node): Promise<(series: string) => number> {
  const res = await n.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  const values = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    const m = /^(\S+) (\S+)$/.exec(line);
    if (m && !line.startsWith('#')) values.set(m[1]!, Number(m[2]));
  }
  return (series) => values.get(series) ?? NaN;
}

const LAG_COUNT = 'sessiond_revocation_lag_seconds_count';
const LAG_SUM = 'sessiond_revocation_lag_seconds_sum';

const BUSES: { bus: NonNullable<RegistryOverrides['bus']>; engine: Engine }[] = [
  { bus: 'sqlite', engine: 'sqlite' },
  { bus: 'postgres', engine: 'postgres' },
  { bus: 'redis', engine: 'postgres' },
  { bus: 'redis+postgres', engine: 'postgres' },
  { bus: 'table', engine: 'mysql' },
];

describe.each(BUSES.filter((b) => b.engine === 'sqlite' || SHARED_ENGINES.includes(b.engine)))(
  'revocation time to effect, two nodes on the $bus bus ($engine)',
  ({ bus, engine }) => {
    let dir: string | undefined;
    let database: TestDatabase;
    let nodes: Node[] = [];

    beforeAll(async () => {
      if (engine === 'sqlite') dir = mkdtempSync(path.join(tmpdir(), 'sessiond-lag-'));
      database = await freshDatabase(engine, dir ? path.join(dir, 'shared.db') : undefined);
      const config = {
        databaseUrl: database.url,
        ...(engine !== 'sqlite' ? { secretKeyFile: testKeyFile() } : {}),
        ...(bus.includes('redis') ? { redisUrl: REDIS_URL, redisPrefix: `sessiond-test:lag:${bus}:${process.pid}` } : {}),
      };
      nodes = [await node(config, { bus }), await node(config, { bus, migrate: false })];
      await until('both buses live', () => nodes.every((n) => n.registry.bus.isLive()));
    });
    afterAll(async () => {
      await closeAll(nodes);
      await database?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("a revocation through node 1 is observed on node 2's /metrics, once, as the delay from node 1's commit", async () => {
      const [one, two] = nodes as [Node, Node];
      const user = await one.registry.accounts.signUp({ email: `lag-${bus.replace('+', '-')}@example.com`, password: PASSWORD });
      const issued = await Promise.all([0, 1].map(() => one.registry.sessions.createSession(user.id, 'web', 'password', ORIGIN)));
      for (const { token } of issued) expect(await two.registry.sessions.validateSessionToken(token)).not.toBeNull();
      const before = (await scrape(two))(LAG_COUNT);
      expect(before).toBe(0);

      const started = Date.now();
      await one.registry.revocation.endSession(user.id, issued[0]!.session.id, { kind: 'system' });
      // Node 2 refuses the session once it has heard of it (the SQLite bus reads the log on its next request).
      await until(
        'node 2 refuses the revoked session',
        async () => (await two.registry.sessions.validateSessionToken(issued[0]!.token)) === null,
      );
      await until('node 2 observed it', async () => (await scrape(two))(LAG_COUNT) === 1);
      const elapsed = (Date.now() - started) / 1000;
      const lag = (await scrape(two))(LAG_SUM);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(elapsed);
      console.log(`[lag] ${bus} (${engine}): node 2 evicted ${(lag * 1000).toFixed(1)} ms after node 1's commit`);

      // A second revocation: one more observation, no more (a node on two buses hears each twice).
      await one.registry.revocation.endSession(user.id, issued[1]!.session.id, { kind: 'system' });
      await until('node 2 refuses the second', async () => (await two.registry.sessions.validateSessionToken(issued[1]!.token)) === null);
      await until('node 2 observed the second', async () => (await scrape(two))(LAG_COUNT) >= 2);
      const metrics = await scrape(two);
      expect(metrics(LAG_COUNT)).toBe(2);
      expect(metrics('sessiond_revocation_lag_seconds_bucket{le="10"}')).toBe(2);
      console.log(`[lag] ${bus} (${engine}): second revocation ${((metrics(LAG_SUM) - lag) * 1000).toFixed(1)} ms`);
    });
  },
);

describe.runIf(SHARED_ENGINES.includes('postgres'))('a bus gap: the Redis link cut and restored (postgres)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let n: Node | undefined;

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    proxy = await TcpProxy.for(REDIS_URL).start();
    n = await node(
      {
        databaseUrl: database.url,
        secretKeyFile: testKeyFile(),
        redisUrl: proxy.url(REDIS_URL),
        redisPrefix: `sessiond-test:gap:${process.pid}`,
      },
      { bus: 'redis' },
    );
    await until('the bus live', () => n!.registry.bus.isLive());
  });
  afterAll(async () => {
    proxy?.restore();
    await closeAll([n]);
    await proxy?.close();
    await database?.drop();
  });

  it('is observed once, as long as the bus was not live, when it is live again', async () => {
    const metrics = await scrape(n!);
    expect(metrics('sessiond_revocation_bus_gaps_total')).toBe(0);
    expect(metrics('sessiond_revocation_bus_gap_seconds_count')).toBe(0);

    proxy.cut();
    await until('the bus not live', () => !n!.registry.bus.isLive());
    const down = Date.now();
    // Down for a while: a gap shorter than this would not be this one.
    await until('half a second passed', () => Date.now() - down >= 500);
    proxy.restore();
    await until('the bus live again', () => n!.registry.bus.isLive());
    const up = Date.now();

    const after = await scrape(n!);
    expect(after('sessiond_revocation_bus_gaps_total')).toBe(1);
    expect(after('sessiond_revocation_bus_gap_seconds_count')).toBe(1);
    const gap = after('sessiond_revocation_bus_gap_seconds_sum');
    expect(gap).toBeGreaterThanOrEqual((up - down - 50) / 1000 - 0.05);
    expect(gap).toBeLessThanOrEqual((up - down) / 1000 + 0.5);
    console.log(`[gap] Redis cut for ${up - down} ms (seen from outside); observed gap ${(gap * 1000).toFixed(0)} ms`);
  });
});

describe('mail that the mail server refuses (sqlite, SMTP)', () => {
  let smtp: SmtpSink;
  let n: Node | undefined;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    n = await node({ databaseUrl: 'sqlite::memory:', smtpUrl: smtp.url, signUpMode: 'direct' }, { mailRetryDelayMs: 40 });
  });
  afterAll(async () => {
    await closeAll([n]);
    await smtp?.close();
  });

  const reset = (email: string) => n!.app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } });

  it('is counted failed by kind once its retries are spent, while the queue shows it waiting; delivered mail is counted sent', async () => {
    const { registry } = n!;
    await registry.accounts.signUp({ email: 'mail@example.com', password: PASSWORD });
    const failed = 'sessiond_mail_total{outcome="failed",kind="password_reset"}';
    const sent = 'sessiond_mail_total{outcome="sent",kind="password_reset"}';
    expect((await scrape(n!))(failed)).toBe(0);

    smtp.failNext(5);
    expect((await reset('mail@example.com')).statusCode).toBe(202);
    await until('the mail waits in the queue', async () => (await scrape(n!))('sessiond_mail_queue_depth') === 1);
    await until('the mail is given up', async () => (await scrape(n!))(failed) === 1);
    let metrics = await scrape(n!);
    expect(metrics('sessiond_mail_queue_depth')).toBe(0);
    expect(metrics(sent)).toBe(0);

    expect((await reset('mail@example.com')).statusCode).toBe(202);
    await smtp.waitFor((m) => m.to.includes('mail@example.com'));
    await until('the mail is counted sent', async () => (await scrape(n!))(sent) === 1);
    metrics = await scrape(n!);
    expect(metrics(failed)).toBe(1);
    expect(metrics('sessiond_mail_queue_depth')).toBe(0);
  });
});

describe.each(SHARED_ENGINES)('database errors and timeouts, counted at the driver (%s)', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase(engine);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('a statement with no answer within the query timeout is a timeout; a failing statement an error; a good one nothing', async () => {
    const kinds: QueryErrorKind[] = [];
    const { db } = connect(database.url, { queryTimeoutMs: 300, onQueryError: (kind) => kinds.push(kind) });
    try {
      await sql`select 1`.execute(db);
      expect(kinds).toEqual([]);
      await expect(sql`select * from no_such_table`.execute(db)).rejects.toThrow();
      expect(kinds).toEqual(['error']);
      // Inside a transaction too, and the transaction's own statements are not counted again.
      await expect(db.transaction().execute(async (tx) => sql`select * from no_such_table`.execute(tx))).rejects.toThrow();
      expect(kinds).toEqual(['error', 'error']);
      // Last: PostgreSQL's query timeout leaves the statement running on its connection.
      const sleep = engine === 'postgres' ? sql`select pg_sleep(2)` : sql`select sleep(2)`;
      await expect(sleep.execute(db)).rejects.toThrow();
      expect(kinds).toEqual(['error', 'error', 'timeout']);
    } finally {
      await db.destroy();
    }
  });
});

describe.runIf(SHARED_ENGINES.includes('postgres'))('a database timeout on /metrics: PostgreSQL stalled under a node', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let n: Node | undefined;

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    proxy = await TcpProxy.for(database.url).start();
    n = await node({ databaseUrl: proxy.url(database.url), secretKeyFile: testKeyFile() }, { bus: 'none' });
  });
  afterAll(async () => {
    proxy?.restore();
    await closeAll([n]);
    await proxy?.close();
    await database?.drop();
  });

  it('counts the statement that never got an answer as a timeout', async () => {
    const { registry } = n!;
    const user = await registry.accounts.signUp({ email: 'stalled@example.com', password: PASSWORD });
    const { token } = await registry.sessions.createSession(user.id, 'web', 'password', ORIGIN);
    const timeouts = 'sessiond_database_errors_total{kind="timeout"}';
    expect((await scrape(n!))(timeouts)).toBe(0);
    proxy.stall();
    // The request fails closed within the validation deadline; the statement itself times out
    // later. /metrics still answers while the database does not: the outage is what it must show.
    await expect(registry.sessions.validateSessionToken(token)).rejects.toThrow();
    await until('the statement timed out', async () => (await scrape(n!))(timeouts) >= 1, QUERY_TIMEOUT_MS + 5_000);
    // The active-session count cannot be known then: NaN, Prometheus's "no value", not a stale number.
    expect((await scrape(n!))('sessiond_active_sessions')).toBeNaN();
    proxy.restore();
    const metrics = await scrape(n!);
    expect(metrics(timeouts)).toBeGreaterThanOrEqual(1);
    expect(metrics('sessiond_database_errors_total{kind="error"}')).toBe(0);
    expect(metrics('sessiond_active_sessions')).toBe(1);
  }, 20_000);
});
