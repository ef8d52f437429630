/**
 * Errors adapters recover from by themselves are logged and counted, not swallowed: a node whose
 * Redis link is cut (its limits now per node, its bus not live), or whose PostgreSQL bus or pool
 * connections drop, says so in its log and in `sessiond_adapter_errors_total`. Links are broken
 * with a TCP proxy; the shared servers are never stopped.
 */
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AdapterErrors } from '../../src/adapters/adapter-errors.js';
import { postgresRevocationBus } from '../../src/adapters/bus/postgres-revocation-bus.js';
import { connect } from '../../src/adapters/kysely/connect.js';
import { ENGINES, POSTGRES_URL, freshDatabase } from '../support/databases.js';
import { harness, type Harness } from '../support/harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const REDIS_URL = process.env.SESSIOND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One sample of a Prometheus text exposition; undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length).split(' ')[0]!;
    if (want.every((l) => labelText.includes(l))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const warnings = (logs: string[], component: string) =>
  logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 40 && l.component === component);

function capture() {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  return { logs, errors: new AdapterErrors(pino({ level: 'info' }, stream)) };
}

describe('a node whose Redis link is cut', () => {
  let proxy: TcpProxy | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    await proxy?.close();
  });

  it('logs the rate limiter and bus errors at warn and counts them in sessiond_adapter_errors_total', async () => {
    proxy = await TcpProxy.for(REDIS_URL).start();
    h = await harness('sqlite', { redisUrl: proxy.url(REDIS_URL) });
    const metrics = async () => (await h!.request({ method: 'GET', url: '/metrics' })).body;

    // Healthy: every component's series is there, at 0, and the limiter counts in Redis.
    expect((await h.registry.rateLimiter.hit('adapter-errors-healthy', 10, 60_000)).allowed).toBe(true);
    const before = await metrics();
    for (const component of ['redis-limiter', 'redis-bus', 'postgres-bus', 'postgres-pool'])
      expect(sample(before, 'sessiond_adapter_errors_total', { component }), component).toBe(0);

    proxy.cut();
    // The limiter still answers (from this node's own counters), and says why.
    expect((await h.registry.rateLimiter.hit('adapter-errors-cut', 10, 60_000)).allowed).toBe(true);
    await until(async () => {
      const text = await metrics();
      return (
        (sample(text, 'sessiond_adapter_errors_total', { component: 'redis-limiter' }) ?? 0) > 0 &&
        (sample(text, 'sessiond_adapter_errors_total', { component: 'redis-bus' }) ?? 0) > 0
      );
    }, 'redis-limiter and redis-bus errors in /metrics');

    const limiterLines = warnings(h.logs, 'redis-limiter');
    expect(limiterLines.length).toBeGreaterThan(0);
    expect(limiterLines[0]).toMatchObject({
      msg: expect.stringContaining('counted by this node alone'),
      err: { message: expect.any(String) },
    });
    expect(warnings(h.logs, 'redis-bus')[0]).toMatchObject({ msg: expect.stringContaining('reads the database') });
    // The bus is not live either: the node reads the database until Redis is back.
    await until(async () => /^sessiond_revocation_bus_live 0$/m.test(await metrics()), 'the bus gauge at 0');
  });
});

describe.skipIf(!ENGINES.includes('postgres'))('PostgreSQL links cut', () => {
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
  });

  it('the LISTEN/NOTIFY bus reports its lost connection and failed heartbeats', async () => {
    const database = await freshDatabase('postgres');
    proxy = await TcpProxy.for(POSTGRES_URL).start();
    const { logs, errors } = capture();
    const bus = await postgresRevocationBus(proxy.url(database.url), {
      heartbeat: { intervalMs: 100, timeoutMs: 400 },
      onError: errors.reporter('postgres-bus'),
    });
    try {
      await until(() => bus.isLive(), 'the bus live');
      proxy.cut();
      await until(() => (errors.counts().get('postgres-bus') ?? 0) > 0, 'a postgres-bus error');
      expect(bus.isLive()).toBe(false);
      expect(warnings(logs, 'postgres-bus')[0]).toMatchObject({ err: { message: expect.any(String) } });
    } finally {
      await bus.close();
      await database.drop();
    }
  });

  it('the pool reports an idle connection that died', async () => {
    const database = await freshDatabase('postgres');
    proxy = await TcpProxy.for(POSTGRES_URL).start();
    const { logs, errors } = capture();
    const { db } = connect(proxy.url(database.url), { onError: errors.reporter('postgres-pool') });
    try {
      await sql`select 1`.execute(db); // leaves one idle connection in the pool
      expect(proxy.connections).toBeGreaterThan(0);
      proxy.cut();
      await until(() => (errors.counts().get('postgres-pool') ?? 0) > 0, 'a postgres-pool error');
      expect(warnings(logs, 'postgres-pool')[0]).toMatchObject({ msg: expect.stringContaining('the pool replaces it') });
    } finally {
      await db.destroy();
      await database.drop();
    }
  });

  it('a connection lost between two statements of a transaction fails that transaction, not the process', async () => {
    // A pooled client that is checked out, between statements, has no query to fail: pg emits
    // its error on the client, which crashed a node whose database link was cut at that moment.
    const database = await freshDatabase('postgres');
    const link = (proxy = await TcpProxy.for(POSTGRES_URL).start());
    const { errors } = capture();
    const { db } = connect(link.url(database.url), { onError: errors.reporter('postgres-pool') });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = await db
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          const dropped = link.connections;
          link.cut();
          // The client sees its socket close before the next statement is sent.
          await until(() => link.connections < dropped, 'the connection to drop');
          await new Promise((resolve) => setImmediate(resolve));
          await sql`select 1`.execute(trx);
        })
        .then(
          () => 'committed',
          () => 'failed',
        );
      expect(outcome).toBe('failed');
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.destroy().catch(() => {});
      await database.drop();
    }
  });
});
