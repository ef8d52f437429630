/**
 * Part `scale-out` (issue 17): where one PostgreSQL and one Redis stop, measured on this machine.
 *
 * 1. Bus throughput: revocations per second one publishing node sustains on each bus (the real
 *    adapters from `dist/adapters/bus`) before the time to effect's p99 passes 50 ms, heard by 3
 *    subscribing buses in another process. The offered rate doubles each step until a step fails
 *    (p99 over 50 ms, a publish failed, an event not heard by every subscriber, or the publishing
 *    node could not send 95% of the offered rate).
 * 2. Fan-out: 10, 50 and 200 subscribing buses (each a real bus adapter with its own connections
 *    and heartbeat, what a node runs, without the rest of the node) in one process: time to effect
 *    at a fixed rate, and that process's CPU, idle (heartbeats only) and under load.
 * 3. Revoke-all: one user with 100,000 live sessions, ended by the store's `revokeSessions` (one
 *    statement, as `Revocation` calls it), while other users' sessions are read as a cold
 *    validation reads them (`findSession`).
 * 4. Purge: 1,000,000 ended sessions (`--scale-out-purge`) deleted as `serve` deletes them
 *    (`purgeEndedSessions`, 1,000 rows a statement, until none are left), while live sessions are
 *    read as above.
 *
 * Time to effect is from the moment `publish` is called (for PostgreSQL, `pg_notify` in its own
 * transaction: the publish is the commit) to the moment the last subscriber's listener runs. Each
 * event carries its send time in its session id: milliseconds of the system's monotonic clock
 * (`process.hrtime`, CLOCK_MONOTONIC), one clock for both processes. Not the wall clock, nor
 * `performance.timeOrigin`, which each process takes from the wall clock when it starts: on
 * 2026-12-08 the machine's wall clock stepped by ~6.35 s between the bench's start and the
 * subscribers', and every time to effect read 6,352 ms.
 *
 * The subscribers run in a child process started from this same file (`subscriberProcess`),
 * pinned to core 0, and talk to the bench over Node's IPC channel.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { RevocationBus, RevocationEvent } from '../../src/core/ports/revocation-bus.js';
import type { Store } from '../../src/core/ports/store.js';
import { int, median, ms, type Machine, type Section } from '../report.js';
import { REDIS_URL, benchSchema, log, pinned, seedSessiond, sleep, type Bench } from './shared.js';

/** Issue 5's target for time to effect, used as the limit here. */
const LIMIT_P99_MS = 50;
/** Offered rates (revocations per second) of the throughput steps, in order; stepping stops at the first failure. */
const RATES = [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000];
/** Subscribers hearing the throughput steps: three nodes, as in the revocation part. */
const THROUGHPUT_SUBSCRIBERS = 3;
/** A step fails, too, when the publishing node could not even send this share of the offered rate. */
const KEPT_UP = 0.95;
/** After a step, events still in flight are waited for this long before they count as unheard. */
const DRAIN_MS = 3_000;
/** PostgreSQL connections left for others (tests, the bench's own) when sizing the fan-out. */
const CONNECTION_MARGIN = 25;
/** Sessions read per validation loop, concurrently, during revoke-all and purge. */
const VALIDATION_LOOPS = 2;
const EVENT_USER = 'scale-out';
/** Milliseconds on the monotonic clock every process of the machine shares. */
const now = () => Number(process.hrtime.bigint()) / 1e6;

type BusKind = 'postgres' | 'redis';
type BusFactory = (url: string, options: { onError: (err: unknown) => void; channel?: string }) => Promise<RevocationBus>;

/** The bus adapters of the build under test (`--dist`). */
async function busFactory(dist: string, kind: BusKind): Promise<BusFactory> {
  if (kind === 'postgres') {
    const m = (await import(pathToFileURL(path.join(dist, 'adapters/bus/postgres-revocation-bus.js')).href)) as {
      postgresRevocationBus: BusFactory;
    };
    return m.postgresRevocationBus;
  }
  const m = (await import(pathToFileURL(path.join(dist, 'adapters/bus/redis-revocation-bus.js')).href)) as {
    redisRevocationBus: BusFactory;
  };
  return m.redisRevocationBus;
}

// ---------------------------------------------------------------------------------------------
// The subscribers' process.

type ToChild =
  | { op: 'open'; dist: string; kind: BusKind; url: string; channel?: string; count: number }
  | { op: 'start' }
  | { op: 'stop'; expected: number; waitMs: number }
  | { op: 'close' };

interface StepHeard {
  /** Per event heard by every subscriber: the last subscriber's time to effect (ms). */
  effects: number[];
  /** Events some subscriber had not heard at the end. */
  unheard: number;
  /** Listener calls for measured events (events x subscribers). */
  deliveries: number;
  cpuSeconds: number;
  wallSeconds: number;
  errors: number;
}

type FromChild = { op: 'opened'; live: number; seconds: number } | { op: 'started' } | ({ op: 'stopped' } & StepHeard) | { op: 'closed' };

