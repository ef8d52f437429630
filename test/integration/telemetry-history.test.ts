/**
 * The built-in history's roller (src/telemetry/history.ts), with a fake clock:
 * - two nodes (two registries and apps on one database) each add what they counted, so the
 *   database holds the sum: the domain events in the scope of the user's workspace and the
 *   instance's, and the prom-client counters' deltas;
 * - a histogram's deltas per bucket (empty buckets too, when it changed), its sum and count, and
 *   only the allowlisted metrics; CPU seconds;
 * - minutes older than 48 hours rolled into hours, hours past the retention deleted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Counter, Histogram, Registry as PromRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyTelemetryStore } from '../../src/adapters/kysely/kysely-telemetry-store.js';
import { Background } from '../../src/core/background.js';
import { Recorder } from '../../src/core/events.js';
import { HOUR_MS, MINUTE_MS, SERIES, type TelemetryStore } from '../../src/core/ports/telemetry-store.js';
import { fixedClock } from '../../src/core/testing/fakes.js';
import { buildApp } from '../../src/http/app.js';
import { createRegistry, type Registry } from '../../src/registry.js';
import { historyOf, TelemetryHistory } from '../../src/telemetry/history.js';
import { ENGINES, freshDatabase, type TestDatabase } from '../support/databases.js';
import { harness, PASSWORD, type Harness } from '../support/harness.js';

const DAY = 24 * HOUR_MS;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

/** Sums of one scope's series in [from, to), by label. */
async function sums(store: TelemetryStore, scope: string, series: string, from: number, to: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const b of await store.read({ scope, series: [series], from, to, stepMs: MINUTE_MS })) out[b.label] = (out[b.label] ?? 0) + b.value;
  return out;
}

const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)] as const)
      .filter(([, v]) => v !== 0),
  );