async function subscriberProcess(): Promise<void> {
  const reply = (m: FromChild) => process.send!(m);
  const buses: RevocationBus[] = [];
  let count = 0;
  let pending = new Map<number, { heard: number; max: number }>();
  let effects: number[] = [];
  let deliveries = 0;
  let errors = 0;
  let cpu0 = process.cpuUsage();
  let wall0 = now();
  const listener = (event: RevocationEvent) => {
    if (event.kind !== 'session' || event.userId !== EVENT_USER) return;
    const heardAt = now();
    const colon = event.sessionId.indexOf(':');
    const seq = Number(event.sessionId.slice(0, colon));
    const effect = heardAt - Number(event.sessionId.slice(colon + 1));
    deliveries++;
    let entry = pending.get(seq);
    if (!entry) pending.set(seq, (entry = { heard: 0, max: 0 }));
    entry.heard++;
    if (effect > entry.max) entry.max = effect;
    if (entry.heard === count) {
      effects.push(entry.max);
      pending.delete(seq);
    }
  };
  // The bench ended without closing us (it failed or was killed): nothing is left running.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: ToChild) => {
    void (async () => {
      if (message.op === 'open') {
        const from = now();
        const create = await busFactory(message.dist, message.kind);
        count = message.count;
        // A few at a time: hundreds of connections opened at once time out on 2 shared cores.
        for (let i = 0; i < message.count; i += 10) {
          const batch = await Promise.all(
            Array.from({ length: Math.min(10, message.count - i) }, () =>
              create(message.url, {
                onError: () => errors++,
                ...(message.channel ? { channel: message.channel } : {}),
              }),
            ),
          );
          for (const bus of batch) {
            bus.subscribe(listener);
            buses.push(bus);
          }
        }
        const deadline = Date.now() + 60_000;
        while (buses.some((b) => !b.isLive()) && Date.now() < deadline) await sleep(50);
        reply({ op: 'opened', live: buses.filter((b) => b.isLive()).length, seconds: (now() - from) / 1000 });
      } else if (message.op === 'start') {
        pending = new Map();
        effects = [];
        deliveries = 0;
        errors = 0;
        cpu0 = process.cpuUsage();
        wall0 = now();
        reply({ op: 'started' });
      } else if (message.op === 'stop') {
        const deadline = now() + message.waitMs;
        while (effects.length < message.expected && now() < deadline) await sleep(10);
        const cpu = process.cpuUsage(cpu0);
        reply({
          op: 'stopped',
          effects,
          unheard: message.expected - effects.length,
          deliveries,
          cpuSeconds: (cpu.user + cpu.system) / 1e6,
          wallSeconds: (now() - wall0) / 1000,
          errors,
        });
      } else {
        await Promise.all(buses.splice(0).map((b) => b.close()));
        reply({ op: 'closed' });
        process.exit(0);
      }
    })();
  });
}

/** The parent's handle on the subscribers' process: one request, one answer, in order. */
class Subscribers {
  readonly #child: ChildProcess;
  readonly #waiting: ((m: FromChild) => void)[] = [];

  constructor(bench: Bench) {
    const [command, args] = pinned(bench.options, 0, process.execPath, [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      SUBSCRIBERS_ARG,
    ]);
    this.#child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (m: FromChild) => this.#waiting.shift()?.(m));
    this.#child.on('exit', (code) => {
      for (const w of this.#waiting.splice(0)) w({ op: 'closed' });
      if (code) log(`scale-out: the subscribers' process exited with ${code}`);
    });
  }

  ask<T extends FromChild>(message: ToChild, timeoutMs = 120_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`scale-out: no answer to ${message.op} within ${timeoutMs / 1000} s`)), timeoutMs);
      this.#waiting.push((m) => {
        clearTimeout(timer);
        resolve(m as T);
      });
      this.#child.send(message);
    });
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || !this.#child.connected) return;
    await this.ask({ op: 'close' }, 30_000).catch(() => this.#child.kill('SIGKILL'));
  }
}

const SUBSCRIBERS_ARG = '--scale-out-subscribers-process';
if (process.argv.includes(SUBSCRIBERS_ARG)) void subscriberProcess();

// ---------------------------------------------------------------------------------------------
// Measurements.

/**
 * CPU seconds used so far by each process whose command is `name` (PostgreSQL's backends, Redis),
 * by pid. Compare two readings with `cpuSince`: a backend that started or ended in between (other
 * users' connections) would otherwise add or subtract its whole life's CPU.
 */
function cpuOf(name: string): Map<string, number> {
  const ticks = 100;
  const byPid = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== name) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(pid, (Number(fields[11]) + Number(fields[12])) / ticks);
    } catch {
      // The process ended meanwhile.
    }
  }
  return byPid;
}