for (const engine of ENGINES.filter((e) => e !== 'mysql')) {
  describe(`the history roller on two nodes (${engine})`, () => {
    let h: Harness;
    let dir: string;
    let nodeB: { registry: Registry; app: FastifyInstance };

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'sessiond-history-'));
      h = await harness(engine, { signInIpLimit: '100000/1m' }, path.join(dir, 'db.sqlite'));
      const quiet = new Writable({ write: (_c, _e, done) => done() });
      const registry = await createRegistry(h.registry.config, {
        clock: h.clock,
        argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
        logStream: quiet,
        migrate: false,
      });
      nodeB = { registry, app: await buildApp(registry, { logStream: quiet }) };
    });
    afterAll(async () => {
      await nodeB?.app.close();
      await nodeB?.registry.close();
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const onB = (o: InjectOptions) => nodeB.app.inject({ ...o, remoteAddress: '127.0.0.1' });
    const rollBoth = async () => {
      await historyOf(h.app)!.roll();
      await historyOf(nodeB.app)!.roll();
    };

    it('adds what each node counted: events in the workspace’s scope and the instance’s, counters summed', async () => {
      const store = h.registry.telemetryHistory;
      const owner = email('owner');
      expect((await h.signUp(owner)).statusCode).toBe(201);
      const token = await h.bearerSignIn(owner);
      // What happened before the workspace existed is counted before it exists.
      await rollBoth();
      const created = await h.request({
        method: 'POST',
        url: '/v1/admin/workspaces',
        headers: { authorization: `Bearer ${token}` },
        payload: { name: 'Acme' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const ws = created.json().workspace.id as string;

      const start = h.clock.now();
      const window = [start - (start % MINUTE_MS), start + DAY] as const;
      const before = {
        instance: await sums(store, '', SERIES.signIns, ...window),
        revocations: await sums(store, '', SERIES.revocations, ...window),
        validations: await sums(store, '', SERIES.validations, ...window),
      };

      // Node A: a sign-in and a wrong password for someone who has no account; node B: a wrong
      // password for the owner (known by address only), and the owner ends a session.
      const second = await h.bearerSignIn(owner);
      const wrong = (address: string) => ({
        method: 'POST' as const,
        url: '/v1/auth/sign-in',
        headers: { 'content-type': 'application/json' },
        payload: { email: address, password: `${PASSWORD}!`, client_id: 'web' },
      });
      expect((await h.request(wrong(email('nobody')))).statusCode).toBe(401);
      h.clock.advance(MINUTE_MS);
      expect((await onB(wrong(owner))).statusCode).toBe(401);
      const secondId = second.split('.')[0]!;
      const ended = await onB({ method: 'DELETE', url: `/v1/me/sessions/${secondId}`, headers: { authorization: `Bearer ${token}` } });
      expect(ended.statusCode, ended.body).toBe(204);
      for (let i = 0; i < 3; i++)
        expect((await onB({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
      h.clock.advance(MINUTE_MS);
      await rollBoth();

      expect(await sums(store, ws, SERIES.signIns, ...window)).toEqual({ 'outcome=success': 1, 'outcome=invalid_credentials': 1 });
      expect(await sums(store, ws, SERIES.revocations, ...window)).toEqual({ 'actor=user': 1 });
      expect(diff(await sums(store, '', SERIES.signIns, ...window), before.instance)).toEqual({
        'outcome=success': 1,
        'outcome=invalid_credentials': 2,
      });
      expect(diff(await sums(store, '', SERIES.revocations, ...window), before.revocations)).toEqual({ 'actor=user': 1 });
      // Each event in the minute it happened: the sign-in in the first, node B's in the next.
      const minute = start - (start % MINUTE_MS);
      expect(await sums(store, ws, SERIES.signIns, minute, minute + MINUTE_MS)).toEqual({ 'outcome=success': 1 });

      // The validations both nodes counted, summed: what each app's own /metrics shows.
      const counted = async (app: FastifyInstance) => {
        const metric = await app.metrics.registry.getSingleMetric('sessiond_session_validations_total')!.get();
        return metric.values.reduce((t, v) => t + v.value, 0);
      };
      const stored = diff(await sums(store, '', SERIES.validations, ...window), before.validations);
      const all = Object.values(await sums(store, '', SERIES.validations, ...window)).reduce((a, b) => a + b, 0);
      expect(all).toBe((await counted(h.app)) + (await counted(nodeB.app)));
      expect(Object.values(stored).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
      // Both nodes spent CPU time, and said so.
      expect(Object.values(await sums(store, '', SERIES.cpuSeconds, ...window))[0]).toBeGreaterThan(0);
    });
  });
}

describe('the history roller, one node', () => {
  let database: TestDatabase;
  let db: ReturnType<typeof connect>['db'];
  let store: TelemetryStore;
  const clock = fixedClock('2026-03-02T00:00:30Z');
  beforeAll(async () => {
    database = await freshDatabase('sqlite');
    db = connect(database.url).db;
    await migrateToLatest(db);
    store = kyselyTelemetryStore(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  function roller(metrics: PromRegistry, cpu: { user: number; system: number }, retentionMs = 30 * DAY) {
    const errors: unknown[] = [];
    const history = new TelemetryHistory({
      store,
      metrics,
      recorder: new Recorder(new Background(() => {})),
      clock,
      workspacesOf: async () => [],
      userIdOf: async () => null,
      retentionMs,
      onError: (err) => errors.push(err),
      cpuUsage: () => ({ ...cpu }),
    });
    return { history, errors };
  }

  it('adds the deltas of a histogram per bucket (its empty ones too), its sum and count, and CPU seconds; nothing else', async () => {
    const metrics = new PromRegistry();
    const latency = new Histogram({
      name: 'sessiond_operation_duration_seconds',
      help: 'h',
      labelNames: ['operation'] as const,
      buckets: [0.001, 0.01, 0.1],
      registers: [metrics],
    });
    new Counter({ name: 'sessiond_not_in_the_allowlist_total', help: 'c', registers: [metrics] }).inc(5);
    const cpu = { user: 1_000_000, system: 0 };
    const { history, errors } = roller(metrics, cpu);
    latency.observe({ operation: 'validation' }, 0.005);
    latency.observe({ operation: 'validation' }, 0.05);
    cpu.user += 250_000;
    cpu.system += 250_000;
    await history.roll();
    const m0 = clock.now() - (clock.now() % MINUTE_MS);
    const read = async (series: string, from: number) => sums(store, '', series, from, from + MINUTE_MS);
    expect(await read(SERIES.validationDuration, m0)).toEqual({
      'le=0.001,operation=validation': 0,
      'le=0.01,operation=validation': 1,
      'le=0.1,operation=validation': 2,
      'le=+Inf,operation=validation': 2,
    });
    expect(await read('sessiond_operation_duration_seconds_count', m0)).toEqual({ 'operation=validation': 2 });
    expect((await read('sessiond_operation_duration_seconds_sum', m0))['operation=validation']).toBeCloseTo(0.055, 10);
    expect(await read(SERIES.cpuSeconds, m0)).toEqual({ '': 0.5 });
    expect(await read('sessiond_not_in_the_allowlist_total', m0)).toEqual({});

    // The next minute: only what changed since.
    clock.advance(MINUTE_MS);
    latency.observe({ operation: 'validation' }, 0.0005);
    await history.roll();
    expect(await read(SERIES.validationDuration, m0 + MINUTE_MS)).toEqual({
      'le=0.001,operation=validation': 1,
      'le=0.01,operation=validation': 1,
      'le=0.1,operation=validation': 1,
      'le=+Inf,operation=validation': 1,
    });
    // Nothing changed, nothing written.
    clock.advance(MINUTE_MS);
    await history.roll();
    expect(await read(SERIES.validationDuration, m0 + 2 * MINUTE_MS)).toEqual({});
    expect(errors).toEqual([]);
  });

  it('rolls minutes older than 48 hours into hours, and deletes hours past the retention', async () => {
    const { history, errors } = roller(new PromRegistry(), { user: 0, system: 0 }, 10 * DAY);
    const now = clock.now();
    const hourAgo = (hours: number) => now - (now % HOUR_MS) - hours * HOUR_MS;
    await store.add(hourAgo(50), [{ scope: 'ws', series: SERIES.signIns, label: 'outcome=success', value: 2 }]);
    await store.add(hourAgo(50) + 5 * MINUTE_MS, [{ scope: 'ws', series: SERIES.signIns, label: 'outcome=success', value: 3 }]);
    await store.add(hourAgo(47), [{ scope: 'ws', series: SERIES.signIns, label: 'outcome=success', value: 7 }]);
    await store.add(hourAgo(11 * 24), [{ scope: 'ws', series: SERIES.signIns, label: 'outcome=success', value: 9 }]);
    await history.roll();
    const hours = await db.selectFrom('telemetry_hours').select(['hour', 'value']).where('scope', '=', 'ws').execute();
    expect(hours.map((r) => [Number(r.hour), Number(r.value)])).toEqual([[hourAgo(50), 5]]);
    const minutes = await db.selectFrom('telemetry_minutes').select(['minute', 'value']).where('scope', '=', 'ws').execute();
    expect(minutes.map((r) => [Number(r.minute), Number(r.value)])).toEqual([[hourAgo(47), 7]]);
    expect(errors).toEqual([]);
  });
});