/** CPU seconds the processes alive at both readings used between them. */
function cpuSince(before: Map<string, number>, name: string): number {
  let total = 0;
  for (const [pid, cpu] of cpuOf(name)) {
    const was = before.get(pid);
    if (was !== undefined) total += cpu - was;
  }
  return total;
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Math.max(...values) overflows the stack past about 100,000 values. */
function maxOf(values: number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

interface Step {
  kind: BusKind;
  subscribers: number;
  offered: number;
  /** Revocations published per second, as achieved. */
  published: number;
  failed: number;
  heard: StepHeard;
  p50: number;
  p99: number;
  max: number;
  /** Share of one core: the subscribers' process, and the bus server (PostgreSQL or Redis processes). */
  subscriberCpu: number;
  serverCpu: number;
  load: string;
  ok: boolean;
  /** Failed, and was run again (the next row). */
  retried?: boolean;
}

/**
 * Publishes `rate` revocations a second for `seconds` through `publisher`, without waiting for
 * one publish before the next (as concurrent requests on one node do), and collects what the
 * subscribers heard.
 */
async function offer(
  publisher: RevocationBus,
  subscribers: Subscribers,
  kind: BusKind,
  count: number,
  rate: number,
  seconds: number,
): Promise<Step> {
  await subscribers.ask({ op: 'start' });
  const server = kind === 'postgres' ? 'postgres' : 'redis-server';
  const serverCpu0 = cpuOf(server);
  const load = loadAverage();
  const publishes: Promise<void>[] = [];
  let failed = 0;
  let sent = 0;
  const from = now();
  for (;;) {
    const elapsed = (now() - from) / 1000;
    if (elapsed >= seconds) break;
    const due = Math.floor(rate * elapsed);
    while (sent < due) {
      const seq = sent++;
      publishes.push(
        publisher.publish({ kind: 'session', userId: EVENT_USER, sessionId: `${seq}:${now().toFixed(3)}` }).catch(() => {
          failed++;
        }),
      );
    }
    await sleep(2);
  }
  const publishedIn = (now() - from) / 1000;
  await Promise.all(publishes);
  const heard = await subscribers.ask<{ op: 'stopped' } & StepHeard>({ op: 'stop', expected: sent - failed, waitMs: DRAIN_MS });
  const serverCpu = cpuSince(serverCpu0, server) / heard.wallSeconds;
  // An event nobody heard counts as late as can be.
  const effects = [...heard.effects, ...Array<number>(Math.max(0, heard.unheard)).fill(Infinity)];
  const p99 = percentile(effects, 99);
  return {
    kind,
    subscribers: count,
    offered: rate,
    published: sent / publishedIn,
    failed,
    heard,
    p50: percentile(effects, 50),
    p99,
    max: maxOf(effects),
    subscriberCpu: heard.cpuSeconds / heard.wallSeconds,
    serverCpu,
    load,
    ok: failed === 0 && heard.unheard === 0 && p99 <= LIMIT_P99_MS && sent / publishedIn >= KEPT_UP * rate,
  };
}

const fmtStep = (s: Step) =>
  `${s.kind.padEnd(8)} ${String(s.subscribers).padStart(3)} subscribers  offered ${int(s.offered).padStart(6)}/s  published ${int(s.published).padStart(6)}/s  ` +
  (s.offered ? `effect p50 ${ms(s.p50)} p99 ${ms(s.p99)} max ${ms(s.max)}  ` : 'no revocations  ') +
  `subscribers' CPU ${Math.round(100 * s.subscriberCpu)}%  ` +
  `${s.kind === 'postgres' ? 'PostgreSQL' : 'Redis'} CPU ${Math.round(100 * s.serverCpu)}%` +
  (s.failed ? `  failed ${s.failed}` : '') +
  (s.heard.unheard ? `  unheard ${s.heard.unheard}` : '') +
  `  load ${s.load}`;

interface BusRun {
  kind: BusKind;
  url: string;
  channel?: string;
}

async function withBus<T>(
  bench: Bench,
  run: BusRun,
  count: number,
  body: (publisher: RevocationBus, subs: Subscribers) => Promise<T>,
): Promise<T> {
  const create = await busFactory(bench.options.dist, run.kind);
  const subscribers = new Subscribers(bench);
  let publisher: RevocationBus | undefined;
  try {
    const opened = await subscribers.ask<{ op: 'opened'; live: number; seconds: number }>({
      op: 'open',
      dist: bench.options.dist,
      kind: run.kind,
      url: run.url,
      ...(run.channel ? { channel: run.channel } : {}),
      count,
    });
    if (opened.live !== count) throw new Error(`scale-out: only ${opened.live} of ${count} ${run.kind} subscribers became live`);
    publisher = await create(run.url, { onError: () => {}, ...(run.channel ? { channel: run.channel } : {}) });
    const deadline = Date.now() + 30_000;
    while (!publisher.isLive()) {
      if (Date.now() > deadline) throw new Error(`scale-out: the ${run.kind} publisher did not become live`);
      await sleep(50);
    }
    return await body(publisher, subscribers);
  } finally {
    await publisher?.close();
    await subscribers.close();
  }
}

/** Doubles the offered rate until a step fails; returns every step. */
async function throughput(bench: Bench, run: BusRun): Promise<Step[]> {
  const seconds = bench.options.scaleOut.stepSeconds;
  return withBus(bench, run, THROUGHPUT_SUBSCRIBERS, async (publisher, subscribers) => {
    // Unmeasured: connections warm, JIT.
    await offer(publisher, subscribers, run.kind, THROUGHPUT_SUBSCRIBERS, 200, 1);
    const steps: Step[] = [];
    for (const rate of RATES) {
      let step = await offer(publisher, subscribers, run.kind, THROUGHPUT_SUBSCRIBERS, rate, seconds);
      log(`scale-out: ${fmtStep(step)}`);
      if (!step.ok) {
        // Other work on a shared machine can spoil one step: a rate fails only if it fails twice.
        steps.push({ ...step, retried: true });
        step = await offer(publisher, subscribers, run.kind, THROUGHPUT_SUBSCRIBERS, rate, seconds);
        log(`scale-out: again: ${fmtStep(step)}`);
      }
      steps.push(step);
      if (!step.ok) break;
    }
    return steps;
  });
}

interface FanOut {
  idle: Step;
  loaded: Step;
}

/** `count` subscribers: idle (heartbeats only) for a step, then at the fan-out rate. */
async function fanOut(bench: Bench, run: BusRun, count: number): Promise<FanOut> {
  const { stepSeconds, fanOutRate } = bench.options.scaleOut;
  return withBus(bench, run, count, async (publisher, subscribers) => {
    await offer(publisher, subscribers, run.kind, count, 50, 1);
    const idle = await offer(publisher, subscribers, run.kind, count, 0, stepSeconds);
    const loaded = await offer(publisher, subscribers, run.kind, count, fanOutRate, stepSeconds);
    log(`scale-out: idle    ${fmtStep(idle)}`);
    log(`scale-out: loaded  ${fmtStep(loaded)}`);
    return { idle, loaded };
  });
}

/** How many more PostgreSQL connections this server accepts, less a margin for everyone else. */
async function spareConnections(query: <T>(sql: string) => Promise<T[]>): Promise<{ max: number; used: number; spare: number }> {
  const [row] = await query<{ max: string; used: string }>(
    `select current_setting('max_connections') as max, (select count(*) from pg_stat_activity) as used`,
  );
  const max = Number(row!.max);
  const used = Number(row!.used);
  return { max, used, spare: max - used - CONNECTION_MARGIN };
}

// ---------------------------------------------------------------------------------------------
// Revoke-all and purge: sessions generated in SQL from one made by sessiond, as the scale part does.

interface Generated {
  store: Store;
  close(): Promise<void>;
  /** A live session's id, from those generated for other users. */
  liveId(): string;
}

type Schema = Awaited<ReturnType<typeof benchSchema>>;

/** Every column copied from the template row, identities and times overridden. */
async function copyRows(database: Schema, table: string, overrides: Record<string, string>, from: string, where = ''): Promise<void> {
  const cols = (
    await database.query<{ column_name: string }>(
      'select column_name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position',
      [database.schema, table],
    )
  ).map((r) => r.column_name);
  await database.query(
    `insert into ${table} (${cols.join(', ')}) select ${cols.map((c) => overrides[c] ?? `t.${c}`).join(', ')} from ${from} ${where}`,
  );
}

/**
 * A template user and session through sessiond, then `users` other users with `live` live
 * sessions among them (ids `l<n>`), and whatever `more` adds. Returns a store on the schema.
 */
async function generate(
  bench: Bench,
  database: Schema,
  users: number,
  live: number,
  more: (templateId: string) => Promise<void>,
): Promise<Generated> {
  const [template] = await seedSessiond(bench, database.url, 1);
  const templateId = template!.slice(0, 22);
  await copyRows(
    database,
    'users',
    { id: `'ou' || lpad(g::text, 20, '0')`, email: `'other' || g || '@sessiond.test'`, email_key: `'other' || g || '@sessiond.test'` },
    `users t cross join generate_series(1, ${users}) g`,
  );
  await copyRows(
    database,
    'sessions',
    {
      id: `'l' || lpad(g::text, 21, '0')`,
      user_id: `'ou' || lpad((1 + g % ${users})::text, 20, '0')`,
      secret_hash: `md5(g::text)`,
      device_id: `'live-device-' || g`,
    },
    `sessions t cross join generate_series(1, ${live}) g`,
    `where t.id = '${templateId}'`,
  );
  await more(templateId);
  await database.query('analyze');
  const { connect } = (await import(pathToFileURL(path.join(bench.options.dist, 'adapters/kysely/connect.js')).href)) as {
    connect(url: string, options?: { poolSize?: number }): { db: { destroy(): Promise<void> } };
  };
  const { kyselyStore } = (await import(pathToFileURL(path.join(bench.options.dist, 'adapters/kysely/kysely-store.js')).href)) as {
    kyselyStore(db: unknown): Store;
  };
  const { db } = connect(database.url, { poolSize: VALIDATION_LOOPS + 2 });
  return {
    store: kyselyStore(db),
    close: () => db.destroy(),
    liveId: () => `l${String(1 + Math.floor(Math.random() * live)).padStart(21, '0')}`,
  };
}

interface Reads {
  before: number[];
  during: number[];
  /** Baseline reads per second, and per CPU-second of PostgreSQL's processes and of the reading process. */
  baseline: { perSecond: number; perPostgresCpuSecond: number; perClientCpuSecond: number };
}

/**
 * Cold validations' database reads (`findSession` of live sessions, `VALIDATION_LOOPS` at a time)
 * for `baselineMs`, then for as long as `operation` runs. Returns the operation's result and the
 * read latencies before and during it.
 */
async function readWhile<T>(
  generated: Generated,
  baselineMs: number,
  operation: () => Promise<T>,
): Promise<{ result: T; seconds: number; reads: Reads }> {
  const reads: Reads = { before: [], during: [], baseline: { perSecond: NaN, perPostgresCpuSecond: NaN, perClientCpuSecond: NaN } };
  let phase: 'before' | 'during' | 'done' = 'before';
  let missing = 0;
  const loop = async () => {
    while (phase !== 'done') {
      const into = reads[phase];
      const from = performance.now();
      const found = await generated.store.findSession(generated.liveId());
      into.push(performance.now() - from);
      if (!found) missing++;
    }
  };
  // The pool's connections (PostgreSQL backends) exist before the CPU reading: only processes
  // alive at both readings are counted.
  await Promise.all(Array.from({ length: VALIDATION_LOOPS }, () => generated.store.findSession(generated.liveId())));
  const pg0 = cpuOf('postgres');
  const client0 = process.cpuUsage();
  const baselineFrom = performance.now();
  const loops = Array.from({ length: VALIDATION_LOOPS }, loop);
  await sleep(baselineMs);
  phase = 'during';
  const client = process.cpuUsage(client0);
  reads.baseline = {
    perSecond: reads.before.length / ((performance.now() - baselineFrom) / 1000),
    perPostgresCpuSecond: reads.before.length / cpuSince(pg0, 'postgres'),
    perClientCpuSecond: reads.before.length / ((client.user + client.system) / 1e6),
  };
  const from = performance.now();
  try {
    const result = await operation();
    const seconds = (performance.now() - from) / 1000;
    phase = 'done';
    await Promise.all(loops);
    if (missing) throw new Error(`scale-out: ${missing} live sessions were not found while reading`);
    return { result, seconds, reads };
  } finally {
    phase = 'done';
  }
}

interface RevokeAll {
  sessions: number;
  revoked: number;
  seconds: number;
  reads: Reads;
  load: string;
}

async function revokeAll(bench: Bench): Promise<RevokeAll> {
  const count = bench.options.scaleOut.revokeAllSessions;
  const database = await benchSchema();
  let generated: Generated | undefined;
  try {
    log(`scale-out: revoke-all: one user with ${int(count)} sessions, 1,000 other users with 100,000, schema ${database.schema}`);
    let userId = '';
    generated = await generate(bench, database, 1_000, 100_000, async (templateId) => {
      userId = (await database.query<{ user_id: string }>('select user_id from sessions where id = $1', [templateId]))[0]!.user_id;
      await copyRows(
        database,
        'sessions',
        { id: `'r' || lpad(g::text, 21, '0')`, secret_hash: `md5(g::text)`, device_id: `'revoke-device-' || g` },
        `sessions t cross join generate_series(1, ${count - 1}) g`,
        `where t.id = '${templateId}'`,
      );
    });
    const store = generated.store;
    const load = loadAverage();
    const { result, seconds, reads } = await readWhile(generated, 3_000, () => store.revokeSessions({ userId }, 'revoke_all', Date.now()));
    log(
      `scale-out: revoke-all: ${int(result)} sessions in ${seconds.toFixed(2)} s; reads p99 ${ms(percentile(reads.before, 99))} before, ${ms(percentile(reads.during, 99))} during`,
    );
    return { sessions: count, revoked: result, seconds, reads, load };
  } finally {
    await generated?.close();
    await database.drop();
  }
}

interface Purge {
  ended: number;
  live: number;
  purged: number;
  seconds: number;
  insertSeconds: number;
  reads: Reads;
  bytesBefore: number;
  load: string;
  /** A statement that failed (the purge stops there, as `serve`'s does): what it said, and how long it ran. */
  failure?: { message: string; afterSeconds: number };
}

async function purge(bench: Bench): Promise<Purge> {
  const ended = bench.options.scaleOut.purgeSessions;
  const live = 100_000;
  const database = await benchSchema();
  let generated: Generated | undefined;
  try {
    log(`scale-out: purge: ${int(ended)} ended sessions and ${int(live)} live ones, schema ${database.schema}`);
    const insertFrom = Date.now();
    const dayMs = 86_400_000;
    const endedAt = Date.now() - 100 * dayMs;
    generated = await generate(bench, database, 10_000, live, async (templateId) => {
      // Half expired long ago, half revoked long ago (kept 30 days by default, so both are due).
      await copyRows(
        database,
        'sessions',
        {
          id: `'e' || lpad(g::text, 21, '0')`,
          user_id: `'ou' || lpad((1 + g % 10000)::text, 20, '0')`,
          secret_hash: `md5(g::text)`,
          device_id: `'ended-device-' || g`,
          expires_at: `case when g % 2 = 0 then ${endedAt} else t.expires_at end`,
          revoked_at: `case when g % 2 = 1 then ${endedAt} else null end`,
          revoke_reason: `case when g % 2 = 1 then 'sign_out' else null end`,
        },
        `sessions t cross join generate_series(1, ${ended}) g`,
        `where t.id = '${templateId}'`,
      );
    });
    const insertSeconds = (Date.now() - insertFrom) / 1000;
    const [size] = await database.query<{ total: string }>(`select pg_total_relation_size('sessions') as total`);
    const store = generated.store;
    const load = loadAverage();
    const before = Date.now() - 30 * dayMs;
    log(`scale-out: purge: generated in ${insertSeconds.toFixed(0)} s; purging 1,000 rows a statement`);
    let failure: Purge['failure'];
    const { result, seconds, reads } = await readWhile(generated, 3_000, async () => {
      // What Sessions.purgeEndedSessions does (batch 1,000, until a batch comes back short).
      let total = 0;
      for (;;) {
        const from = performance.now();
        try {
          const n = await store.purgeEndedSessions(before, 1_000);
          total += n;
          if (total % 100_000 < 1_000 && n === 1_000) log(`scale-out: purge: ${int(total)} deleted`);
          if (n < 1_000) return total;
        } catch (err) {
          // Reported, not thrown: where the purge stops is a result.
          failure = { message: (err as Error).message, afterSeconds: (performance.now() - from) / 1000 };
          log(`scale-out: purge: a statement failed after ${failure.afterSeconds.toFixed(1)} s: ${failure.message}`);
          return total;
        }
      }
    });
    log(
      `scale-out: purge: ${int(result)} in ${seconds.toFixed(1)} s; reads p99 ${ms(percentile(reads.before, 99))} before, ${ms(percentile(reads.during, 99))} during`,
    );
    return {
      ended,
      live,
      purged: result,
      seconds,
      insertSeconds,
      reads,
      bytesBefore: Number(size!.total),
      load,
      ...(failure ? { failure } : {}),
    };
  } finally {
    await generated?.close();
    await database.drop();
  }
}

// ---------------------------------------------------------------------------------------------

export async function scaleOutPart(bench: Bench): Promise<void> {
  const { machine, sections } = bench;
  const partStarted = Date.now();
  const database = await benchSchema();
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // Pub/sub channels are global to a Redis server: the bench's own, heard by nobody else.
  const channel = `sessiond-bench-${randomBytes(5).toString('hex')}:revocations`;
  try {
    await redis.connect();
    const runs: BusRun[] = [
      // The bus's channel is named after the schema in the URL's search_path.
      { kind: 'postgres', url: database.url },
      { kind: 'redis', url: REDIS_URL, channel },
    ];
    const throughputSteps: Step[] = [];
    for (const run of runs) {
      log(`scale-out: ${run.kind} throughput, ${THROUGHPUT_SUBSCRIBERS} subscribers, ${bench.options.scaleOut.stepSeconds} s a step`);
      throughputSteps.push(...(await throughput(bench, run)));
    }
    const fanOuts: FanOut[] = [];
    const skipped: string[] = [];
    const connections = await spareConnections(database.query);
    // A PostgreSQL bus holds a listening connection and at least one for its heartbeat.
    const fits = Math.floor(connections.spare / 2);
    for (const run of runs) {
      const counts: number[] = [];
      for (const count of bench.options.scaleOut.subscribers) {
        if (run.kind === 'postgres' && count > fits) {
          skipped.push(
            `PostgreSQL with ${count} subscribers: each bus holds 2 connections (LISTEN, and NOTIFY for its heartbeat), and this server allows ${connections.max} (${connections.used} in use, ${CONNECTION_MARGIN} kept for others); measured with ${fits} instead, the most that fit`,
          );
          log(`scale-out: skipped ${skipped.at(-1)}`);
          if (fits > 0 && !counts.includes(fits)) counts.push(fits);
        } else if (!counts.includes(count)) counts.push(count);
      }
      for (const count of counts) {
        log(`scale-out: ${run.kind} fan-out, ${count} subscribers`);
        fanOuts.push(await fanOut(bench, run, count));
      }
    }
    const revoke = await revokeAll(bench);
    const purged = await purge(bench);
    sections.push(
      render(machine, bench, { throughputSteps, fanOuts, skipped, revoke, purged, seconds: (Date.now() - partStarted) / 1000 }),
    );
  } finally {
    await database.drop();
    redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Report.

interface Results {
  throughputSteps: Step[];
  fanOuts: FanOut[];
  skipped: string[];
  revoke: RevokeAll;
  purged: Purge;
  seconds: number;
}

const busName = (kind: BusKind) => (kind === 'postgres' ? 'PostgreSQL `LISTEN/NOTIFY`' : 'Redis pub/sub');
const pctOf = (x: number) => `${Math.round(100 * x)}%`;
const msOrNever = (x: number) => (Number.isFinite(x) ? ms(x) : 'unheard');

/** The highest offered rate whose step passed, per bus. */
function limits(steps: Step[]): { kind: BusKind; sustained: number; failedAt: Step | undefined }[] {
  return (['postgres', 'redis'] as const).map((kind) => {
    const mine = steps.filter((s) => s.kind === kind);
    const passed = mine.filter((s) => s.ok);
    const last = mine.at(-1);
    return {
      kind,
      sustained: passed.length ? Math.max(...passed.map((s) => s.offered)) : 0,
      failedAt: last && !last.ok ? last : undefined,
    };
  });
}

function render(m: Machine, bench: Bench, r: Results): Section {
  const { stepSeconds, fanOutRate } = bench.options.scaleOut;
  const lim = limits(r.throughputSteps);
  const p99 = (x: number[]) => ms(percentile(x, 99));
  const readRow = (what: string, x: number[]) => `| ${what} | ${int(x.length)} | ${ms(median(x))} | ${p99(x)} | ${ms(maxOf(x))} |`;
  const purgeRate = r.purged.purged / r.purged.seconds;
  const markdown = [
    '## Scale-out: bus throughput, fan-out, revoke-all, purge',
    '',
    `Measured ${m.date} by \`npm run bench -- --only=scale-out\` (this part took ${Math.round(r.seconds)} s; load average at the start of the run ${m.loadAverage}; ${m.cpu}, ${m.cores} cores, ${m.memory} RAM, Node ${m.node}, commit ${m.commit}). The load average at each step is in its row. docs/scale.md turns these figures into a capacity model.`,
    '',
    '### Revocations per second per bus',
    '',
    `- One publishing bus (the adapter from \`dist/adapters/bus\`, as one node holds it) in the bench process, ${THROUGHPUT_SUBSCRIBERS} subscribing buses in another process pinned to core 0; PostgreSQL 15 and Redis 7 on the same machine. Each step publishes at the offered rate for ${stepSeconds} s without waiting for one publish before the next, as concurrent requests on a node do; the rate doubles until a step fails: time to effect p99 over ${LIMIT_P99_MS} ms, a publish failed, an event not heard by every subscriber within ${DRAIN_MS / 1000} s, or the publishing node sent less than ${pctOf(KEPT_UP)} of the offered rate (its own CPU was the limit). A failed step is run once more (other work on the shared machine can spoil one); the rate fails when it fails twice.`,
    '- Time to effect: from the call to `publish` (for PostgreSQL, `select pg_notify(…)` in its own transaction, so the publish is the commit) to the moment the last of the subscribers hears the event.',
    '',
    '| Bus | Offered/s | Published/s | p50 | p99 | max | Subscribers\u2019 CPU | Server CPU | Load average | Passed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...r.throughputSteps.map(
      (s) =>
        `| ${busName(s.kind)} | ${int(s.offered)} | ${int(s.published)} | ${msOrNever(s.p50)} | ${msOrNever(s.p99)} | ${msOrNever(s.max)} | ${pctOf(s.subscriberCpu)} | ${pctOf(s.serverCpu)} | ${s.load} | ${s.ok ? 'yes' : `${s.retried ? 'no, run again' : 'no'}${s.failed ? ` (${int(s.failed)} publishes failed)` : ''}${s.heard.unheard > 0 ? ` (${int(s.heard.unheard)} unheard)` : ''}`} |`,
    ),
    '',
    ...lim.map(
      (l) =>
        `**${busName(l.kind)}: ${int(l.sustained)} revocations per second sustained** by one publishing node with p99 at most ${LIMIT_P99_MS} ms` +
        (l.failedAt ? `; at ${int(l.failedAt.offered)}/s the p99 was ${msOrNever(l.failedAt.p99)}.` : ' (the highest rate tried).'),
    ),
    '',
    '### Fan-out: subscribers',
    '',
    `- N subscribing buses in one process (pinned to core 0), each a real bus adapter with its own connections and its own heartbeat every 500 ms, as a node has; one publisher. Idle: ${stepSeconds} s with no revocation (heartbeats only: every bus hears every other bus's heartbeats). Loaded: ${int(fanOutRate)} revocations per second for ${stepSeconds} s. CPU: the subscribers' process, as a share of one core, and per subscriber; server CPU: every \`postgres\` or \`redis-server\` process on the machine (other users of the shared servers included).`,
    '- One process on one core stands for N nodes on N machines, so the latency at large N is an upper bound; the CPU per subscriber is what each node would spend.',
    '',
    '| Bus | Subscribers | Idle CPU (all / per subscriber) | Loaded CPU (all / per subscriber) | Server CPU idle / loaded | Effect p50 | p99 | max | Load average |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...r.fanOuts.map(
      (f) =>
        `| ${busName(f.loaded.kind)} | ${f.loaded.subscribers} | ${pctOf(f.idle.subscriberCpu)} / ${((1000 * f.idle.subscriberCpu) / f.idle.subscribers).toFixed(2)} ms/s | ${pctOf(f.loaded.subscriberCpu)} / ${((1000 * f.loaded.subscriberCpu) / f.loaded.subscribers).toFixed(2)} ms/s | ${pctOf(f.idle.serverCpu)} / ${pctOf(f.loaded.serverCpu)} | ${msOrNever(f.loaded.p50)} | ${msOrNever(f.loaded.p99)} | ${msOrNever(f.loaded.max)} | ${f.loaded.load} |`,
    ),
    ...(r.skipped.length ? ['', ...r.skipped.map((s) => `- Not measured: ${s}.`)] : []),
    '',
    '### Revoke-all for one user',
    '',
    `- A fresh schema migrated by sessiond; one user and session made through sessiond, then ${int(r.revoke.sessions)} live sessions of that user and 100,000 of 1,000 other users copied from them in SQL. The store's \`revokeSessions({ userId })\` (one \`UPDATE\`, what \`Revocation\` runs for sign-out everywhere) ends them, while ${VALIDATION_LOOPS} loops read other users' live sessions with \`findSession\` (a cold validation's read) back to back; reads for 3 s before it are the baseline. Load average ${r.revoke.load}.`,
    '',
    `**${int(r.revoke.revoked)} sessions ended in ${r.revoke.seconds.toFixed(2)} s** (${int(r.revoke.revoked / r.revoke.seconds)} a second, one statement; one \`{kind: user}\` event is announced for all of them).`,
    '',
    '| Other users\u2019 reads | Reads | p50 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: |',
    readRow('before', r.revoke.reads.before),
    readRow('during revoke-all', r.revoke.reads.during),
    '',
    `Before revoke-all the ${VALIDATION_LOOPS} loops made ${int(r.revoke.reads.baseline.perSecond)} reads a second: ${int(r.revoke.reads.baseline.perPostgresCpuSecond)} per CPU-second of PostgreSQL's processes (all of them, other users of the shared server included), ${int(r.revoke.reads.baseline.perClientCpuSecond)} per CPU-second of the reading process (Kysely and \`pg\`, what a node spends on a cache miss besides the request itself).`,
    '',
    '### Purge of ended sessions',
    '',
    `- ${int(r.purged.ended)} ended sessions (half expired, half revoked, 100 days ago) and ${int(r.purged.live)} live ones over 10,000 users, copied in SQL from a session made by sessiond (${r.purged.insertSeconds.toFixed(0)} s; \`sessions\` then ${int(r.purged.bytesBefore / 2 ** 20)} MiB, \`pg_total_relation_size\`: ${int(r.purged.bytesBefore / (r.purged.ended + r.purged.live + 1))} bytes per session). Deleted as \`serve\` deletes them every 10 minutes: \`purgeEndedSessions\`, 1,000 rows a statement until a statement deletes fewer, while ${VALIDATION_LOOPS} loops read live sessions as above. Load average ${r.purged.load}.`,
    '',
    `**${int(r.purged.purged)} ended sessions purged in ${r.purged.seconds.toFixed(1)} s** (${int(purgeRate)} a second).` +
      (r.purged.failure
        ? ` **Then a statement failed** after ${r.purged.failure.afterSeconds.toFixed(1)} s (\`${r.purged.failure.message}\`), so the purge stopped there, as \`serve\`'s would.`
        : ''),
    '',
    '| Live sessions\u2019 reads | Reads | p50 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: |',
    readRow('before', r.purged.reads.before),
    readRow('during purge', r.purged.reads.during),
  ].join('\n');
  const summary = [
    `Scale-out (${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}; load average ${m.loadAverage} at start)`,
    ...lim.map(
      (l) =>
        `  ${busName(l.kind).replace(/`/g, '')}: ${int(l.sustained)} revocations/s sustained (p99 <= ${LIMIT_P99_MS} ms, one publisher, ${THROUGHPUT_SUBSCRIBERS} subscribers)` +
        (l.failedAt ? `; ${int(l.failedAt.offered)}/s: p99 ${msOrNever(l.failedAt.p99)}` : ''),
    ),
    ...r.fanOuts.map(
      (f) =>
        `  fan-out ${f.loaded.kind} x${f.loaded.subscribers}: idle ${pctOf(f.idle.subscriberCpu)} CPU, at ${fanOutRate}/s ${pctOf(f.loaded.subscriberCpu)} CPU, effect p99 ${msOrNever(f.loaded.p99)}`,
    ),
    ...r.skipped.map((s) => `  not measured: ${s}`),
    `  revoke-all: ${int(r.revoke.revoked)} sessions in ${r.revoke.seconds.toFixed(2)} s; other users' reads p99 ${p99(r.revoke.reads.before)} before, ${p99(r.revoke.reads.during)} during`,
    `  purge: ${int(r.purged.purged)} ended sessions in ${r.purged.seconds.toFixed(1)} s (${int(purgeRate)}/s); live reads p99 ${p99(r.purged.reads.before)} before, ${p99(r.purged.reads.during)} during` +
      (r.purged.failure
        ? `; then a statement failed after ${r.purged.failure.afterSeconds.toFixed(1)} s: ${r.purged.failure.message}`
        : ''),
  ].join('\n');
  return { id: 'scale-out', markdown, summary };
}
